"""What the examiner's pages share: the seat behind each page and the candidate's header."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, Concatenate, ParamSpec, cast
from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone

from engcert.accounts.models import User
from engcert.examiners.enums import SeatStatus
from engcert.examiners.models import PanelSeat
from engcert.examiners.selectors import evaluation_policy_for
from engcert.scoring.access import SeatClosed, get_seat_for_examiner
from engcert.scoring.models import PanelAssessment
from engcert.scoring.selectors import interview_current, seat_sheet, sheet_due_at, sheet_status

P = ParamSpec("P")


def request_user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


ExaminerView = Callable[Concatenate[HttpRequest, PanelSeat, P], HttpResponseBase]
SeatView = Callable[Concatenate[HttpRequest, UUID, P], HttpResponseBase]


def examiner_page(view: ExaminerView[P]) -> SeatView[P]:
    """Give the view the person's live seat on the candidate's panel.

    No seat: 404. A seat given up over a conflict or removed by staff: 403 with the reason.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, uid: UUID, *args: P.args, **kwargs: P.kwargs) -> HttpResponseBase:
        try:
            seat = get_seat_for_examiner(user=request_user(request), uid=uid)
        except SeatClosed as closed:
            return render(
                request,
                "examiners/examiner_seat_closed.html",
                {"seat": closed.seat, "application": closed.seat.panel.application},
                status=403,
            )
        return view(request, seat, *args, **kwargs)

    return cast("SeatView[P]", login_required(wrapper))


def candidate_header(seat: PanelSeat, *, tab: str) -> dict[str, Any]:
    """The candidate's name line, interview and the tabs of the examiner's pages."""
    application = seat.panel.application
    policy = evaluation_policy_for(society=application.batch.society)
    interview = interview_current(application=application)
    due_at = sheet_due_at(interview=interview, policy=policy)
    sheet = seat_sheet(seat)
    return {
        "seat": seat,
        "own_seat_id": seat.pk,
        "application": application,
        "policy": policy,
        "interview": interview,
        "due_at": due_at,
        "sheet": sheet,
        "sheet_status": sheet_status(sheet=sheet, due_at=due_at, now=timezone.now()),
        "declared": seat.status == SeatStatus.CONFIRMED,
        "agreed": PanelAssessment.objects.filter(application=application).exists(),
        "tab": tab,
    }
