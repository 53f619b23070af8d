"""Fetching the committee's meetings for the person asking: 404 for anyone who is not the
society's staff or a member of the meeting."""

from __future__ import annotations

from django.http import Http404

from engcert.accounts.models import User
from engcert.committee.models import AgendaItem, Meeting
from engcert.committee.rules import is_meeting_member
from engcert.organisations.enums import OrganisationKind
from engcert.organisations.models import Organisation


def get_society_for_committee_staff(*, user: User, code: str) -> Organisation:
    society = Organisation.objects.filter(kind=OrganisationKind.SOCIETY, code=code).first()
    if society is None or not user.has_perm("committee.manage_meetings", society):
        raise Http404
    return society


def get_meeting_for_staff(*, society: Organisation, pk: int) -> Meeting:
    meeting = (
        Meeting.objects.select_related("batch", "chair", "society").filter(pk=pk, society=society).first()
    )
    if meeting is None:
        raise Http404
    return meeting


def get_meeting_for_member(*, user: User, pk: int) -> Meeting:
    """A meeting the person sits on, while they hold the committee role at its society."""
    meeting = Meeting.objects.select_related("batch", "chair", "society").filter(pk=pk).first()
    if meeting is None or not is_meeting_member(user, meeting):
        raise Http404
    return meeting


def get_item(*, meeting: Meeting, pk: int) -> AgendaItem:
    item = (
        AgendaItem.objects.select_related(
            "application__grade",
            "application__unit",
            "application__discipline__parent",
            "application__framework_version",
            "awarded_grade",
            "decided_by",
        )
        .filter(pk=pk, meeting=meeting)
        .first()
    )
    if item is None:
        raise Http404
    item.meeting = meeting
    return item
