"""Who may read score sheets and record the panel's agreed assessment."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef
from rules.permissions import add_perm
from rules.predicates import predicate

from engcert.applications.rules import is_society_staff
from engcert.examiners.enums import SeatStatus
from engcert.examiners.models import PanelSeat
from engcert.organisations.enums import Role
from engcert.organisations.models import Membership


def examiner_role_held(user_ref: Any) -> Exists:
    """The seat's examiner still holds the examiner role at the society the seat is for."""
    return Exists(
        Membership.objects.filter(
            user=user_ref,
            organisation=OuterRef("examiner__society"),
            role=Role.EXAMINER,
            is_active=True,
        )
    )


@predicate
def is_panel_chair(user: Any, application: Any) -> bool:
    """The chair of the candidate's panel, on a seat they have confirmed by declaring no conflict."""
    if application is None or not user.is_authenticated:
        return False
    return (
        PanelSeat.objects.filter(
            panel__application=application,
            examiner__user=user,
            is_chair=True,
            status=SeatStatus.CONFIRMED,
        )
        .filter(examiner_role_held(user.pk))
        .exists()
    )


add_perm("scoring.view_scores", is_society_staff)
add_perm("scoring.record_assessment", is_panel_chair | is_society_staff)
