"""The work queue as a spreadsheet (.xlsx) for the society's own records and meetings.

Cells are written as text or dates only; a text that a spreadsheet would read as a formula
(starting with = + - @, or a tab or carriage return before one) is neutralised with a
leading apostrophe, so an applicant's name can never run as a formula on a staff computer.
Identity-document numbers are not exported.
"""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]
from openpyxl.styles import Font  # type: ignore[import-untyped]

from engcert.applications.models import Application

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell_text(value: str) -> str:
    """Text safe to put in a spreadsheet cell: never read as a formula."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def _local(moment: datetime | None) -> datetime | None:
    # Spreadsheets have no time zones: Beijing time, as every page says.
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def _headers() -> list[str]:
    return [
        _("Application number"),
        _("Name"),
        _("Name in English or pinyin"),
        _("Nominating unit"),
        _("Grade"),
        _("Professional field"),
        _("Status"),
        _("Assessment path"),
        _("Simplified assessment requested"),
        _("Eligibility concerns at submission"),
        _("Resubmitted after a return"),
        _("Submitted"),
        _("Status changed"),
    ]


def _row(application: Application) -> list[Any]:
    yes, no = _("yes"), _("no")
    discipline = application.discipline
    return [
        cell_text(application.number or ""),
        cell_text(application.full_name),
        cell_text(application.full_name_en),
        cell_text(application.unit.display_name if application.unit else ""),
        cell_text(application.grade.display_name if application.grade else ""),
        cell_text(discipline.path_name if discipline else ""),
        cell_text(str(application.get_state_display())),
        cell_text(str(application.get_assessment_path_display())),
        yes if application.simplified_requested else no,
        cell_text(pgettext("list separator", ", ").join(str(x) for x in application.eligibility_unmet or [])),
        yes if getattr(application, "was_resubmitted", False) else no,
        _local(application.submitted_at),
        _local(application.state_changed_at),
    ]


def queue_workbook(*, rows: QuerySet[Application]) -> tuple[bytes, int]:
    """The rows (joined as `queue_rows` does) as an .xlsx file, and how many were written."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=_("Applications")[:31])
    # Column widths must be set before the first row of a write-only sheet.
    for index, width in enumerate([24, 12, 18, 28, 20, 24, 18, 14, 10, 36, 10, 18, 18]):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    bold = Font(bold=True)
    header = []
    for text in _headers():
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    count = 0
    for application in rows.iterator(chunk_size=2000):
        values = _row(application)
        cells = []
        for value in values:
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            cells.append(cell)
        sheet.append(cells)
        count += 1
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue(), count
