"""Fetching a candidate for the examiner or staff asking: 404 for outsiders, 403 for those who
may know the candidate but not act on the file. The society a staff page acts for is checked
by the batches app's `get_society_for_staff`."""

from __future__ import annotations

from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import Http404

from engcert.accounts.models import User
from engcert.applications.models import Application
from engcert.examiners.enums import ACTIVE_SEATS
from engcert.examiners.models import PanelSeat
from engcert.organisations.models import Organisation
from engcert.scoring.selectors import examiner_seats


class SeatClosed(PermissionDenied):
    """The examiner had a seat on this panel but declared a conflict or was removed."""

    def __init__(self, seat: PanelSeat) -> None:
        super().__init__(str(seat.pk))
        self.seat = seat


def get_seat_for_examiner(*, user: User, uid: UUID) -> PanelSeat:
    """The person's live seat on the candidate's panel.

    No seat at all: 404, the candidate is none of their business. A seat that was live once
    (conflict declared, removed by staff): 403 with the reason, so they know why the file closed.
    """
    seats = list(
        examiner_seats(user=user)
        .filter(panel__application__uid=uid)
        .select_related(
            "examiner",
            "panel__application__batch__society__evaluation_policy",
            "panel__application__framework_version",
            "panel__application__grade",
            "panel__application__discipline__parent",
            "panel__application__unit",
        )
        .order_by("-assigned_at", "-pk")
    )
    for seat in seats:
        if seat.status in ACTIVE_SEATS:
            return seat
    if seats:
        raise SeatClosed(seats[0])
    raise Http404


def get_application_for_society_staff(*, user: User, society: Organisation, uid: UUID) -> Application:
    """A candidate of this society, for its staff; 404 for anyone else and for another society's file."""
    application = (
        Application.objects.select_related(
            "batch__society__evaluation_policy",
            "framework_version",
            "grade",
            "discipline__parent",
            "unit",
        )
        .filter(uid=uid, batch__society=society)
        .first()
    )
    if application is None or not user.has_perm("scoring.view_scores", application):
        raise Http404
    return application
