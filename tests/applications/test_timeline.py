"""Work-history arithmetic, checked as properties against a plain day-by-day count."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engcert.applications.domain.timeline import Period, gaps, merge, overlaps, total_days, years

EPOCH = date(2000, 1, 1)


@st.composite
def periods(draw: st.DrawFn) -> Period:
    start = EPOCH + timedelta(days=draw(st.integers(0, 365 * 30)))
    return Period(start, start + timedelta(days=draw(st.integers(0, 365 * 6))))


period_lists = st.lists(periods(), max_size=12)


def days_of(period: Period) -> int:
    return (period.end - period.start).days + 1


def covered_days(items: list[Period]) -> set[date]:
    return {p.start + timedelta(days=i) for p in items for i in range(days_of(p))}


@given(period_lists)
def test_merging_twice_is_the_same_as_merging_once(items):
    assert merge(merge(items)) == merge(items)


@given(period_lists, st.randoms(use_true_random=False))
def test_merging_does_not_depend_on_the_order_of_the_periods(items, random):
    shuffled = list(items)
    random.shuffle(shuffled)
    assert merge(shuffled) == merge(items)


@given(period_lists)
def test_merged_periods_are_sorted_and_separated_by_at_least_one_free_day(items):
    merged = merge(items)
    assert all(after.start > before.end + timedelta(days=1) for before, after in pairwise(merged))


@given(period_lists)
def test_total_days_counts_every_covered_day_exactly_once(items):
    assert total_days(items) == len(covered_days(items))


@given(period_lists)
def test_total_days_lies_between_the_longest_period_and_the_sum_of_all(items):
    assert max((days_of(p) for p in items), default=0) <= total_days(items) <= sum(days_of(p) for p in items)


@given(periods(), periods())
def test_an_overlap_is_counted_once(first, second):
    shared = max(0, (min(first.end, second.end) - max(first.start, second.start)).days + 1)
    assert total_days([first, second]) == days_of(first) + days_of(second) - shared
    assert total_days([first, first]) == days_of(first)


@given(st.lists(periods(), min_size=1, max_size=12))
def test_merged_periods_and_all_gaps_tile_the_span_exactly(items):
    pieces = sorted([*merge(items), *gaps(items, min_days=1)], key=lambda p: p.start)
    span = Period(min(p.start for p in items), max(p.end for p in items))

    assert pieces[0].start == span.start
    assert pieces[-1].end == span.end
    assert all(after.start == before.end + timedelta(days=1) for before, after in pairwise(pieces))
    assert sum(days_of(p) for p in pieces) == days_of(span)


@given(period_lists, st.integers(1, 400))
def test_gaps_shorter_than_the_minimum_are_left_out(items, min_days):
    assert gaps(items, min_days=min_days) == [g for g in gaps(items, min_days=1) if days_of(g) >= min_days]


@given(period_lists, periods())
def test_adding_a_period_never_lowers_the_years(items, extra):
    assert years([*items, extra]) >= years(items)


@given(period_lists)
def test_years_stay_within_a_leap_day_per_stretch_of_days_over_365_25(items):
    # Whole calendar years are counted by anniversary, so each unbroken stretch may differ from
    # a plain day count by less than one leap day; the result is rounded down to tenths.
    days = Decimal(len(covered_days(items)))
    allowance = Decimal("0.75") * len(merge(items))
    assert years(items) <= (days + allowance) / Decimal("365.25")
    assert years(items) > (days - allowance) / Decimal("365.25") - Decimal("0.1")
    assert years(items) == years(items).quantize(Decimal("0.1"))


@given(st.lists(periods(), max_size=8))
def test_overlaps_names_exactly_the_pairs_that_share_a_day(items):
    expected = [
        (i, j)
        for i in range(len(items))
        for j in range(i + 1, len(items))
        if covered_days([items[i]]) & covered_days([items[j]])
    ]
    assert overlaps(items) == expected


def test_periods_that_touch_merge_into_one():
    assert merge(
        [Period(date(2020, 1, 1), date(2020, 6, 30)), Period(date(2020, 7, 1), date(2020, 12, 31))]
    ) == [Period(date(2020, 1, 1), date(2020, 12, 31))]


def test_two_calendar_years_without_a_leap_day_make_two_years():
    assert years([Period(date(2022, 1, 1), date(2023, 12, 31))]) == Decimal("2.0")
    assert years([Period(date(2021, 3, 1), date(2022, 2, 28))]) == Decimal("1.0")


def test_seven_calendar_years_with_a_single_leap_day_make_seven_years():
    assert years([Period(date(2021, 1, 1), date(2027, 12, 31))]) == Decimal("7.0")  # 2,556 days


def test_four_calendar_years_make_four_years():
    assert years([Period(date(2020, 1, 1), date(2023, 12, 31))]) == Decimal("4.0")
    assert years([Period(date(2020, 1, 2), date(2023, 12, 31))]) == Decimal("3.9")


def test_a_period_cannot_end_before_it_starts():
    with pytest.raises(ValueError, match="a period cannot end before it starts"):
        Period(date(2020, 1, 2), date(2020, 1, 1))


def add_years(day: date, count: int) -> date:
    try:
        return day.replace(year=day.year + count)
    except ValueError:  # 29 February in a year that has none
        return date(day.year + count, 3, 1)


@given(st.dates(date(2000, 1, 1), date(2060, 12, 31)), st.integers(1, 12))
def test_whole_calendar_years_count_in_full_and_one_day_less_does_not(start, count):
    served = Period(start, add_years(start, count) - timedelta(days=1))
    one_day_short = Period(start, served.end - timedelta(days=1))
    assert years([served]) >= count
    assert years([one_day_short]) < count
