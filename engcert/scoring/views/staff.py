"""Staff read the panels' sheets and agreed assessments, and may record an agreement themselves."""

from __future__ import annotations

from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from engcert.batches.access import get_society_for_staff
from engcert.examiners.enums import ACTIVE_SEATS
from engcert.examiners.selectors import evaluation_policy_for
from engcert.scoring.access import get_application_for_society_staff
from engcert.scoring.enums import SheetStatus
from engcert.scoring.selectors import (
    interview_current,
    panel_state_of,
    seat_sheet,
    sheet_due_at,
    sheet_status,
    society_panel_list,
)
from engcert.scoring.views.agreement import agreement_page, panel_overview
from engcert.scoring.views.common import request_user


@login_required
def panel_list(request: HttpRequest, society: str) -> HttpResponse:
    """Every candidate with a panel: how far the sheets are, which are overdue, what was agreed."""
    org = get_society_for_staff(user=request_user(request), code=society)
    policy = evaluation_policy_for(society=org)
    now = timezone.now()
    rows = []
    for application in society_panel_list(society=org):
        seats = list(application.panel.seats.all())
        interview = interview_current(application=application)
        due_at = sheet_due_at(interview=interview, policy=policy)
        statuses = [
            sheet_status(sheet=seat_sheet(seat), due_at=due_at, now=now)
            for seat in seats
            if seat.status in ACTIVE_SEATS
        ]
        assessment = getattr(application, "panel_assessment", None)
        rows.append(
            {
                "application": application,
                "interview": interview,
                "state": panel_state_of(seats=seats, policy=policy, agreed=assessment is not None),
                "overdue": statuses.count(SheetStatus.OVERDUE),
                "assessment": assessment,
            }
        )
    return render(request, "scoring/staff_panel_list.html", {"society": org, "rows": rows})


@login_required
def scores(request: HttpRequest, society: str, uid: UUID) -> HttpResponse:
    org = get_society_for_staff(user=request_user(request), code=society)
    application = get_application_for_society_staff(user=request_user(request), society=org, uid=uid)
    overview = panel_overview(application=application)
    interview = interview_current(application=application)
    due_at = sheet_due_at(interview=interview, policy=overview["policy"])
    now = timezone.now()
    seat_rows = [
        {
            "seat": seat,
            "sheet": seat_sheet(seat),
            "status": sheet_status(sheet=seat_sheet(seat), due_at=due_at, now=now)
            if seat.status in ACTIVE_SEATS
            else None,
        }
        for seat in overview["seats"]
    ]
    context = {
        "society": org,
        "application": application,
        "interview": interview,
        "due_at": due_at,
        "seat_rows": seat_rows,
        **overview,
    }
    return render(request, "scoring/staff_scores.html", context)


@login_required
def agreement(request: HttpRequest, society: str, uid: UUID) -> HttpResponse:
    org = get_society_for_staff(user=request_user(request), code=society)
    application = get_application_for_society_staff(user=request_user(request), society=org, uid=uid)
    return agreement_page(
        request,
        application=application,
        context={"society": org, "staff_view": True},
        done_url=reverse("scoring_staff:scores", kwargs={"society": org.code, "uid": application.uid}),
    )
