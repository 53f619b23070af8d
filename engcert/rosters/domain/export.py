"""Rosters as 附件3 lays them out, made from the online applications: one unit's, or every
unit's of a batch (one workbook, a sheet per unit)."""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import Prefetch, QuerySet
from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]
from openpyxl.styles import Font  # type: ignore[import-untyped]

from engcert.applications.enums import INACTIVE, AchievementKind, Degree
from engcert.applications.models import Application
from engcert.applications.models.sections import Achievement, Education
from engcert.batches.models import Batch
from engcert.organisations.models import Organisation
from engcert.rosters.columns import NO, ROSTER_COLUMNS, TITLE_TEMPLATE, YES

# A spreadsheet runs a cell that starts with one of these as a formula (CSV/formula injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_DEGREE_ORDER = {Degree.DOCTOR: 0, Degree.MASTER: 1, Degree.BACHELOR: 2, Degree.ASSOCIATE: 3, Degree.OTHER: 4}
_WIDTHS = {
    "seq": 6,
    "full_name": 10,
    "document_number": 22,
    "employer": 28,
    "department_position": 20,
    "institution": 18,
    "major": 18,
    "discipline": 20,
    "email": 26,
    "phone": 14,
}
_TEXT_KEYS = frozenset({"document_number", "phone", "birth_month", "seq"})


def neutralise(value: str) -> str:
    """Text a spreadsheet shows as written and never runs: a leading quote before = + - @."""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def roster_applications(*, batch: Batch, unit: Organisation | None = None) -> QuerySet[Application]:
    """The submitted applications of the batch (of one unit, or of every unit), in the order
    the roster lists them."""
    queryset = (
        Application.objects.filter(batch=batch, submitted_at__isnull=False, unit__isnull=False)
        .exclude(state__in=[state.value for state in INACTIVE])
        .select_related("grade", "discipline", "unit")
        .prefetch_related(
            Prefetch(
                "education",
                queryset=Education.objects.only("application_id", "degree", "institution", "major"),
            ),
            Prefetch(
                "achievements",
                queryset=Achievement.objects.filter(kind=AchievementKind.TITLE).only(
                    "application_id", "title", "date"
                ),
                to_attr="titles",
            ),
        )
        .order_by("unit_id", "submitted_at", "pk")
    )
    if unit is not None:
        queryset = queryset.filter(unit=unit)
    return queryset


def _highest_education(application: Application) -> Education | None:
    entries = list(application.education.all())
    return min(entries, key=lambda e: _DEGREE_ORDER.get(Degree(e.degree), 9)) if entries else None


def roster_values(application: Application, *, seq: int) -> dict[str, str]:
    """One application as the roster's row: column key -> text."""
    education = _highest_education(application)
    titles: list[Achievement] = getattr(application, "titles", [])
    birth = application.birth_date
    return {
        "seq": str(seq),
        "full_name": application.full_name,
        "gender": {"M": "男", "F": "女"}.get(application.gender, ""),
        "birth_month": f"{birth.year:04d}-{birth.month:02d}" if birth else "",
        "document_type": str(application.get_id_type_display()) if application.id_type else "",
        "document_number": application.id_number or "",
        "employer": application.employer,
        "department_position": application.department_position,
        "title": titles[-1].title if titles else "",
        "degree": str(Degree(education.degree).label) if education else "",
        "institution": education.institution if education else "",
        "major": education.major if education else "",
        "grade": application.grade.name if application.grade else "",
        "discipline": application.discipline.name if application.discipline else "",
        "simplified": YES if application.simplified_requested else NO,
        "phone": application.phone,
        "email": application.email,
        "remarks": "",
    }


def _sheet_rows(sheet: Any, unit: Organisation, applications: Iterable[Application]) -> int:
    bold = Font(bold=True)
    title = WriteOnlyCell(sheet, value=neutralise(TITLE_TEMPLATE.format(unit=unit.name)))
    title.font = Font(bold=True, size=14)
    sheet.append([title])
    header = []
    for column in ROSTER_COLUMNS:
        cell = WriteOnlyCell(sheet, value=column.header)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    count = 0
    for count, application in enumerate(applications, start=1):
        values = roster_values(application, seq=count)
        row = []
        for column in ROSTER_COLUMNS:
            text = neutralise(values[column.key])
            if column.key in _TEXT_KEYS:
                cell = WriteOnlyCell(sheet, value=text)
                cell.number_format = "@"  # shown and kept as text: Excel would round an ID number
                row.append(cell)
            else:
                row.append(text)
        sheet.append(row)
    return count


def _new_sheet(workbook: Any, title: str) -> Any:
    sheet = workbook.create_sheet(title=title)
    letters = "ABCDEFGHIJKLMNOPQR"
    for letter, column in zip(letters, ROSTER_COLUMNS, strict=True):
        sheet.column_dimensions[letter].width = _WIDTHS.get(column.key, 12)
    sheet.freeze_panes = "C3"
    return sheet


def _sheet_title(unit: Organisation, taken: set[str]) -> str:
    base = _SHEET_TITLE_FORBIDDEN.sub("_", unit.short_name or unit.name).strip("'")[:28] or unit.code[:28]
    title, n = base, 2
    while title.casefold() in taken:
        title, n = f"{base[:25]}({n})", n + 1
    taken.add(title.casefold())
    return title


def _save(workbook: Any) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def roster_export(*, batch: Batch, unit: Organisation) -> bytes:
    """The unit's roster for the batch as an xlsx file: the title row, the header row, one row
    per submitted application that names the unit."""
    workbook = Workbook(write_only=True)
    sheet = _new_sheet(workbook, _sheet_title(unit, set()))
    _sheet_rows(sheet, unit, roster_applications(batch=batch, unit=unit).iterator(chunk_size=2000))
    return _save(workbook)


def _by_unit(applications: Iterable[Application]) -> Iterator[tuple[Organisation, list[Application]]]:
    current: Organisation | None = None
    group: list[Application] = []
    for application in applications:
        assert application.unit is not None
        if current is not None and application.unit_id != current.pk:
            yield current, group
            group = []
        current = application.unit
        group.append(application)
    if current is not None:
        yield current, group


def roster_export_all(*, batch: Batch, progress: Any = None) -> bytes:
    """Every unit's roster for the batch in one xlsx file, a sheet per unit (by unit name).
    `progress(done, total)` is called after each unit's sheet, with counts of applications."""
    applications = roster_applications(batch=batch)
    total = applications.count()
    groups = sorted(_by_unit(applications.iterator(chunk_size=2000)), key=lambda pair: pair[0].name)
    workbook = Workbook(write_only=True)
    taken: set[str] = set()
    done = 0
    for unit, group in groups:
        sheet = _new_sheet(workbook, _sheet_title(unit, taken))
        done += _sheet_rows(sheet, unit, group)
        if progress is not None:
            progress(done, total)
    if not groups:
        workbook.create_sheet(title="-")
    return _save(workbook)
