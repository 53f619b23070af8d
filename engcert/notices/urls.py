"""Public notice (公示) of approved candidates, the working-day calendar and objections from the public."""

from __future__ import annotations

from django.urls import URLPattern, path

from engcert.notices.views import public, staff

app_name = "notices"

urlpatterns: list[URLPattern] = [
    path("notices/", public.public_list, name="public_list"),
    path("notices/<uuid:uid>/", public.public_detail, name="public_detail"),
    path("notices/<uuid:uid>/candidates/<uuid:entry>/object/", public.object_to, name="object"),
    path("notices/objections/<str:reference>/", public.objection_received, name="objection_received"),
    path("staff/<slug:society>/notices/", staff.staff_list, name="staff_list"),
    path("staff/<slug:society>/notices/policy/", staff.staff_policy, name="staff_policy"),
    path("staff/<slug:society>/notices/calendar/", staff.staff_calendar, name="staff_calendar"),
    path(
        "staff/<slug:society>/notices/calendar/<int:pk>/delete/",
        staff.staff_calendar_delete,
        name="staff_calendar_delete",
    ),
    path(
        "staff/<slug:society>/notices/batches/<int:batch>/publish/", staff.staff_publish, name="staff_publish"
    ),
    path("staff/<slug:society>/notices/<uuid:uid>/", staff.staff_detail, name="staff_detail"),
    path("staff/<slug:society>/objections/<uuid:uid>/", staff.staff_objection, name="staff_objection"),
    path(
        "staff/<slug:society>/objections/<uuid:uid>/evidence/",
        staff.staff_objection_evidence,
        name="staff_objection_evidence",
    ),
]
