from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from engcert.referees.views import applicant, referee, staff

app_name = "referees"
urlpatterns: list[URLPattern | URLResolver] = [
    # The referee, from the emailed link; no account.
    path("referee/<uuid:uid>/<str:token>/", referee.answer, name="answer"),
    # The applicant
    path("applications/<uuid:uid>/referees/<uuid:claim_uid>/replace/", applicant.replace, name="replace"),
    # The society's staff
    path("staff/<slug:society>/applications/<uuid:uid>/referees/ask/", staff.ask, name="ask"),
    path(
        "staff/<slug:society>/applications/<uuid:uid>/referees/<uuid:request_uid>/bounced/",
        staff.bounced,
        name="bounced",
    ),
    path("staff/<slug:society>/referees/policy/", staff.policy, name="policy"),
]
