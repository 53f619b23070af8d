"""The work queue as a spreadsheet (.xlsx) for the society's own records and meetings.

Cells are written as text or dates only; a text that a spreadsheet would read as a formula
(starting with = + - @, or a tab or carriage return before one) is neutralised with a
leading apostrophe, so an applicant's name can never run as a formula on a staff computer.
Identity-document numbers are not exported.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]
from openpyxl.styles import Font  # type: ignore[import-untyped]

from engcert.applications.enums import ApplicationState, AssessmentPath
from engcert.applications.models import Application
from engcert.organisations.models import in_reader_language
from engcert.spreadsheets.writing import cell_text


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


# The columns read for each row: plain values, no model instances (an export may hold the
# whole batch, 50,000 files, and building that many objects is most of the time it takes).
FIELDS = (
    "number",
    "full_name",
    "full_name_en",
    "unit__name",
    "unit__name_en",
    "grade__name",
    "grade__name_en",
    "discipline__name",
    "discipline__name_en",
    "discipline__parent__name",
    "discipline__parent__name_en",
    "state",
    "assessment_path",
    "simplified_requested",
    "eligibility_unmet",
    "was_resubmitted",
    "submitted_at",
    "state_changed_at",
)


PROGRESS_EVERY = 500


def queue_workbook(
    *, rows: QuerySet[Application], progress: Callable[[int, int], None] | None = None
) -> tuple[bytes, int]:
    """The rows (as `queue_rows` gives them, in order) as an .xlsx file, and how many were written.
    `progress(done, total)` is called every few hundred rows and once at the end, if given."""
    total = rows.count() if progress is not None else 0
    if progress is not None:
        progress(0, total)
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

    yes, no = _("yes"), _("no")
    states = {value: str(label) for value, label in ApplicationState.choices}
    paths = {value: str(label) for value, label in AssessmentPath.choices}
    separator = pgettext("list separator", ", ")
    zone = timezone.get_current_timezone()

    def when(moment: datetime | None) -> WriteOnlyCell | None:
        # Spreadsheets have no time zones: Beijing time, as every page says.
        if moment is None:
            return None
        cell = WriteOnlyCell(sheet, value=moment.astimezone(zone).replace(tzinfo=None))
        cell.number_format = "yyyy-mm-dd hh:mm"
        return cell

    count = 0
    for r in rows.values_list(*FIELDS).iterator(chunk_size=2000):
        (number, name, name_en, unit, unit_en, grade, grade_en, field, field_en, parent, parent_en,
         state, path, simplified, unmet, resubmitted, submitted_at, changed_at) = r  # fmt: skip
        field_name = in_reader_language(field or "", field_en or "")
        if parent:
            field_name = f"{in_reader_language(parent, parent_en or '')} / {field_name}"
        sheet.append(
            [
                cell_text(number or ""),
                cell_text(name),
                cell_text(name_en),
                cell_text(in_reader_language(unit or "", unit_en or "")),
                cell_text(in_reader_language(grade or "", grade_en or "")),
                cell_text(field_name),
                states.get(state, state),
                paths.get(path, path),
                yes if simplified else no,
                cell_text(separator.join(str(x) for x in unmet or [])),
                yes if resubmitted else no,
                when(submitted_at),
                when(changed_at),
            ]
        )
        count += 1
        if progress is not None and count % PROGRESS_EVERY == 0:
            progress(count, max(total, count))
    if progress is not None:
        progress(count, count)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue(), count
