"""Working days: the default week (Monday to Friday) corrected by the calendar's listed days."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction

from engcert.accounts.models import User
from engcert.audit.domain import audit_event_append
from engcert.notices.enums import CalendarDayKind
from engcert.notices.models import CalendarDay

BEIJING = ZoneInfo("Asia/Shanghai")

# No listed day would make a working day further than this: a calendar of only holidays is a mistake.
_SEARCH_LIMIT_DAYS = 3660


def working_day_is(day: date, overrides: Mapping[date, bool]) -> bool:
    """Whether ``day`` is a working day: the calendar's word when it lists the day, else Monday to Friday."""
    if day in overrides:
        return overrides[day]
    return day.weekday() < 5


def working_days_add(start: date, days: int, overrides: Mapping[date, bool]) -> date:
    """The date ``days`` working days after ``start`` (``start`` itself not counted).

    ``overrides`` maps the calendar's listed days to whether they are working days. Pure: the
    caller reads the calendar (``calendar_overrides``) and passes it in.
    """
    if days < 1:
        raise ValueError("days must be at least 1")
    day = start
    counted = 0
    for _ in range(_SEARCH_LIMIT_DAYS):
        day += timedelta(days=1)
        if working_day_is(day, overrides):
            counted += 1
            if counted == days:
                return day
    raise ValueError("the calendar has no working days in reach")


def notice_last_day(starts_on: date, days: int, overrides: Mapping[date, bool]) -> date:
    """The last working day of a period of ``days`` working days that begins on ``starts_on``
    (the first day counts when it is a working day)."""
    return working_days_add(starts_on - timedelta(days=1), days, overrides)


def day_start(day: date) -> datetime:
    """Midnight at the start of ``day``, Beijing time."""
    return datetime.combine(day, time.min, tzinfo=BEIJING)


def calendar_overrides(*, start: date, end: date) -> dict[date, bool]:
    """The calendar's listed days between two dates, as ``working_days_add`` reads them."""
    return {
        day: kind == CalendarDayKind.WORKDAY
        for day, kind in CalendarDay.objects.filter(day__gte=start, day__lte=end).values_list("day", "kind")
    }


def notice_period_compute(*, starts_on: date, working_days: int) -> tuple[date, datetime, datetime]:
    """The last day, the start and the end (midnight after the last working day) of a notice."""
    overrides = calendar_overrides(start=starts_on, end=starts_on + timedelta(days=_SEARCH_LIMIT_DAYS))
    last = notice_last_day(starts_on, working_days, overrides)
    return last, day_start(starts_on), day_start(last + timedelta(days=1))


def calendar_day_save(*, day: date, kind: CalendarDayKind, name: str, by: User) -> CalendarDay:
    """List a day as a holiday or a make-up working day (replacing what was listed for it)."""
    with transaction.atomic():
        entry, created = CalendarDay.objects.update_or_create(day=day, defaults={"kind": kind, "name": name})
        audit_event_append(
            actor=by,
            action="notices.calendar_day_save",
            subject=entry,
            data={"day": day.isoformat(), "kind": str(kind), "name": name, "created": created},
        )
    return entry


def calendar_day_delete(*, entry: CalendarDay, by: User) -> None:
    """Remove a listed day: it becomes what the default week says."""
    with transaction.atomic():
        audit_event_append(
            actor=by,
            action="notices.calendar_day_delete",
            subject=entry,
            data={"day": entry.day.isoformat(), "kind": entry.kind, "name": entry.name},
        )
        entry.delete()
