"""Work-history arithmetic: years of practice from a timeline, overlaps counted once."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal
from itertools import pairwise

DAYS_PER_YEAR = Decimal("365.25")


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("a period cannot end before it starts")


def merge(periods: Iterable[Period]) -> list[Period]:
    """Union of periods; touching periods (next day) merge into one."""
    ordered = sorted(periods, key=lambda p: (p.start, p.end))
    merged: list[Period] = []
    for period in ordered:
        if merged and period.start <= merged[-1].end + timedelta(days=1):
            last = merged[-1]
            merged[-1] = Period(last.start, max(last.end, period.end))
        else:
            merged.append(period)
    return merged


def total_days(periods: Iterable[Period]) -> int:
    return sum((p.end - p.start).days + 1 for p in merge(periods))


def years(periods: Iterable[Period]) -> Decimal:
    """Whole-and-tenths years covered, rounded down so nobody is credited with time not served.

    Each unbroken stretch counts its whole calendar years by anniversary, so two years from
    1 January 2022 are two years although they hold no 29 February; what is left over counts
    at 365.25 days a year.
    """
    whole = 0
    left_over = 0
    for period in merge(periods):
        count, days = _calendar_years(period)
        whole += count
        left_over += days
    exact = whole + Decimal(left_over) / DAYS_PER_YEAR
    return exact.quantize(Decimal("0.1"), rounding=ROUND_DOWN)


def _calendar_years(period: Period) -> tuple[int, int]:
    """Whole years from the start to the day after the end, and the days beyond the last anniversary."""
    after_end = period.end + timedelta(days=1)
    count = after_end.year - period.start.year
    while count > 0 and _anniversary(period.start, count) > after_end:
        count -= 1
    return count, (after_end - _anniversary(period.start, count)).days


def _anniversary(start: date, count: int) -> date:
    try:
        return start.replace(year=start.year + count)
    except ValueError:  # started on 29 February: the year is complete at the end of 28 February
        return date(start.year + count, 3, 1)


def gaps(periods: Sequence[Period], *, min_days: int = 92) -> list[Period]:
    """Gaps between consecutive merged periods that are at least `min_days` long."""
    merged = merge(periods)
    found: list[Period] = []
    for before, after in pairwise(merged):
        gap_start = before.end + timedelta(days=1)
        gap_end = after.start - timedelta(days=1)
        if (gap_end - gap_start).days + 1 >= min_days:
            found.append(Period(gap_start, gap_end))
    return found


def overlaps(periods: Sequence[Period]) -> list[tuple[int, int]]:
    """Index pairs of periods that share at least one day."""
    pairs: list[tuple[int, int]] = []
    for i, first in enumerate(periods):
        for j in range(i + 1, len(periods)):
            second = periods[j]
            if first.start <= second.end and second.start <= first.end:
                pairs.append((i, j))
    return pairs
