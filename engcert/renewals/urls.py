from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from engcert.renewals.views import member, staff

app_name = "renewals"
urlpatterns: list[URLPattern | URLResolver] = [
    path("me/renewal/", member.mine, name="mine"),
    path("staff/<slug:society>/renewals/", staff.staff_list, name="staff_list"),
    path("staff/<slug:society>/renewals/<int:pk>/", staff.staff_detail, name="staff_detail"),
]
