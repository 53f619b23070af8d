"""Panels with seats and an interview, built row by row (the staff side that assigns them is
another feature), around a candidate brought to "interview scheduled" by the real transitions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from engcert.accounts.models import User
from engcert.applications.domain.application import application_submit, attachment_upload
from engcert.applications.domain.transition import application_transition
from engcert.applications.enums import ApplicationState, AttachmentKind
from engcert.applications.models import Application
from engcert.demo import builders
from engcert.examiners.enums import InterviewMode, SeatStatus
from engcert.examiners.models import Examiner, Interview, Panel, PanelSeat, Room
from engcert.frameworks.models import ScaleLevel
from engcert.organisations.enums import Role
from engcert.organisations.models import Organisation
from engcert.scoring.domain.declarations import seat_declare
from engcert.scoring.domain.sheets import AreaEntry, SheetValues, score_sheet_submit
from engcert.scoring.enums import Recommendation
from tests.conftest import PASSWORD, World, enrol_totp

JUSTIFICATION = "在500千伏变电站工程中主持调试方案，面试中说明了风险分析的思路与取舍。"


def examiner_user(email: str, name: str, society: Organisation) -> User:
    user = builders.user_create(
        email=email, password=PASSWORD, full_name=name, role=Role.EXAMINER, organisation=society
    )
    enrol_totp(user)
    return user


def examiner_of(user: User, society: Organisation, *, employer: str = "国网北京电力公司") -> Examiner:
    examiner, _created = Examiner.objects.get_or_create(
        society=society,
        user=user,
        defaults={"employer": employer, "term_starts": date(2025, 1, 1), "term_ends": date(2029, 12, 31)},
    )
    return examiner


def candidate_scheduled(
    world: World, *, index: int, applicant: User | None = None, identity_document: bool = False
) -> Application:
    """A complete application (with a scan of the identity document if asked), submitted,
    passed by staff and given an interview."""
    applicant = applicant or builders.user_create(
        email=f"candidate{index}@example.com", password=PASSWORD, full_name=f"候选人{index}"
    )
    application = builders.application_complete_draft(
        batch=world.batch,
        applicant=applicant,
        person=builders.Person(
            f"候选人{index}", index % 2 == 0, date(1982, 1 + index % 12, 3), world.unit.name
        ),
        unit=world.unit,
        index=index,
    )
    if identity_document:
        attachment_upload(
            application=application,
            by=applicant,
            uploaded=SimpleUploadedFile("身份证.pdf", builders.TINY_PDF, content_type="application/pdf"),
            kind=AttachmentKind.IDENTITY_DOCUMENT,
        )
    application_submit(application=application, by=applicant)
    application_transition(application=application, to_state=ApplicationState.REVIEW_PASSED, by=world.staff)
    application_transition(
        application=application, to_state=ApplicationState.INTERVIEW_SCHEDULED, by=world.staff
    )
    application.refresh_from_db()
    return application


@dataclass
class PanelSetup:
    application: Application
    panel: Panel
    seats: list[PanelSeat]
    interview: Interview

    @property
    def chair(self) -> PanelSeat:
        return self.seats[0]

    @property
    def member(self) -> PanelSeat:
        return self.seats[1]

    def user(self, index: int) -> User:
        return self.seats[index].examiner.user


def room_of(society: Organisation) -> Room:
    room, _created = Room.objects.get_or_create(
        society=society,
        name="第一会议室",
        defaults={"mode": InterviewMode.IN_PERSON, "location": "学会大楼三层 305 室"},
    )
    return room


def panel_build(
    *,
    application: Application,
    examiners: list[Examiner],
    starts_at: datetime | None = None,
    minutes: int = 45,
    confirmed: bool = False,
) -> PanelSetup:
    """Seats for the examiners (the first is the chair) and an interview in the given slot
    (by default, one that ended a quarter of an hour ago)."""
    starts_at = starts_at or timezone.now() - timedelta(minutes=minutes + 15)
    interview = Interview.objects.create(
        application=application,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=minutes),
        room=room_of(application.batch.society),
    )
    panel = Panel.objects.create(application=application)
    seats = [
        PanelSeat.objects.create(
            panel=panel,
            examiner=examiner,
            is_chair=position == 0,
            status=SeatStatus.CONFIRMED if confirmed else SeatStatus.ASSIGNED,
            declared_at=timezone.now() if confirmed else None,
        )
        for position, examiner in enumerate(examiners)
    ]
    return PanelSetup(application=application, panel=panel, seats=seats, interview=interview)


def levels(application: Application) -> dict[int, ScaleLevel]:
    return {level.value: level for level in application.framework_version.scale.all()}


def full_values(
    application: Application, *, level: int = 2, by_area: dict[int, int] | None = None
) -> SheetValues:
    scale = levels(application)
    by_area = by_area or {}
    return SheetValues(
        areas={
            area.number: AreaEntry(level=scale[by_area.get(area.number, level)], justification=JUSTIFICATION)
            for area in application.framework_version.areas.all()
        },
        recommendation=Recommendation.GRADE_APPLIED,
        comment="",
    )


def declare_and_submit(seat: PanelSeat, *, level: int = 2, by_area: dict[int, int] | None = None) -> None:
    seat_declare(seat=seat, by=seat.examiner.user, conflict=False)
    seat.refresh_from_db()
    score_sheet_submit(
        seat=seat,
        by=seat.examiner.user,
        values=full_values(seat.panel.application, level=level, by_area=by_area),
    )


@pytest.fixture
def second_examiner(world: World) -> User:
    return examiner_user("examiner2@example.com", "第二考官", world.society)


@pytest.fixture
def setup(world: World, second_examiner: User) -> PanelSetup:
    """The world's examiner chairs, a second examiner sits; neither has declared yet."""
    application = candidate_scheduled(world, index=1, applicant=world.applicant)
    return panel_build(
        application=application,
        examiners=[examiner_of(world.examiner, world.society), examiner_of(second_examiner, world.society)],
    )
