"""Registration years and the hours that count in each under a society's CPD rule."""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from engcert.cpd.models import CpdRule


def add_years(start: date, years: int) -> date:
    """The same day `years` later (28 February for 29 February in a common year)."""
    year = start.year + years
    day = min(start.day, calendar.monthrange(year, start.month)[1])
    return start.replace(year=year, day=day)


@dataclass(frozen=True)
class Hours:
    """One activity as the counting needs it."""

    activity_type: str
    date: date
    hours: Decimal


@dataclass
class TypeHours:
    activity_type: str
    logged: Decimal
    counted: Decimal
    limit: Decimal | None


@dataclass
class YearProgress:
    """One registration year: from `start` to `end` inclusive."""

    number: int
    start: date
    end: date
    required: Decimal
    logged: Decimal = Decimal("0")
    counted: Decimal = Decimal("0")
    by_type: list[TypeHours] = field(default_factory=list)
    in_progress: bool = False

    @property
    def compliant(self) -> bool:
        return self.counted >= self.required

    @property
    def missing(self) -> Decimal:
        return max(self.required - self.counted, Decimal("0"))

    @property
    def percent(self) -> int:
        if self.required <= 0:
            return 100
        return min(100, int(self.counted * 100 / self.required))

    @property
    def capped(self) -> bool:
        return self.logged > self.counted


def year_bounds(anchor: date, number: int) -> tuple[date, date]:
    """Registration year `number` (1 is the first) of a registration starting on `anchor`."""
    return add_years(anchor, number - 1), add_years(anchor, number) - timedelta(days=1)


def year_number_on(anchor: date, day: date) -> int:
    number = max(day.year - anchor.year, 0) + 1
    while number > 1 and year_bounds(anchor, number)[0] > day:
        number -= 1
    while year_bounds(anchor, number)[1] < day:
        number += 1
    return number


def year_count(
    *, rule: CpdRule, number: int, start: date, end: date, items: Iterable[Hours], today: date
) -> YearProgress:
    """The hours of one registration year, each type counted up to its limit."""
    logged: dict[str, Decimal] = defaultdict(Decimal)
    for item in items:
        if start <= item.date <= end:
            logged[item.activity_type] += item.hours
    progress = YearProgress(
        number=number, start=start, end=end, required=rule.annual_hours, in_progress=start <= today <= end
    )
    for activity_type, hours in sorted(logged.items()):
        limit = rule.limit_for(activity_type)
        counted = min(hours, limit) if limit is not None else hours
        progress.by_type.append(TypeHours(activity_type, hours, counted, limit))
        progress.logged += hours
        progress.counted += counted
    return progress


def years_of_term(
    *, rule: CpdRule, valid_from: date, valid_until: date, items: Iterable[Hours], today: date
) -> list[YearProgress]:
    """Every registration year of a term that has begun by `today`, the first first."""
    listed = list(items)
    years = []
    number = 1
    while True:
        start, end = year_bounds(valid_from, number)
        if start > today or start > valid_until:
            break
        years.append(
            year_count(
                rule=rule, number=number, start=start, end=min(end, valid_until), items=listed, today=today
            )
        )
        number += 1
    return years
