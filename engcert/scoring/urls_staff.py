from django.urls import path

from engcert.scoring.views import staff

app_name = "scoring_staff"
urlpatterns = [
    path("<slug:society>/scores/", staff.panel_list, name="panels"),
    path("<slug:society>/applications/<uuid:uid>/scores/", staff.scores, name="scores"),
    path("<slug:society>/applications/<uuid:uid>/scores/agreement/", staff.agreement, name="agreement"),
]
