"""Comparing a unit's imported roster with the unit's online applications in the batch: who is
listed but has not applied, who applied but is not listed, and what disagrees for the others."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from engcert.applications.models import Application
from engcert.rosters.domain.export import roster_applications
from engcert.rosters.models import RosterImport, RosterRow
from engcert.spreadsheets.reading import text_key

COMPARED = (
    ("full_name", _("Name")),
    ("id_number", _("Document number")),
    ("grade", _("Grade")),
    ("discipline", _("Professional field")),
    ("phone", _("Mobile")),
    ("email", _("Email")),
)


@dataclass(frozen=True)
class Difference:
    field: str
    label: str
    listed: str  # as the roster says
    applied: str  # as the application says


@dataclass
class Pair:
    row: RosterRow
    application: Application
    differences: list[Difference]


@dataclass
class Reconciliation:
    listed_not_applied: list[RosterRow] = field(default_factory=list)
    applied_not_listed: list[Application] = field(default_factory=list)
    disagreeing: list[Pair] = field(default_factory=list)
    agreeing: int = 0

    @property
    def clean(self) -> bool:
        return not (self.listed_not_applied or self.applied_not_listed or self.disagreeing)


def _values_of_row(row: RosterRow) -> dict[str, str]:
    return {
        "full_name": row.full_name,
        "id_number": row.id_number or "",
        "grade": row.grade.name if row.grade else row.grade_text,
        "discipline": row.discipline.name if row.discipline else row.discipline_text,
        "phone": row.phone,
        "email": row.email.lower(),
    }


def _values_of_application(application: Application) -> dict[str, str]:
    return {
        "full_name": application.full_name,
        "id_number": application.id_number or "",
        "grade": application.grade.name if application.grade else "",
        "discipline": application.discipline.name if application.discipline else "",
        "phone": application.phone,
        "email": application.email.lower(),
    }


def _differences(row: RosterRow, application: Application) -> list[Difference]:
    listed, applied = _values_of_row(row), _values_of_application(application)
    found = []
    for name, label in COMPARED:
        if text_key(listed[name]) != text_key(applied[name]):
            if name == "id_number":
                found.append(Difference(name, str(label), row.id_number_masked, application.id_number_masked))
            else:
                found.append(Difference(name, str(label), listed[name], applied[name]))
    return found


def roster_reconcile(*, roster_import: RosterImport) -> Reconciliation:
    """People are matched by document number (its blind index), then the rest by name when the
    name is unambiguous on both sides."""
    rows = list(roster_import.rows.select_related("grade", "discipline"))
    applications = list(
        roster_applications(batch=roster_import.batch, unit=roster_import.unit).prefetch_related(None)
    )
    by_index: dict[str, Application] = {a.id_number_index: a for a in applications if a.id_number_index}
    result = Reconciliation()
    matched: set[int] = set()
    unmatched_rows: list[RosterRow] = []
    for row in rows:
        application = by_index.get(row.id_number_index) if row.id_number_index else None
        if application is None or application.pk in matched:
            unmatched_rows.append(row)
            continue
        matched.add(application.pk)
        _record(result, row, application)
    left = [a for a in applications if a.pk not in matched]
    names: dict[str, list[Application]] = {}
    for application in left:
        names.setdefault(text_key(application.full_name), []).append(application)
    row_names: dict[str, int] = {}
    for row in unmatched_rows:
        row_names[text_key(row.full_name)] = row_names.get(text_key(row.full_name), 0) + 1
    for row in unmatched_rows:
        candidates = names.get(text_key(row.full_name), [])
        if len(candidates) == 1 and row_names[text_key(row.full_name)] == 1:
            matched.add(candidates[0].pk)
            _record(result, row, candidates[0])
        else:
            result.listed_not_applied.append(row)
    result.applied_not_listed = [a for a in applications if a.pk not in matched]
    return result


def _record(result: Reconciliation, row: RosterRow, application: Application) -> None:
    differences = _differences(row, application)
    if differences:
        result.disagreeing.append(Pair(row, application, differences))
    else:
        result.agreeing += 1
