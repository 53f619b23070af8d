"""Candidates brought to each appealable decision by the real functions of review, committee and
notices, the people of the society who might sit on a panel, and an appeal taken to its panel."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from engcert.accounts.models import User
from engcert.appeals.domain import appeal_lodge, appeal_panel_assign, appeal_view_record
from engcert.appeals.enums import View
from engcert.appeals.models import Appeal
from engcert.applications.domain.application import application_submit
from engcert.applications.models import Application
from engcert.committee.domain import agenda_item_decide
from engcert.committee.enums import VoteChoice
from engcert.demo import builders
from engcert.notices.domain.objection import objection_decide, objection_file
from engcert.notices.enums import ObjectionOutcome
from engcert.organisations.enums import Role
from engcert.review.domain import initial_review_checklist_save, initial_review_reject
from tests.committee.helpers import committee_members, meeting_of, on_agenda, present, votes
from tests.conftest import PASSWORD, World, enrol_totp

STATEMENT = (
    "初审认为我的工程实践年限不足，但我在2016年至2020年间担任海外电站项目的调试负责人，相关证明材料已附上。"
)
REJECTION = "申请人工程实践年限不满足工程会员级别要求。"
TINY_PDF = builders.TINY_PDF


def person(email: str, name: str, role: Role, world: World) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = builders.user_create(
            email=email, password=PASSWORD, full_name=name, role=role, organisation=world.society
        )
        enrol_totp(user)
    return user


def checklist_reviewer(world: World) -> User:
    return person("checker@example.com", "初审复核人", Role.STAFF, world)


def objection_decider(world: World) -> User:
    return person("decider@example.com", "异议处理人", Role.STAFF, world)


def panel_people(world: World, count: int = 3) -> list[User]:
    """Staff of the society who took no part in any decision."""
    names = ["周申诉", "吴复核", "郑评议", "冯独立", "陈公正"]
    return [person(f"panel{i}@example.com", names[i], Role.STAFF, world) for i in range(count)]


def rejected(world: World, *, applicant: User | None = None, index: int = 1) -> Application:
    """Submitted, its checklist saved by one member of staff, rejected by another."""
    applicant = applicant or world.applicant
    application = builders.application_complete_draft(
        batch=world.batch,
        applicant=applicant,
        person=builders.Person(applicant.full_name, True, builders.date(1985, 3, 14), world.unit.name),
        unit=world.unit,
        index=index,
    )
    application_submit(application=application, by=applicant)
    initial_review_checklist_save(
        application=application, by=checklist_reviewer(world), ticked={"documents_complete": True}, notes=""
    )
    initial_review_reject(application=application, by=world.staff, reason=REJECTION)
    application.refresh_from_db()
    return application


@dataclass
class CommitteeRefusal:
    application: Application
    members: list[User]


def refused_by_committee(world: World, *, index: int = 1) -> CommitteeRefusal:
    """Interviewed by the world's examiner and a second one, refused by a committee of three."""
    members = committee_members(world, 3)
    meeting = meeting_of(world, members)
    item = on_agenda(world, meeting, index=index, meets=False)
    present(world, meeting, members)
    votes(item, {member: VoteChoice.NOT_APPROVE for member in members})
    agenda_item_decide(
        item=item,
        approve=False,
        grade=None,
        rationale="委员会认为第一项能力仅部分体现，不同意通过。",
        by=members[0],
    )
    application = Application.objects.get(pk=item.application_id)
    return CommitteeRefusal(application=application, members=members)


def stopped_by_objection(world: World) -> Application:
    """Approved, in a running notice, stopped by an objection another member of staff upheld."""
    from tests.notices.conftest import running_notice

    notice = running_notice(world)
    entry = notice.entries.get()
    objection = objection_file(
        entry=entry, name="张明", phone="13912345678", email="", statement="项目负责人另有其人。"
    )
    objection_decide(
        objection=objection,
        outcome=ObjectionOutcome.UPHELD,
        by=objection_decider(world),
        reason_for_candidate="经核实，申请表所列项目并非申请人负责。",
    )
    return Application.objects.get(pk=entry.application_id)


def lodged(application: Application, *, files: list[SimpleUploadedFile] | None = None) -> Appeal:
    return appeal_lodge(
        application=application,
        by=application.applicant,
        statement=STATEMENT,
        files=files or [SimpleUploadedFile("证明.pdf", TINY_PDF, content_type="application/pdf")],
        now=timezone.now(),
    )


def with_panel(world: World, appeal: Appeal, members: list[User] | None = None) -> list[User]:
    members = members or panel_people(world)
    appeal_panel_assign(appeal=appeal, members=members, by=world.staff)
    appeal.refresh_from_db()
    return members


def views(appeal: Appeal, members: list[User], chosen: list[tuple[View, str]]) -> None:
    for member, (view, stage) in zip(members, chosen, strict=True):
        appeal_view_record(
            appeal=appeal, by=member, view=view, send_back_to=stage, comment="理由：" + view.value
        )
