from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from engcert.units.views import admins, staff, workspace

app_name = "units"
urlpatterns: list[URLPattern | URLResolver] = [
    # The unit administrator's workspace.
    path("unit/", workspace.home, name="home"),
    path("unit/<slug:code>/", workspace.engineers, name="engineers"),
    path("unit/<slug:code>/applications/<uuid:uid>/", workspace.application, name="application"),
    path("unit/<slug:code>/profile/", workspace.profile, name="profile"),
    path("unit/<slug:code>/rosters/<int:batch>.xlsx", workspace.roster, name="roster"),
    path("unit/<slug:code>/invitations/", workspace.invitations, name="invitations"),
    # Becoming an administrator (outside /unit/<code>/, so no unit code can shadow them).
    path("units/ask/", admins.ask, name="ask"),
    path("units/invitations/<str:token>/", admins.invitation, name="invitation"),
    # The society's staff.
    path("staff/<slug:society>/units/", staff.unit_list, name="staff_units"),
    path("staff/<slug:society>/units/<slug:unit>/invite/", staff.admin_invite, name="staff_admin_invite"),
    path(
        "staff/<slug:society>/units/<slug:unit>/admins/<int:pk>/remove/",
        staff.admin_remove,
        name="staff_admin_remove",
    ),
    path(
        "staff/<slug:society>/units/requests/<int:pk>/",
        staff.admin_request_decide,
        name="staff_admin_request_decide",
    ),
]
