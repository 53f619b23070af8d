from __future__ import annotations

from django.urls import path

from engcert.committee.views import member, staff

app_name = "committee"

STAFF = "staff/<slug:society>/committee/"
urlpatterns = [
    path(STAFF, staff.meetings, name="meetings"),
    path(f"{STAFF}policy/", staff.policy, name="policy"),
    path(f"{STAFF}new/", staff.meeting_new, name="meeting_new"),
    path(f"{STAFF}<int:pk>/", staff.meeting, name="meeting"),
    path(f"{STAFF}<int:pk>/edit/", staff.meeting_edit, name="meeting_edit"),
    path(f"{STAFF}<int:pk>/attendance/", staff.attendance, name="attendance"),
    path(f"{STAFF}<int:pk>/agenda/", staff.agenda_add, name="agenda_add"),
    path(f"{STAFF}<int:pk>/close/", staff.close, name="meeting_close"),
    path(f"{STAFF}<int:pk>/items/<int:item>/", staff.item, name="item"),
    path(f"{STAFF}<int:pk>/items/<int:item>/remove/", staff.item_remove, name="item_remove"),
    path(f"{STAFF}<int:pk>/minutes.pdf", staff.minutes_pdf, name="minutes_pdf"),
    path(f"{STAFF}<int:pk>/minutes.xlsx", staff.minutes_xlsx, name="minutes_xlsx"),
    path("committee/", member.mine, name="mine"),
    path("committee/<int:pk>/", member.meeting, name="member_meeting"),
    path("committee/<int:pk>/items/<int:item>/", member.item, name="member_item"),
    path("committee/<int:pk>/minutes.pdf", member.minutes_pdf, name="member_minutes_pdf"),
]
