"""Whether an application appears to meet its grade's entry requirements, and why."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from engcert.applications.domain.timeline import Period, years
from engcert.applications.enums import ENGINEERING_DEGREES
from engcert.applications.models import Application, WorkEntry


@dataclass(frozen=True)
class Experience:
    practice_years: Decimal
    responsible_years: Decimal


@dataclass
class Eligibility:
    experience: Experience
    unmet: list[str] = field(default_factory=list)

    @property
    def met(self) -> bool:
        return not self.unmet


def _periods(entries: list[WorkEntry], *, today: date) -> list[Period]:
    return [
        Period(entry.start_date, min(entry.end_date or today, today))
        for entry in entries
        if entry.start_date <= today and (entry.end_date or today) >= entry.start_date
    ]


def experience_compute(*, entries: list[WorkEntry], today: date | None = None) -> Experience:
    today = today or timezone.localdate()
    practice = [e for e in entries if e.is_engineering_practice]
    responsible = [e for e in practice if e.is_responsible_charge]
    return Experience(
        practice_years=years(_periods(practice, today=today)),
        responsible_years=years(_periods(responsible, today=today)),
    )


def application_eligibility(*, application: Application, today: date | None = None) -> Eligibility:
    entries = list(application.work_entries.all())
    result = Eligibility(experience=experience_compute(entries=entries, today=today))
    grade = application.grade
    if grade is None:
        return result
    if grade.requires_degree and not any(
        e.degree in ENGINEERING_DEGREES for e in application.education.all()
    ):
        result.unmet.append(
            _("%(grade)s requires an engineering degree (bachelor or higher).")
            % {"grade": grade.display_name}
        )
    if result.experience.practice_years < grade.min_practice_years:
        result.unmet.append(
            _("%(grade)s requires %(need)s years of professional practice; the work history shows %(have)s.")
            % {
                "grade": grade.display_name,
                "need": grade.min_practice_years,
                "have": result.experience.practice_years,
            }
        )
    if result.experience.responsible_years < grade.min_responsible_years:
        result.unmet.append(
            _("%(grade)s requires %(need)s years in responsible charge; the work history shows %(have)s.")
            % {
                "grade": grade.display_name,
                "need": grade.min_responsible_years,
                "have": result.experience.responsible_years,
            }
        )
    return result
