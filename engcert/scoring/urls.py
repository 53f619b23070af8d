from django.urls import path

from engcert.scoring.views import examiner

app_name = "scoring"
urlpatterns = [
    path("<uuid:uid>/score/", examiner.score_sheet, name="sheet"),
    path("<uuid:uid>/agreement/", examiner.agreement, name="agreement"),
]
