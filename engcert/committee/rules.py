"""Who may run the committee's meetings, sit on them and decide."""

from __future__ import annotations

from typing import Any

from rules.permissions import add_perm
from rules.predicates import predicate

from engcert.organisations.enums import Role
from engcert.organisations.models import Membership


def holds_role(user: Any, society_id: int, role: Role) -> bool:
    if not user.is_authenticated:
        return False
    return Membership.objects.filter(
        user=user, organisation_id=society_id, role=role, is_active=True
    ).exists()


@predicate
def is_staff_of_society(user: Any, society: Any) -> bool:
    return society is not None and holds_role(user, society.pk, Role.STAFF)


@predicate
def is_staff_of_meeting_society(user: Any, meeting: Any) -> bool:
    return meeting is not None and holds_role(user, meeting.society_id, Role.STAFF)


@predicate
def is_meeting_member(user: Any, meeting: Any) -> bool:
    """Invited to this meeting and still a committee member of its society."""
    if meeting is None or not user.is_authenticated:
        return False
    return meeting.members.filter(user=user).exists() and holds_role(user, meeting.society_id, Role.COMMITTEE)


@predicate
def is_meeting_chair(user: Any, meeting: Any) -> bool:
    return meeting is not None and meeting.chair_id == user.pk and is_meeting_member(user, meeting)


add_perm("committee.manage_meetings", is_staff_of_society)
add_perm("committee.view_meeting", is_staff_of_meeting_society | is_meeting_member)
add_perm("committee.decide", is_staff_of_meeting_society | is_meeting_chair)
