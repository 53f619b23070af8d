"""Committee members, meetings and candidates on an agenda, built by the committee's own functions."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from engcert.accounts.models import User
from engcert.applications.models import Application
from engcert.committee.domain import (
    MeetingValues,
    agenda_item_add,
    meeting_attendance_record,
    meeting_create,
    vote_cast,
)
from engcert.committee.enums import VoteChoice
from engcert.committee.models import AgendaItem, Meeting
from engcert.demo import builders
from engcert.organisations.enums import Role
from tests.conftest import PASSWORD, World, enrol_totp
from tests.evaluation_helpers import candidate_interviewed

MEMBER_NAMES = ["审议委员", "张审议", "李审议", "赵审议", "钱审议"]
RATIONALE = "委员会审议认为申请人工程实践经历扎实，五项能力均已体现，同意按申请级别通过。"


def committee_members(world: World, count: int) -> list[User]:
    """The world's committee member and as many more as asked, all with the committee role."""
    people = [world.committee]
    for i in range(1, count):
        email = f"committee{i}@example.com"
        user = User.objects.filter(email=email).first()
        if user is None:
            user = builders.user_create(
                email=email,
                password=PASSWORD,
                full_name=MEMBER_NAMES[i],
                role=Role.COMMITTEE,
                organisation=world.society,
            )
            enrol_totp(user)
        people.append(user)
    return people


def starts_at() -> datetime:
    return (timezone.now() + timedelta(days=7)).replace(hour=9, minute=30, second=0, microsecond=0)


def meeting_of(
    world: World, members: list[User], *, title: str = "第四批综合审议会议", chair: User | None = None
) -> Meeting:
    return meeting_create(
        values=MeetingValues(
            title=title,
            batch=world.batch,
            starts_at=starts_at(),
            place="学会二层会议室",
            members=members,
            chair=members[0] if chair is None else chair,
        ),
        by=world.staff,
    )


def on_agenda(world: World, meeting: Meeting, *, index: int, meets: bool = True) -> AgendaItem:
    application = candidate_interviewed(world, index=index, meets=meets)
    return agenda_item_add(meeting=meeting, application=application, by=world.staff)


def present(world: World, meeting: Meeting, people: list[User]) -> None:
    meeting_attendance_record(meeting=meeting, present=people, by=world.staff)
    meeting.refresh_from_db()


def votes(item: AgendaItem, ballots: dict[User, VoteChoice]) -> None:
    for user, choice in ballots.items():
        vote_cast(item=item, choice=choice, by=user)


def application_of(item: AgendaItem) -> Application:
    return Application.objects.get(pk=item.application_id)
