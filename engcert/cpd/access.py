"""Fetching CPD records for the person asking: 404 for anyone who is not to know of them."""

from __future__ import annotations

from uuid import UUID

from django.http import Http404

from engcert.accounts.models import User
from engcert.cpd.models import AuditDraw, AuditSelection, CpdActivity
from engcert.organisations.models import Organisation


def get_activity_for_member(*, user: User, uid: UUID) -> CpdActivity:
    activity = (
        CpdActivity.objects.select_related("registration__society")
        .filter(uid=uid, registration__holder=user)
        .first()
    )
    if activity is None:
        raise Http404
    return activity


def get_activity_for_staff(*, society: Organisation, uid: UUID) -> CpdActivity:
    """An activity of one of the society's members (the caller has checked the person is its staff)."""
    activity = (
        CpdActivity.objects.select_related("registration")
        .filter(uid=uid, registration__society=society)
        .first()
    )
    if activity is None:
        raise Http404
    return activity


def get_draw_for_staff(*, society: Organisation, pk: int) -> AuditDraw:
    draw = AuditDraw.objects.select_related("society", "drawn_by").filter(society=society, pk=pk).first()
    if draw is None:
        raise Http404
    return draw


def get_selection_for_staff(*, society: Organisation, pk: int) -> AuditSelection:
    selection = (
        AuditSelection.objects.select_related(
            "draw__society", "registration__unit", "registration__grade", "registration__holder", "decided_by"
        )
        .filter(draw__society=society, pk=pk)
        .first()
    )
    if selection is None:
        raise Http404
    return selection
