"""Reading a roster a unit sent: an Excel workbook, or a CSV file with the Chinese headers
(UTF-8 with or without BOM, GB18030, or the UTF-16 "Unicode text" of Excel and WPS). Every row is checked; the
problems are reported by row and by column header (and letter) as the file shows them.

The cell, date and identity-document helpers are those of the member import
(engcert/spreadsheets/reading.py), as the members' import does, so both read a spreadsheet the same way."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

from engcert.batches.models import Batch
from engcert.frameworks.models import Grade
from engcert.organisations.models import Discipline
from engcert.privacy.identity_documents import (
    GB11643_TYPES,
    normalise_document_number,
    validate_document_number,
)
from engcert.rosters.columns import NO, ROSTER_COLUMN_BY_KEY, ROSTER_COLUMNS, YES
from engcert.spreadsheets.reading import (
    HEADER_SEARCH_ROWS,
    PHONE_RE,
    CellProblem,
    ImportFileError,
    Layout,
    RowProblem,
    cell_date,
    cell_text,
    code_key,
    document_type_of,
    last_filled_row,
    merged_cells,
    normalise,
    open_sheet,
    text_key,
)
from engcert.uploads.kinds import file_kind_sniff

XLSX_MAGIC = b"PK\x03\x04"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old .xls (and .doc) format
_YEAR_MONTH = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月?$"),
    re.compile(r"^(\d{4})(\d{2})$"),
)
_GENDERS = {"男": "M", "女": "F", "m": "M", "f": "F", "male": "M", "female": "F"}
_YES_NO = {
    YES: True,
    NO: False,
    "y": True,
    "n": False,
    "yes": True,
    "no": False,
    "true": True,
    "false": False,
}
PROGRESS_EVERY = 500
ProgressFn = Callable[[int, int], None]


@dataclass
class RosterEntry:
    """One person of the roster, every value checked."""

    row: int
    values: dict[str, Any]


@dataclass
class RosterReading:
    entries: list[RosterEntry] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    rows_with_problems: int = 0
    ignored_headers: list[str] = field(default_factory=list)


class _TextCell:
    """A CSV value dressed as a spreadsheet cell, so one reader serves both kinds of file."""

    number_format = "General"
    data_type = "s"

    def __init__(self, value: str) -> None:
        self.value = value or None


# --- The file as a whole ---------------------------------------------------------------------


def roster_file_kind(*, head: bytes, name: str) -> str:
    """ "xlsx" or "csv", by the content; ImportFileError for anything else."""
    if head.startswith(XLSX_MAGIC):
        return "xlsx"
    if head.startswith(OLE2_MAGIC):
        raise ImportFileError(
            _(
                "%(name)s is in the old Excel format (.xls); please save it as an Excel workbook (.xlsx) or as CSV."
            )
            % {"name": name}
        )
    if head.startswith(UTF16_BOMS):  # Excel's and WPS's "Unicode text": UTF-16, tab-separated
        return "csv"
    if file_kind_sniff(head) is not None or b"\x00" in head:
        raise ImportFileError(
            _("%(name)s is not a spreadsheet; please send the roster as an Excel workbook (.xlsx) or as CSV.")
            % {"name": name}
        )
    return "csv"


def _decode(data: bytes, name: str) -> str:
    if data.startswith(UTF16_BOMS):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError(
        _("%(name)s is neither an Excel workbook nor a CSV file in UTF-8 or GB18030.") % {"name": name}
    )


def _header_lookup() -> dict[str, str]:
    lookup: dict[str, str] = {}
    for column in ROSTER_COLUMNS:
        for header in (column.header, column.header_en, *column.aliases, column.key):
            lookup[text_key(header)] = column.key
    return lookup


def _find_layout(rows: list[list[Any]]) -> Layout:
    """The header row among the first rows (a title row above it is usual), by the most columns known."""
    lookup = _header_lookup()
    best: Layout | None = None
    for number, values in enumerate(rows[:HEADER_SEARCH_ROWS], start=1):
        columns: dict[str, int] = {}
        headers: dict[str, str] = {}
        ignored: list[str] = []
        for index, raw in enumerate(values, start=1):
            if raw is None or not str(raw).strip():
                continue
            text = normalise(str(raw))
            key = lookup.get(text_key(text))
            if key is None:
                ignored.append(text)
            elif key in columns:
                raise ImportFileError(
                    _("The header row (row %(row)s) has the column %(header)s twice.")
                    % {"row": number, "header": text}
                )
            else:
                columns[key], headers[key] = index, text
        if len(columns) >= 3 and (best is None or len(columns) > len(best.columns)):
            best = Layout(header_row=number, columns=columns, headers=headers, ignored=ignored)
    if best is None:
        raise ImportFileError(
            _(
                "No header row was found in the first %(count)s rows. The header row names the columns, "
                "e.g. 序号, 姓名, 证件类型, 证件号码, 申请级别, 申请专业领域."
            )
            % {"count": HEADER_SEARCH_ROWS}
        )
    missing = [c for c in ROSTER_COLUMNS if c.required and c.key not in best.columns]
    if missing:
        raise ImportFileError(
            _("The header row (row %(row)s) lacks these columns: %(columns)s.")
            % {"row": best.header_row, "columns": ", ".join(f"{c.header} ({c.header_en})" for c in missing)}
        )
    return best


# --- Checking one row ------------------------------------------------------------------------


@dataclass
class _Lookups:
    grades: dict[str, Grade]
    disciplines: dict[str, Discipline]


def _lookups(batch: Batch) -> _Lookups:
    grades: dict[str, Grade] = {}
    for grade in batch.grades.all():
        for name in (grade.code, grade.name, grade.name_en):
            if name:
                grades[text_key(name)] = grade
    offered = batch.disciplines.select_related("parent")
    if not offered.exists():
        offered = Discipline.objects.filter(society=batch.society).select_related("parent")
    disciplines: dict[str, Discipline] = {}
    for discipline in offered:
        disciplines[code_key(discipline.code)] = discipline
        for name in (discipline.name, discipline.name_en):
            if name:
                disciplines[text_key(name)] = discipline
                if discipline.parent is not None:
                    disciplines[text_key(f"{discipline.parent.name}/{name}")] = discipline
    return _Lookups(grades, disciplines)


class _Row:
    def __init__(
        self, *, number: int, cells: dict[str, Any], layout: Layout, merged: dict[tuple[int, int], str]
    ):
        self.number, self.cells, self.layout, self.merged = number, cells, layout, merged
        self.problems: list[RowProblem] = []

    def problem(self, key: str, message: str) -> None:
        index = self.layout.columns.get(key)
        self.problems.append(
            RowProblem(
                row=self.number,
                column=self.layout.headers.get(key) or ROSTER_COLUMN_BY_KEY[key].header,
                message=message,
                letter=get_column_letter(index) if index else "",
            )
        )

    def cell(self, key: str) -> Any:
        index = self.layout.columns.get(key)
        if index is None:
            return None
        if (self.number, index) in self.merged:
            self.problem(
                key,
                _("The cell is merged with others (%(range)s); please unmerge it and fill in each row.")
                % {"range": self.merged[(self.number, index)]},
            )
            return None
        cell = self.cells.get(key)
        if cell is None:
            return None
        if cell.data_type == "f":
            self.problem(
                key,
                _(
                    "The cell holds a formula (%(formula)s); please replace it by its value (copy, then paste values only)."
                )
                % {"formula": str(cell.value)[:60]},
            )
            return None
        if cell.data_type == "e":
            self.problem(key, _("The cell holds an error value (%(value)s).") % {"value": cell.value})
            return None
        return cell

    def text(self, key: str, *, required: bool = False, max_length: int = 200, fold: bool = True) -> str:
        cell = self.cell(key)
        value = cell_text(cell, fold=fold) if cell is not None else ""
        # A quote the export put before = + - @ so that no spreadsheet runs the cell.
        if len(value) > 1 and value[0] == "'" and value[1] in "=+-@":
            value = value[1:]
        if not value:
            if required and key in self.layout.columns and not self._reported(key):
                self.problem(key, _("This value is required."))
            return ""
        if len(value) > max_length:
            self.problem(key, _("At most %(count)s characters, please.") % {"count": max_length})
            return ""
        return value

    def _reported(self, key: str) -> bool:
        header = self.layout.headers.get(key)
        return any(p.column == header for p in self.problems)

    def month(self, key: str) -> date | None:
        cell = self.cell(key)
        if cell is None or cell.value is None or not str(cell.value).strip():
            return None
        if isinstance(cell.value, str):
            text = normalise(cell.value)
            for pattern in _YEAR_MONTH:
                match = pattern.match(text)
                if match:
                    year, month = (int(part) for part in match.groups())
                    if 1900 <= year <= 2100 and 1 <= month <= 12:
                        return date(year, month, 1)
        try:
            found = cell_date(cell)
        except CellProblem as error:
            self.problem(key, str(error))
            return None
        return found.replace(day=1) if found else None

    def is_blank(self) -> bool:
        for key, index in self.layout.columns.items():
            if (self.number, index) in self.merged:
                return False
            cell = self.cells.get(key)
            if cell is not None and cell.value is not None and str(cell.value).strip():
                return False
        return True


def _read_document(row: _Row, gender: str) -> tuple[str, str]:
    type_text = row.text("document_type", required=True)
    number_text = row.text("document_number", required=True, max_length=40)
    doc_type = document_type_of(type_text) if type_text else None
    if type_text and doc_type is None:
        row.problem(
            "document_type", _("%(value)s is not a type of identity document.") % {"value": type_text}
        )
    if not number_text or doc_type is None:
        return (doc_type or "", "")
    cell = row.cells.get("document_number")
    if cell is not None and isinstance(cell.value, int | float) and len(number_text) >= 15:
        row.problem(
            "document_number",
            _(
                "The number is stored as a number, which Excel rounds; format the column as text and type the number again."
            ),
        )
        return (doc_type, "")
    if re.fullmatch(r"\d(\.\d+)?E\+\d+", number_text, re.IGNORECASE):
        row.problem(
            "document_number",
            _(
                "%(value)s is a number Excel rounded and wrote in scientific notation; format the column as text and type the number again."
            )
            % {"value": number_text},
        )
        return (doc_type, "")
    number = normalise_document_number(doc_type, number_text)
    try:
        validate_document_number(
            doc_type, number, gender=gender if doc_type in GB11643_TYPES and gender else None
        )
    except ValidationError as error:
        row.problem("document_number", " ".join(error.messages))
        return (doc_type, "")
    return (doc_type, number)


def _read_row(row: _Row, lookups: _Lookups) -> dict[str, Any]:
    values: dict[str, Any] = {"seq": row.text("seq", max_length=20)}
    values["full_name"] = row.text("full_name", required=True, max_length=100, fold=False)
    gender_text = row.text("gender", max_length=10)
    values["gender"] = _GENDERS.get(gender_text.casefold(), "") if gender_text else ""
    if gender_text and not values["gender"]:
        row.problem("gender", _("%(value)s is not 男 or 女.") % {"value": gender_text})
    values["birth_month"] = row.month("birth_month")
    values["id_type"], values["id_number"] = _read_document(row, values["gender"])
    for key in ("employer", "department_position", "title", "degree", "institution", "major"):
        values[key] = row.text(key, max_length=200, fold=False)
    grade_text = row.text("grade", required=True, max_length=100)
    values["grade_text"], values["grade"] = (
        grade_text,
        lookups.grades.get(text_key(grade_text)) if grade_text else None,
    )
    if grade_text and values["grade"] is None:
        row.problem("grade", _("%(value)s is not a grade this batch offers.") % {"value": grade_text})
    discipline_text = row.text("discipline", required=True, max_length=200, fold=False)
    discipline = None
    if discipline_text:
        discipline = lookups.disciplines.get(text_key(discipline_text)) or lookups.disciplines.get(
            code_key(discipline_text)
        )
        if discipline is None:
            row.problem(
                "discipline",
                _("%(value)s is not a professional field of this batch.") % {"value": discipline_text},
            )
    values["discipline_text"], values["discipline"] = discipline_text, discipline
    simplified = row.text("simplified", max_length=10)
    values["simplified_requested"] = _YES_NO.get(simplified.casefold()) if simplified else None
    if simplified and values["simplified_requested"] is None:
        row.problem("simplified", _("%(value)s is not 是 or 否.") % {"value": simplified})
    phone = row.text("phone", max_length=30)
    if phone and not PHONE_RE.match(phone):
        row.problem("phone", _("%(value)s is not a telephone number.") % {"value": phone})
    values["phone"] = phone
    email = row.text("email", max_length=254).lower()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            row.problem("email", _("%(value)s is not an email address.") % {"value": email})
    values["email"] = email
    values["remarks"] = row.text("remarks", max_length=500, fold=False)
    return values


# --- Reading ---------------------------------------------------------------------------------


def _xlsx_rows(
    data: bytes, name: str
) -> tuple[Layout, list[tuple[int, dict[str, Any]]], dict[tuple[int, int], str]]:
    sheet = open_sheet(io.BytesIO(data), name)
    width, height = sheet.max_column, sheet.max_row  # each is a walk over every cell: once
    head = [
        [sheet.cell(row=r, column=c).value for c in range(1, width + 1)]
        for r in range(1, min(height, HEADER_SEARCH_ROWS) + 1)
    ]
    layout = _find_layout(head)
    merged = merged_cells(sheet, layout)
    last = last_filled_row(sheet, layout)
    rows = [
        (number, {key: sheet.cell(row=number, column=index) for key, index in layout.columns.items()})
        for number in range(layout.header_row + 1, last + 1)
    ]
    return layout, rows, merged


def _csv_rows(
    data: bytes, name: str
) -> tuple[Layout, list[tuple[int, dict[str, Any]]], dict[tuple[int, int], str]]:
    text = _decode(data, name)
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), dialect))
    except csv.Error as error:
        raise ImportFileError(
            _("%(name)s cannot be read as CSV: %(error)s") % {"name": name, "error": error}
        ) from None
    layout = _find_layout([list(r) for r in records])
    rows = []
    for number, record in enumerate(records[layout.header_row :], start=layout.header_row + 1):
        cells = {
            key: _TextCell(record[index - 1]) for key, index in layout.columns.items() if index <= len(record)
        }
        rows.append((number, cells))
    return layout, rows, {}


def roster_file_read(
    *, data: bytes, name: str, batch: Batch, progress: ProgressFn | None = None
) -> RosterReading:
    """Read and check every row of a roster; ImportFileError when the file as a whole cannot be read."""
    kind = roster_file_kind(head=data[:16], name=name)
    layout, rows, merged = _xlsx_rows(data, name) if kind == "xlsx" else _csv_rows(data, name)
    lookups = _lookups(batch)
    reading = RosterReading(ignored_headers=layout.ignored)
    seen: dict[str, int] = {}
    total = len(rows)
    for position, (number, cells) in enumerate(rows, start=1):
        row = _Row(number=number, cells=cells, layout=layout, merged=merged)
        if not row.is_blank():
            values = _read_row(row, lookups)
            number_key = f"{values['id_type']}:{values['id_number']}"
            if values["id_number"] and number_key in seen:
                row.problem(
                    "document_number",
                    _("The same document number is in row %(row)s already.") % {"row": seen[number_key]},
                )
            elif values["id_number"]:
                seen[number_key] = number
            if row.problems:
                reading.problems.extend(row.problems)
                reading.rows_with_problems += 1
            else:
                reading.entries.append(RosterEntry(row=number, values=values))
        if progress is not None and (position % PROGRESS_EVERY == 0 or position == total):
            progress(position, total)
    if not reading.entries and not reading.problems:
        raise ImportFileError(_("%(name)s lists nobody under its header row.") % {"name": name})
    return reading
