from __future__ import annotations

from django.urls import URLPattern, path

from engcert.registration.views import alliance, society

app_name = "registration"

urlpatterns: list[URLPattern] = [
    # The alliance's reviewers
    path("alliance/", alliance.packages, name="packages"),
    path("alliance/policy/", alliance.policy, name="policy"),
    path("alliance/packages/<int:pk>/", alliance.package, name="package"),
    path("alliance/packages/<int:pk>/confirm/", alliance.confirm_selected, name="confirm_selected"),
    path("alliance/packages/<int:pk>/candidates/<uuid:uid>/", alliance.candidate, name="candidate"),
    # The society's staff
    path("staff/<slug:society>/alliance/", society.packages, name="society_packages"),
    path("staff/<slug:society>/alliance/batches/<int:batch>/send/", society.send, name="society_send"),
    path("staff/<slug:society>/alliance/packages/<int:pk>/", society.package, name="society_package"),
    path(
        "staff/<slug:society>/alliance/packages/<int:pk>/candidates/<uuid:uid>/",
        society.candidate,
        name="society_candidate",
    ),
]
