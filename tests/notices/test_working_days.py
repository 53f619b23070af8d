"""Working days: weekends off, weekdays on, corrected by the calendar's holidays and 调休 days."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from engcert.notices.domain.calendar import (
    BEIJING,
    calendar_overrides,
    notice_last_day,
    notice_period_compute,
    working_days_add,
)


def test_adding_working_days_skips_the_weekend_without_a_calendar() -> None:
    # Friday 2026-11-27 + 1 working day = Monday 2026-11-30.
    assert working_days_add(date(2026, 11, 27), 1, {}) == date(2026, 11, 30)
    assert working_days_add(date(2026, 11, 27), 5, {}) == date(2026, 12, 4)


def test_a_listed_holiday_is_skipped_and_a_listed_weekend_working_day_counts() -> None:
    overrides = {date(2026, 12, 1): False, date(2026, 12, 5): True}
    # Mon 30 Nov + 1 → Tue 1 Dec is a holiday → Wed 2 Dec.
    assert working_days_add(date(2026, 11, 30), 1, overrides) == date(2026, 12, 2)
    # From Thu 3 Dec: Fri 4, Sat 5 (working), then Mon 7.
    assert working_days_add(date(2026, 12, 3), 2, overrides) == date(2026, 12, 5)
    assert working_days_add(date(2026, 12, 3), 3, overrides) == date(2026, 12, 7)


@pytest.mark.parametrize("days", [0, -1])
def test_adding_zero_or_negative_working_days_is_refused(days: int) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        working_days_add(date(2026, 11, 30), days, {})


@pytest.mark.django_db
def test_a_notice_from_the_working_day_before_national_day_2026_runs_past_the_holiday_and_counts_the_make_up_day() -> (
    None
):
    # 2026: 国庆 1–7 October off, Saturday 10 October a make-up working day (调休).
    # Starting Wednesday 30 September: 30 Sep (1), Thu 8 Oct (2), Fri 9 Oct (3), Sat 10 Oct (4), Mon 12 Oct (5).
    last, starts_at, ends_at = notice_period_compute(starts_on=date(2026, 9, 30), working_days=5)
    assert last == date(2026, 10, 12)
    assert starts_at == datetime(2026, 9, 30, 0, 0, tzinfo=BEIJING)
    assert ends_at == datetime(2026, 10, 13, 0, 0, tzinfo=BEIJING)


@pytest.mark.django_db
def test_the_sunday_make_up_day_before_national_day_2026_is_a_working_day() -> None:
    overrides = calendar_overrides(start=date(2026, 9, 1), end=date(2026, 10, 31))
    # Friday 18 September + 1 → Sunday 20 September (调休); 中秋 25–27 September is off.
    assert notice_last_day(date(2026, 9, 19), 1, overrides) == date(2026, 9, 20)
    assert working_days_add(date(2026, 9, 24), 1, overrides) == date(2026, 9, 28)


@pytest.mark.django_db
def test_the_spring_festival_2026_is_skipped_and_its_saturday_make_up_days_count() -> None:
    overrides = calendar_overrides(start=date(2026, 2, 1), end=date(2026, 3, 31))
    # Fri 13 Feb, Sat 14 Feb (调休), then 15–23 Feb off, Tue 24 Feb.
    assert notice_last_day(date(2026, 2, 13), 3, overrides) == date(2026, 2, 24)
    assert overrides[date(2026, 2, 28)] is True


@pytest.mark.django_db
def test_the_calendar_holds_the_2025_national_day_and_mid_autumn_holiday() -> None:
    overrides = calendar_overrides(start=date(2025, 9, 1), end=date(2025, 10, 31))
    assert [day for day in sorted(overrides) if overrides[day]] == [date(2025, 9, 28), date(2025, 10, 11)]
    assert [day.day for day in sorted(overrides) if not overrides[day]] == [1, 2, 3, 4, 5, 6, 7, 8]
