from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from engcert.apiclients.views import clients

app_name = "apiclients"
urlpatterns: list[URLPattern | URLResolver] = [
    # A society's staff
    path("staff/<slug:society>/api-clients/", clients.client_list, name="society_list"),
    path("staff/<slug:society>/api-clients/<int:pk>/", clients.client_detail, name="society_detail"),
    path("staff/<slug:society>/api-clients/<int:pk>/tokens/", clients.token_issue, name="society_issue"),
    path(
        "staff/<slug:society>/api-clients/<int:pk>/tokens/<int:token>/revoke/",
        clients.token_revoke,
        name="society_revoke",
    ),
    # The alliance's reviewers
    path("alliance/api-clients/", clients.client_list, name="alliance_list"),
    path("alliance/api-clients/<int:pk>/", clients.client_detail, name="alliance_detail"),
    path("alliance/api-clients/<int:pk>/tokens/", clients.token_issue, name="alliance_issue"),
    path(
        "alliance/api-clients/<int:pk>/tokens/<int:token>/revoke/",
        clients.token_revoke,
        name="alliance_revoke",
    ),
]
