from django.urls import path

from engcert.examiners.views import applicant

app_name = "interviews"
urlpatterns = [
    path("<uuid:uid>/unavailable/", applicant.unavailable_days, name="unavailable"),
    path("<uuid:uid>/unavailable/<int:pk>/delete/", applicant.unavailable_remove, name="unavailable_remove"),
    path("<uuid:uid>/calendar.ics", applicant.calendar, name="calendar"),
]
