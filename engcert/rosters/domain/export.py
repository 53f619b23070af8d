"""Rosters as 附件3 lays them out, made from the online applications: one unit's, or every
unit's of a batch (one workbook, a sheet per unit)."""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils.translation import gettext
from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]
from openpyxl.styles import Alignment, Font  # type: ignore[import-untyped]
from openpyxl.worksheet.cell_range import CellRange  # type: ignore[import-untyped]

from engcert.applications.enums import INACTIVE, AchievementKind, Degree
from engcert.applications.models import Application
from engcert.applications.models.sections import Achievement, Education
from engcert.batches.models import Batch
from engcert.organisations.models import Organisation
from engcert.privacy.domain import identity_number_views_record
from engcert.rosters.columns import NO, ROSTER_COLUMNS, TITLE_TEMPLATE, YES
from engcert.spreadsheets.writing import cell_text as neutralise

if TYPE_CHECKING:
    from engcert.accounts.models import User

_SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_DEGREE_ORDER: dict[str, int] = {
    Degree.DOCTOR: 0,
    Degree.MASTER: 1,
    Degree.BACHELOR: 2,
    Degree.ASSOCIATE: 3,
    Degree.OTHER: 4,
}
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
_TEXT_KEYS = frozenset({"document_number", "phone"})


def roster_applications(*, batch: Batch, unit: Organisation | None = None) -> QuerySet[Application]:
    """The submitted applications of the batch (of one unit, or of every unit), in the order
    the roster lists them."""
    queryset = (
        Application.objects.filter(batch=batch, submitted_at__isnull=False, unit__isnull=False)
        .exclude(state__in=[state.value for state in INACTIVE])
        .select_related("grade", "discipline", "unit")
        .order_by("unit_id", "submitted_at", "pk")
    )
    if unit is not None:
        queryset = queryset.filter(unit=unit)
    return queryset


# The roster is a Chinese document (附件3): these are written in Chinese whatever the reader's
# language, and the import reads them back (engcert.spreadsheets.reading.DOCUMENT_TYPE_NAMES).
DOCUMENT_TYPES_ZH = {
    "prc_id": "居民身份证",
    "hkm_permit": "港澳居民来往内地通行证",
    "tw_permit": "台湾居民来往大陆通行证",
    "hkmt_residence": "港澳台居民居住证",
    "passport": "护照",
    "foreign_pr": "外国人永久居留身份证",
}
DEGREES_ZH = {
    "doctor": "博士研究生",
    "master": "硕士研究生",
    "bachelor": "本科",
    "associate": "大专",
    "other": "其他",
}
_FIELDS = (
    "pk", "unit_id", "full_name", "gender", "birth_date", "id_type", "id_number", "employer",
    "department_position", "grade__name", "discipline__name", "simplified_requested", "phone", "email",
)  # fmt: skip


def _education_and_titles(
    applications: QuerySet[Application],
) -> tuple[dict[int, tuple[str, str, str]], dict[int, str]]:
    """The highest degree (with its institution and major) and the latest professional title of
    each application, in two queries of plain values (10,000 model instances would cost seconds)."""
    ids = applications.values("pk")
    education: dict[int, tuple[str, str, str]] = {}
    for application_id, degree, institution, major in Education.objects.filter(
        application__in=ids
    ).values_list("application_id", "degree", "institution", "major"):
        held = education.get(application_id)
        if held is None or _DEGREE_ORDER.get(degree, 9) < _DEGREE_ORDER.get(held[0], 9):
            education[application_id] = (degree, institution, major)
    titles: dict[int, str] = dict(
        Achievement.objects.filter(application__in=ids, kind=AchievementKind.TITLE)
        .order_by("application_id", "date", "pk")
        .values_list("application_id", "title")
    )
    return education, titles


def roster_identity_numbers_viewed(*, batch: Batch, by: User, unit: Organisation | None = None) -> int:
    """Log that `by` is given the full document number of every application the roster lists
    (the roster carries them unmasked, as 附件3 requires). Call it when the file is handed over."""
    ids = roster_applications(batch=batch, unit=unit).exclude(id_number="").values_list("pk", flat=True)
    if unit is None:
        purpose = gettext("Roster of every unit exported for batch %(batch)s") % {"batch": batch.code}
    else:
        purpose = gettext("Roster of %(unit)s exported for batch %(batch)s") % {
            "unit": unit.code,
            "batch": batch.code,
        }
    return identity_number_views_record(
        viewer=by, subject_type="application", subject_ids=ids, purpose=purpose
    )


def roster_rows(applications: QuerySet[Application]) -> Iterator[dict[str, Any]]:
    """Each application as plain values, in the roster's order, with `education` and `title`."""
    education, titles = _education_and_titles(applications)
    for values in applications.values(*_FIELDS).iterator(chunk_size=2000):
        values["education"] = education.get(values["pk"])
        values["title"] = titles.get(values["pk"], "")
        yield values


def roster_values(values: dict[str, Any], *, seq: int) -> dict[str, str]:
    """One application (as `roster_rows` gives it) as the roster's row: column key -> text."""
    education = values["education"]
    birth = values["birth_date"]
    return {
        "seq": str(seq),
        "full_name": values["full_name"],
        "gender": {"M": "男", "F": "女"}.get(values["gender"], ""),
        "birth_month": f"{birth.year:04d}-{birth.month:02d}" if birth else "",
        "document_type": DOCUMENT_TYPES_ZH.get(values["id_type"], ""),
        "document_number": values["id_number"] or "",
        "employer": values["employer"],
        "department_position": values["department_position"],
        "title": values["title"],
        "degree": DEGREES_ZH.get(education[0], "") if education else "",
        "institution": education[1] if education else "",
        "major": education[2] if education else "",
        "grade": values["grade__name"] or "",
        "discipline": values["discipline__name"] or "",
        "simplified": YES if values["simplified_requested"] else NO,
        "phone": values["phone"],
        "email": values["email"],
        "remarks": "",
    }


def _sheet_rows(sheet: Any, unit: Organisation, rows: Iterable[dict[str, Any]]) -> int:
    bold = Font(bold=True)
    title = WriteOnlyCell(sheet, value=neutralise(TITLE_TEMPLATE.format(unit=unit.name)))
    title.font = Font(bold=True, size=14)
    title.alignment = Alignment(horizontal="center")
    sheet.append([title])
    header = []
    for column in ROSTER_COLUMNS:
        cell = WriteOnlyCell(sheet, value=column.header)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    keys = [column.key for column in ROSTER_COLUMNS]
    count = 0
    for count, values in enumerate(rows, start=1):
        texts = roster_values(values, seq=count)
        row: list[Any] = []
        for key in keys:
            text = texts[key]
            if not text:
                row.append(None)  # nothing written: a tenth of the file's size and time
            elif key in _TEXT_KEYS:
                cell = WriteOnlyCell(sheet, value=neutralise(text))
                cell.number_format = "@"  # shown and kept as text: Excel would round an ID number
                row.append(cell)
            else:
                row.append(neutralise(text))
        sheet.append(row)
    return count


def _new_sheet(workbook: Any, title: str) -> Any:
    sheet = workbook.create_sheet(title=title)
    letters = "ABCDEFGHIJKLMNOPQR"
    for letter, column in zip(letters, ROSTER_COLUMNS, strict=True):
        sheet.column_dimensions[letter].width = _WIDTHS.get(column.key, 12)
    sheet.freeze_panes = "C3"
    # As the paper 附件3: the title across the table, landscape, one page wide, the title and
    # header rows repeated on every page.
    sheet.merged_cells.add(CellRange(f"A1:{letters[len(ROSTER_COLUMNS) - 1]}1"))
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = "9"  # A4 (openpyxl Worksheet.PAPERSIZE_A4)
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "1:2"
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
    _sheet_rows(sheet, unit, roster_rows(roster_applications(batch=batch, unit=unit)))
    return _save(workbook)


def roster_export_all(*, batch: Batch, progress: Any = None) -> bytes:
    """Every unit's roster for the batch in one xlsx file, a sheet per unit (by unit name).
    `progress(done, total)` is called after each unit's sheet, with counts of applications."""
    applications = roster_applications(batch=batch)
    by_unit: dict[int, list[dict[str, Any]]] = {}
    for values in roster_rows(applications):
        by_unit.setdefault(values["unit_id"], []).append(values)
    units = sorted(Organisation.objects.filter(pk__in=by_unit), key=lambda unit: (unit.name, unit.pk))
    total = sum(len(rows) for rows in by_unit.values())
    workbook = Workbook(write_only=True)
    taken: set[str] = set()
    done = 0
    for unit in units:
        sheet = _new_sheet(workbook, _sheet_title(unit, taken))
        done += _sheet_rows(sheet, unit, by_unit[unit.pk])
        if progress is not None:
            progress(done, total)
    if not units:
        workbook.create_sheet(title="-")
    return _save(workbook)
