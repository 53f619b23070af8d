"""Building a society's examiner pool and candidates through the domain functions, for the
pool, panel and scheduling tests."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from django.utils import timezone

from engcert.accounts.models import User
from engcert.applications.domain.application import application_submit
from engcert.applications.domain.transition import application_transition
from engcert.applications.enums import ApplicationState
from engcert.applications.models import Application, WorkEntry
from engcert.demo import builders
from engcert.examiners.domain.pool import examiner_create, examiner_days_add, examiner_employment_add
from engcert.examiners.enums import InterviewMode
from engcert.examiners.models import Examiner, Room
from engcert.organisations.enums import OrganisationKind
from engcert.organisations.models import Discipline, Organisation
from tests.conftest import PASSWORD, World, enrol_totp

UNIVERSITY = "华北电力大学"


def monday_in(weeks: int = 2) -> date:
    """A Monday some weeks ahead: interview days are always in the future."""
    today = timezone.localdate()
    return today + timedelta(days=7 * weeks - today.weekday())


def discipline(society: Organisation, code: str) -> Discipline:
    return Discipline.objects.get(society=society, code=code)


def examiner_add(
    world: World,
    email: str,
    name: str,
    *,
    fields: Iterable[str] = ("01",),
    employer: str = UNIVERSITY,
    unit: Organisation | None = None,
    past: Iterable[str] = (),
    days: Iterable[date] = (),
    term: tuple[date, date] | None = None,
    society: Organisation | None = None,
) -> Examiner:
    society = society or world.society
    user = builders.user_create(email=email, password=PASSWORD, full_name=name)
    enrol_totp(user)
    term = term or (
        timezone.localdate() - timedelta(days=365),
        timezone.localdate() + timedelta(days=3 * 365),
    )
    examiner = examiner_create(
        society=society,
        user=user,
        values={"employer": employer, "unit": unit, "term_starts": term[0], "term_ends": term[1]},
        disciplines=[discipline(society, code) for code in fields],
        by=world.staff,
    )
    for name_ in past:
        examiner_employment_add(
            examiner=examiner, employer=name_, start_date=None, end_date=None, by=world.staff
        )
    for day in days:
        examiner_days_add(examiner=examiner, first=day, last=day, weekdays=range(7), by=world.staff)
    return examiner


def candidate_passed(
    world: World,
    index: int,
    *,
    field: str = "01",
    employer: str | None = None,
    unit: Organisation | None = None,
    history: Iterable[str] = (),
    applicant: User | None = None,
) -> Application:
    """A complete application with the given field and employers, submitted and passed by staff."""
    unit = unit or world.unit
    employer = employer or unit.name
    applicant = applicant or builders.user_create(
        email=f"candidate{index}@example.com", password=PASSWORD, full_name=f"候选人{index}"
    )
    application = builders.application_complete_draft(
        batch=world.batch,
        applicant=applicant,
        person=builders.Person(f"候选人{index}", index % 2 == 0, date(1982, 1 + index % 12, 3), employer),
        unit=unit,
        index=index,
    )
    Application.objects.filter(pk=application.pk).update(discipline=discipline(world.society, field))
    for number, name in enumerate(history):
        WorkEntry.objects.create(
            application=application,
            employer=name,
            position="工程师",
            start_date=date(2005 + number, 7, 1),
            end_date=date(2006 + number, 6, 30),
            referee_name="周立",
            referee_position="部门主任",
            referee_organisation=name,
            referee_email=f"zhouli{number}@example.com",
            referee_phone="13900000002",
        )
    application.refresh_from_db()
    application_submit(application=application, by=applicant)
    application_transition(application=application, to_state=ApplicationState.REVIEW_PASSED, by=world.staff)
    application.refresh_from_db()
    return application


def room_add(society: Organisation, name: str = "第一会议室", *, online: bool = False) -> Room:
    return Room.objects.create(
        society=society,
        name=name,
        mode=InterviewMode.ONLINE if online else InterviewMode.IN_PERSON,
        location="https://meeting.example.com/j/123" if online else "学会大楼三层 305 室",
    )


def unit_named(world: World, code: str, name: str) -> Organisation:
    return builders.unit_create(society=world.society, code=code, name=name)


def other_society(world: World) -> Organisation:
    return Organisation.objects.get(code="other", kind=OrganisationKind.SOCIETY)


def at(day: date, hour: int, minute: int = 0):
    """An aware moment on a day, Beijing time."""
    from datetime import datetime, time

    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def panel_ready(world: World, index: int = 1, *, day: date | None = None, **candidate):
    """A candidate waiting for an interview, with a complete panel of two examiners free on the day."""
    from engcert.examiners.domain.panels import panel_seat_add

    day = day or monday_in(2)
    application = candidate_passed(world, index, **candidate)
    chair = examiner_add(world, f"chair{index}@example.com", f"主考{index}", fields=("01",), days=[day])
    member = examiner_add(world, f"member{index}@example.com", f"考官{index}", fields=("07",), days=[day])
    panel_seat_add(application=application, examiner=chair, by=world.staff, is_chair=True)
    panel_seat_add(application=application, examiner=member, by=world.staff)
    return application, chair, member, day
