"""Demo steps of the evaluation, taken through the same domain functions staff and examiners use."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.utils import timezone

from engcert.accounts.models import User
from engcert.applications.models import Application
from engcert.examiners.domain.interviews import interview_schedule
from engcert.examiners.domain.panels import panel_seat_add
from engcert.examiners.domain.pool import examiner_create, examiner_days_add
from engcert.examiners.enums import InterviewMode
from engcert.examiners.models import Examiner, Interview, Room
from engcert.organisations.models import Discipline, Organisation
from engcert.review.domain import (
    RevisionInput,
    initial_review_checklist_save,
    initial_review_pass,
    initial_review_return,
)
from engcert.review.enums import TICKED_ITEMS
from engcert.scoring.domain.assessment import AgreedValues, panel_assessment_record
from engcert.scoring.domain.declarations import seat_declare
from engcert.scoring.domain.sheets import AreaEntry, SheetValues, score_sheet_submit
from engcert.scoring.enums import Recommendation

# The examiners of the demo pool beside the demo examiner: none works for a demo unit.
POOL: list[tuple[str, str, str]] = [
    ("examiner2@demo.engcert", "陈立新（考官）", "中国电力科学研究院有限公司"),
    ("examiner3@demo.engcert", "林秀英（考官）", "清华大学电机工程与应用电子技术系"),
    ("examiner4@demo.engcert", "黄志刚（考官）", "国网经济技术研究院有限公司"),
]


@dataclass(frozen=True)
class Pool:
    examiners: list[Examiner]
    rooms: list[Room]


def pool_create(
    *, society: Organisation, staff: User, demo_examiner: User, password: str, first_day: datetime
) -> Pool:
    """Four examiners covering the whole scope, available on weekdays around the demo's dates."""
    from engcert.demo.builders import user_create

    fields = list(Discipline.objects.filter(society=society, parent__isnull=True))
    people = [(demo_examiner, "华北电力大学")] + [
        (user_create(email=email, password=password, full_name=name), employer)
        for email, name, employer in POOL
    ]
    examiners = []
    today = timezone.localdate()
    for user, employer in people:
        examiner = examiner_create(
            society=society,
            user=user,
            values={
                "employer": employer,
                "position": "教授级高级工程师",
                "term_starts": today.replace(month=1, day=1),
                "term_ends": today.replace(year=today.year + 3, month=12, day=31),
            },
            disciplines=fields,
            by=staff,
        )
        examiner_days_add(
            examiner=examiner,
            first=first_day.date() - timedelta(days=30),
            last=first_day.date() + timedelta(days=60),
            weekdays=range(7),
            by=staff,
        )
        examiners.append(examiner)
    rooms = [
        Room.objects.create(
            society=society,
            name="学会第一会议室",
            mode=InterviewMode.IN_PERSON,
            location="北京市西城区白广路二条1号 3层",
        ),
        Room.objects.create(
            society=society,
            name="线上会议室",
            mode=InterviewMode.ONLINE,
            location="https://meeting.example.cn/csee-b4",
        ),
    ]
    return Pool(examiners=examiners, rooms=rooms)


def review_pass(*, application: Application, staff: User) -> None:
    initial_review_checklist_save(
        application=application,
        by=staff,
        ticked={item.value: True for item in TICKED_ITEMS},
        notes="材料齐全，符合申请级别要求。",
    )
    initial_review_pass(application=application, by=staff)


def review_return(*, application: Application, staff: User, reason: str) -> None:
    initial_review_checklist_save(
        application=application,
        by=staff,
        ticked={"documents_complete": False, "documents_legible": True},
        notes="学位证书扫描件不清晰。",
    )
    initial_review_return(
        application=application, by=staff, items=[RevisionInput(section="education", reason=reason)]
    )


def interview_arrange(
    *, application: Application, staff: User, pool: Pool, seat_of: list[int], at: datetime
) -> Interview:
    """Seat a panel (the first examiner chairs) and schedule the interview at ``at``."""
    for position, index in enumerate(seat_of):
        panel_seat_add(
            application=application, examiner=pool.examiners[index], by=staff, is_chair=position == 0
        )
    return interview_schedule(application=application, room=pool.rooms[0], starts_at=at, by=staff)


def interview_backdate(*, interview: Interview, days: int) -> None:
    """Demo only: the interview took place ``days`` ago (scheduling refuses the past, as it should)."""
    length = interview.ends_at - interview.starts_at
    start = timezone.make_aware(datetime.combine(timezone.localdate() - timedelta(days=days), time(9, 30)))
    Interview.objects.filter(pk=interview.pk).update(starts_at=start, ends_at=start + length)


JUSTIFICATION = "在项目中独立承担设计与调试工作，答辩中对关键技术问题回答准确、论证充分。"


def panel_scores_agree(*, application: Application, pool: Pool, seat_of: list[int]) -> None:
    """Every seated examiner declares, scores on their own, and the chair records the agreement."""
    application.refresh_from_db()
    areas = list(application.framework_version.areas.all())
    shown = application.framework_version.scale.filter(meets_requirement=True).order_by("value")
    levels = list(shown)
    seats = {seat.examiner_id: seat for seat in application.panel.seats.all()}
    for position, index in enumerate(seat_of):
        examiner = pool.examiners[index]
        seat = seats[examiner.pk]
        seat_declare(seat=seat, by=examiner.user, conflict=False)
        level = levels[min(position, len(levels) - 1)]
        score_sheet_submit(
            seat=seat,
            by=examiner.user,
            values=SheetValues(
                areas={area.number: AreaEntry(level=level, justification=JUSTIFICATION) for area in areas},
                recommendation=Recommendation.GRADE_APPLIED,
                comment="建议按申请级别通过。",
            ),
        )
    chair = pool.examiners[seat_of[0]].user
    panel_assessment_record(
        application=application,
        by=chair,
        values=AgreedValues(
            areas={area.number: AreaEntry(level=levels[0], justification=JUSTIFICATION) for area in areas},
            recommendation=Recommendation.GRADE_APPLIED,
            summary="考官组一致认为申请人各项能力要素均已达到要求，建议按申请级别通过。",
        ),
    )
