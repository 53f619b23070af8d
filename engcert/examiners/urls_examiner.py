from django.urls import path

from engcert.examiners.views import examiner

app_name = "examiner"
urlpatterns = [
    path("", examiner.candidate_list, name="candidates"),
    path("<uuid:uid>/", examiner.candidate, name="candidate"),
    path("<uuid:uid>/declare/", examiner.declare, name="declare"),
    path("<uuid:uid>/files/<uuid:file_uid>/", examiner.attachment_download, name="file"),
]
