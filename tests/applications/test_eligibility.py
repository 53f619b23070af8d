"""Whether a work history meets a grade's entry requirements: years from the timeline, overlaps once."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from engcert.applications.domain.application import application_create
from engcert.applications.domain.eligibility import application_eligibility, experience_compute
from engcert.applications.enums import Degree
from engcert.applications.models import Application, Education, WorkEntry

pytestmark = pytest.mark.usefixtures("english")

TODAY = date(2026, 1, 1)


@pytest.fixture
def application(world) -> Application:
    application = application_create(batch=world.batch, applicant=world.applicant)
    Education.objects.create(
        application=application,
        degree=Degree.BACHELOR,
        institution="华北电力大学",
        major="电气工程及其自动化",
        start_date=date(2008, 9, 1),
        end_date=date(2012, 7, 1),
    )
    return application


def with_grade(application: Application, code: str) -> Application:
    application.grade = application.batch.grades.get(code=code)
    application.save(update_fields=["grade"])
    return application


def job(application: Application, start: date, end: date | None, **flags: bool) -> WorkEntry:
    return WorkEntry.objects.create(
        application=application,
        employer="山东电力建设第三工程有限公司",
        position="工程师",
        start_date=start,
        end_date=end,
        **flags,
    )


def test_pe_is_met_with_exactly_four_years_of_practice(application):
    job(application, date(2021, 1, 1), date(2024, 12, 31))
    result = application_eligibility(application=with_grade(application, "PE"), today=TODAY)
    assert result.experience.practice_years == Decimal("4.0")
    assert (result.met, result.unmet) == (True, [])


def test_pe_is_unmet_one_day_short_of_four_years(application):
    job(application, date(2021, 1, 2), date(2024, 12, 31))
    result = application_eligibility(application=with_grade(application, "PE"), today=TODAY)
    assert result.met is False
    assert result.unmet == [
        "Professional Engineer requires 4.0 years of professional practice; the work history shows 3.9."
    ]


def test_overlapping_jobs_are_counted_once(application):
    job(application, date(2019, 1, 1), date(2021, 12, 31))
    job(application, date(2020, 1, 1), date(2022, 12, 31))  # a second post held at the same time
    result = application_eligibility(application=with_grade(application, "PE"), today=TODAY)
    assert result.experience.practice_years == Decimal("4.0")
    assert result.met is True


def test_two_overlapping_two_year_jobs_do_not_add_up_to_four_years(application):
    job(application, date(2022, 1, 1), date(2023, 12, 31))
    job(application, date(2022, 6, 1), date(2024, 5, 31))
    result = application_eligibility(application=with_grade(application, "PE"), today=TODAY)
    assert result.experience.practice_years == Decimal("2.4")
    assert result.met is False


def test_a_current_job_counts_up_to_today(application):
    job(application, date(2022, 1, 1), None)

    def practice_on(today: date) -> Decimal:
        return application_eligibility(application=application, today=today).experience.practice_years

    assert (practice_on(date(2025, 12, 30)), practice_on(date(2025, 12, 31))) == (
        Decimal("3.9"),
        Decimal("4.0"),
    )


def test_time_after_today_does_not_count(application):
    job(application, date(2023, 1, 1), date(2030, 12, 31))
    job(application, date(2027, 1, 1), None)
    assert application_eligibility(application=application, today=TODAY).experience.practice_years == Decimal(
        "3.0"
    )


def test_work_that_is_not_engineering_practice_does_not_count(application):
    job(application, date(2016, 1, 1), date(2021, 12, 31), is_engineering_practice=False)
    job(application, date(2022, 1, 1), date(2025, 12, 31))
    assert application_eligibility(application=application, today=TODAY).experience.practice_years == Decimal(
        "4.0"
    )


def test_responsible_charge_years_come_only_from_flagged_entries(application):
    job(application, date(2016, 1, 1), date(2023, 12, 31))
    job(application, date(2024, 1, 1), date(2025, 12, 31), is_responsible_charge=True)
    result = application_eligibility(application=with_grade(application, "SPE"), today=TODAY)
    assert (result.experience.practice_years, result.experience.responsible_years) == (
        Decimal("10.0"),
        Decimal("2.0"),
    )
    assert result.met is True


def test_spe_without_enough_responsible_charge_names_only_that(application):
    job(application, date(2016, 1, 1), date(2024, 12, 31))
    job(application, date(2025, 1, 1), date(2025, 12, 31), is_responsible_charge=True)
    result = application_eligibility(application=with_grade(application, "SPE"), today=TODAY)
    assert result.unmet == [
        "Senior Professional Engineer requires 2.0 years in responsible charge; the work history shows 1.0."
    ]


def test_responsible_charge_in_work_that_is_not_engineering_practice_does_not_count(application):
    job(application, date(2016, 1, 1), date(2025, 12, 31))
    job(
        application,
        date(2020, 1, 1),
        date(2025, 12, 31),
        is_engineering_practice=False,
        is_responsible_charge=True,
    )
    assert application_eligibility(
        application=application, today=TODAY
    ).experience.responsible_years == Decimal("0.0")


def test_two_calendar_years_in_responsible_charge_without_a_leap_day_meet_spe(application):
    job(application, date(2016, 1, 1), date(2021, 12, 31))
    job(application, date(2022, 1, 1), date(2023, 12, 31), is_responsible_charge=True)  # 730 days
    result = application_eligibility(application=with_grade(application, "SPE"), today=date(2023, 12, 31))
    assert result.experience.responsible_years == Decimal("2.0")
    assert (result.met, result.unmet) == (True, [])


def test_spe_with_three_years_misses_the_practice_and_the_responsible_charge(application):
    job(application, date(2023, 1, 1), date(2025, 12, 31), is_responsible_charge=False)
    result = application_eligibility(application=with_grade(application, "SPE"), today=TODAY)
    assert result.unmet == [
        "Senior Professional Engineer requires 7.0 years of professional practice; the work history shows 3.0.",
        "Senior Professional Engineer requires 2.0 years in responsible charge; the work history shows 0.0.",
    ]


def test_a_grade_that_requires_a_degree_is_unmet_with_only_an_associate_degree(application):
    Education.objects.filter(application=application).update(degree=Degree.ASSOCIATE)
    result = application_eligibility(application=with_grade(application, "AE"), today=TODAY)
    assert result.unmet == ["Apprentice Engineer requires an engineering degree (bachelor or higher)."]


def test_without_a_grade_nothing_is_unmet_yet(application):
    result = application_eligibility(application=application, today=TODAY)
    assert (result.met, result.experience.practice_years) == (True, Decimal("0.0"))


def test_experience_is_computed_from_unsaved_entries_as_well():
    entries = [
        WorkEntry(start_date=date(2020, 1, 1), end_date=date(2021, 12, 31), is_responsible_charge=True),
        WorkEntry(start_date=date(2021, 1, 1), end_date=None),
    ]
    experience = experience_compute(entries=entries, today=TODAY)
    assert (experience.practice_years, experience.responsible_years) == (Decimal("6.0"), Decimal("2.0"))
