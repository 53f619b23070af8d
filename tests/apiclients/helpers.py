"""A candidate taken through the whole evaluation by the real functions: panel assessment,
committee decision with a vote, public notice with a dismissed objection, and a package sent to
the alliance."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from engcert.applications.domain.transition import application_transition
from engcert.applications.enums import ApplicationState as S
from engcert.applications.models import Application
from engcert.committee.domain import (
    MeetingValues,
    agenda_item_add,
    agenda_item_decide,
    meeting_attendance_record,
    meeting_create,
    vote_cast,
)
from engcert.committee.enums import VoteChoice
from engcert.notices.domain.calendar import BEIJING
from engcert.notices.domain.notice import notice_publish
from engcert.notices.domain.objection import objection_decide, objection_file
from engcert.notices.enums import ObjectionOutcome
from engcert.registration.domain import package_send
from engcert.registration.models import AlliancePackage, PackageItem
from tests.conftest import World
from tests.evaluation_helpers import candidate_interviewed

RATIONALE = "各能力要素均达到要求，同意按申请级别通过。"
DISMISSAL = "经核查，该项目确由申请人负责，异议不成立。"


def approved_by_committee(world: World, *, indexes: list[int]) -> list[Application]:
    applications = [candidate_interviewed(world, index=index) for index in indexes]
    meeting = meeting_create(
        values=MeetingValues(
            title="第四批综合审议会",
            batch=world.batch,
            starts_at=timezone.now() - timedelta(days=3),
            place="学会第一会议室",
            members=[world.committee],
            chair=world.committee,
        ),
        by=world.staff,
    )
    meeting_attendance_record(meeting=meeting, present=[world.committee], by=world.staff)
    for application in applications:
        item = agenda_item_add(meeting=meeting, application=application, by=world.staff)
        vote_cast(item=item, choice=VoteChoice.APPROVE, by=world.committee)
        agenda_item_decide(
            item=item, approve=True, grade=application.grade, rationale=RATIONALE, by=world.committee
        )
    for application in applications:
        application.refresh_from_db()
    return applications


def sent_to_alliance(world: World, *, indexes: list[int]) -> tuple[AlliancePackage, list[Application]]:
    """Candidates approved, listed in a notice (the first with an objection, dismissed), past
    the notice and sent to the alliance in one package."""
    applications = approved_by_committee(world, indexes=indexes)
    notice = notice_publish(
        batch=world.batch,
        starts_on=datetime(2026, 11, 30, tzinfo=BEIJING).date(),
        by=world.staff,
        now=datetime(2026, 11, 25, tzinfo=BEIJING),
    )
    during = datetime(2026, 12, 2, 10, 0, tzinfo=BEIJING)
    entry = notice.entries.get(application=applications[0])
    objection = objection_file(
        entry=entry, name="张明", phone="13912345678", email="", statement="项目负责人另有其人。", now=during
    )
    objection_decide(
        objection=objection, outcome=ObjectionOutcome.DISMISSED, by=world.staff, note=DISMISSAL, now=during
    )
    for application in applications:
        application.refresh_from_db()
        application_transition(application=application, to_state=S.NOTICE_PASSED, by=world.staff)
    package = package_send(society=world.society, batch=world.batch, by=world.staff)
    for application in applications:
        application.refresh_from_db()
    return package, applications


def item_of(package: AlliancePackage, application: Application) -> PackageItem:
    return PackageItem.objects.get(package=package, application=application)
