"""Committee members read their meetings, recuse, vote; the chair records decisions."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from engcert.committee.access import get_item, get_meeting_for_member
from engcert.committee.selectors import (
    agenda_rows,
    committee_policy_for,
    meeting_members,
    member_meeting_list,
)
from engcert.committee.views.common import item_page, minutes_pdf_response, request_user


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "committee/member_meetings.html",
        {"meetings": list(member_meeting_list(user=request_user(request)))},
    )


@login_required
def meeting(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    meeting = get_meeting_for_member(user=user, pk=pk)
    members = meeting_members(meeting=meeting)
    seat = next(m for m in members if m.user_id == user.pk)
    rows = agenda_rows(meeting=meeting, policy=committee_policy_for(society=meeting.society), members=members)
    return render(
        request,
        "committee/member_meeting.html",
        {
            "meeting": meeting,
            "members": members,
            "seat": seat,
            "is_chair": meeting.chair_id == user.pk,
            "rows": [
                {"row": row, "vote": row.vote_of(seat), "recusal": row.recusal_of(seat)} for row in rows
            ],
        },
    )


@login_required
def item(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    meeting = get_meeting_for_member(user=request_user(request), pk=pk)
    return item_page(
        request, meeting=meeting, item=get_item(meeting=meeting, pk=item), staff_view=False, context={}
    )


@login_required
def minutes_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return minutes_pdf_response(meeting=get_meeting_for_member(user=request_user(request), pk=pk))
