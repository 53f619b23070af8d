"""Work-history arithmetic: years of practice from a timeline, overlaps counted once."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal

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
    """Whole-and-tenths years covered, rounded down so nobody is credited with time not served."""
    return (Decimal(total_days(periods)) / DAYS_PER_YEAR).quantize(Decimal("0.1"), rounding=ROUND_DOWN)


def gaps(periods: Sequence[Period], *, min_days: int = 92) -> list[Period]:
    """Gaps between consecutive merged periods that are at least `min_days` long."""
    merged = merge(periods)
    found: list[Period] = []
    for before, after in zip(merged, merged[1:], strict=False):
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
