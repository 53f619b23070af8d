"""Reading spreadsheets that people fill in by hand: members' lists, units' rosters.

What such files hold and engcert reads the same way wherever they come from: headers in Chinese
or English, full-width digits, dates written as dates, Excel serial numbers or text (2021-03-01,
2021/3/1, 2021年3月1日), merged cells, a sheet formatted down to its last row, and problems
reported by row, column header and column letter, in words for people.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import IO

from django.utils.translation import gettext as _
from openpyxl import load_workbook  # type: ignore[import-untyped]
from openpyxl.cell.cell import Cell  # type: ignore[import-untyped]
from openpyxl.utils import column_index_from_string  # type: ignore[import-untyped]
from openpyxl.utils.datetime import from_excel  # type: ignore[import-untyped]
from openpyxl.worksheet.worksheet import Worksheet  # type: ignore[import-untyped]

from engcert.privacy.identity_documents import DocumentType

EARLIEST_DATE = date(1950, 1, 1)
LATEST_DATE = date(2100, 12, 31)
# Where the header row may be: a title line or two above it is common in society files.
HEADER_SEARCH_ROWS = 10
# A workbook is a zip of XML files: reading costs what it unpacks to, not what it weighs. A real
# list of ten thousand people unpacks to a few megabytes; a "zip bomb" of a few kilobytes
# unpacks to gigabytes and would take the server's memory with it.
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
# More rows than any society's list; a sheet merged or filled down to row 1,048,576 is refused
# rather than read cell by cell for minutes.
MAX_ROWS = 100_000
# openpyxl makes an object for every cell of a merged range while it opens the file.
MAX_MERGED_CELLS = 200_000
_MERGE_REF = re.compile(
    rb"<(?:\w+:)?mergeCell\s+ref=\"\$?([A-Z]{1,3})\$?(\d{1,7}):\$?([A-Z]{1,3})\$?(\d{1,7})\""
)
PHONE_RE = re.compile(r"^\+?[0-9][0-9\- ]{5,22}[0-9]$")


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # the Chinese header
    header_en: str  # the English header (the first of the accepted English names)
    aliases: tuple[str, ...] = ()
    required: bool = True


DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]0{1,2}:0{2}(?::0{2})?)?$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)


class ImportFileError(Exception):
    """The file as a whole cannot be read (not a workbook, no header row, columns missing);
    the message is for people."""


@dataclass(frozen=True)
class RowProblem:
    """One thing wrong in one row: the row number as the spreadsheet shows it, the column's
    header as written in the file ('' for the row as a whole) and what is wrong."""

    row: int
    column: str
    message: str
    letter: str = ""  # the column's letter, e.g. "F"

    def __str__(self) -> str:
        if self.column:
            return _("Row %(row)s, column %(column)s: %(message)s") % {
                "row": self.row,
                "column": f"{self.column} ({self.letter})" if self.letter else self.column,
                "message": self.message,
            }
        return _("Row %(row)s: %(message)s") % {"row": self.row, "message": self.message}


DOCUMENT_TYPE_NAMES: dict[str, DocumentType] = {
    "居民身份证": DocumentType.PRC_RESIDENT_ID,
    "身份证": DocumentType.PRC_RESIDENT_ID,
    "中华人民共和国居民身份证": DocumentType.PRC_RESIDENT_ID,
    "港澳居民来往内地通行证": DocumentType.HK_MACAO_PERMIT,
    "回乡证": DocumentType.HK_MACAO_PERMIT,
    "台湾居民来往大陆通行证": DocumentType.TAIWAN_PERMIT,
    "台胞证": DocumentType.TAIWAN_PERMIT,
    "港澳台居民居住证": DocumentType.HKMT_RESIDENCE,
    "护照": DocumentType.PASSPORT,
    "外国人永久居留身份证": DocumentType.FOREIGN_PERMANENT,
    "id card": DocumentType.PRC_RESIDENT_ID,
    "resident id": DocumentType.PRC_RESIDENT_ID,
}


class CellProblem(ValueError):
    """A value that cannot be used; the message is for people."""


def normalise(text: str) -> str:
    """Full-width letters, digits and spaces become half-width; whitespace runs become one space."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


def text_key(text: str) -> str:
    """How headers, names and codes are compared: normalised, without spaces, case-folded."""
    return normalise(text).replace(" ", "").casefold()


def cell_text(cell: Cell, *, fold: bool = True) -> str:
    """The cell as text. `fold` makes full-width letters and digits half-width (numbers, codes,
    addresses); Chinese text (names, units, reasons) keeps its full-width punctuation."""
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        if isinstance(value, float) and not value.is_integer():
            return str(value)
        digits = str(int(value))
        # A number shown with leading zeros ("000123") is what the person sees and means.
        number_format = str(cell.number_format or "")
        if re.fullmatch(r"0+", number_format):
            digits = digits.zfill(len(number_format))
        return digits
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return normalise(str(value)) if fold else " ".join(str(value).split())


def cell_date(cell: Cell) -> date | None:
    value = cell.value
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        found = value.date()
    elif isinstance(value, date):
        found = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        # A date Excel keeps as its serial number (days since 1899-12-30) in an unformatted cell.
        if not 1 <= value < 2958466:
            raise CellProblem(_("%(value)s is not a date.") % {"value": value})
        converted = from_excel(value)
        found = converted.date() if isinstance(converted, datetime) else converted  # type: ignore[assignment]
    else:
        found = text_date(normalise(str(value)))
    if not EARLIEST_DATE <= found <= LATEST_DATE:
        raise CellProblem(
            _("%(value)s is not a plausible date here; please check the year.") % {"value": found.isoformat()}
        )
    return found


def text_date(text: str) -> date:
    for pattern in DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            year, month, day = (int(part) for part in match.groups())
            try:
                return date(year, month, day)
            except ValueError:
                raise CellProblem(_("%(value)s is not a real date.") % {"value": text}) from None
    raise CellProblem(
        _("%(value)s is not a date; write it as 2021-03-01, 2021/3/1 or 2021年3月1日.") % {"value": text}
    )


@dataclass(frozen=True)
class Layout:
    header_row: int
    columns: dict[str, int]  # column key -> column index (1-based)
    headers: dict[str, str]  # column key -> header as written in the file
    ignored: list[str]


def merged_cells(sheet: Worksheet, layout: Layout) -> dict[tuple[int, int], str]:
    """(row, column) of every merged data cell in a column we read -> the merged range, e.g. B5:B7."""
    wanted = set(layout.columns.values())
    found: dict[tuple[int, int], str] = {}
    for merged in sheet.merged_cells.ranges:
        if merged.max_row <= layout.header_row:
            continue
        rows_bounded(last_row=merged.max_row, layout=layout)
        for row in range(max(merged.min_row, layout.header_row + 1), merged.max_row + 1):
            for column in range(merged.min_col, merged.max_col + 1):
                if column in wanted:
                    found[(row, column)] = merged.coord
    return found


def last_filled_row(sheet: Worksheet, layout: Layout) -> int:
    """The last row with a value in a column we read. A sheet formatted down to its last row
    says max_row is 1,048,576; reading cell by cell that far would take minutes and memory
    (openpyxl makes each cell it is asked for), so the cells the file holds are looked at."""
    wanted = set(layout.columns.values())
    filled: list[int] = [
        row
        for (row, column), cell in sheet._cells.items()
        if column in wanted and cell.value is not None and str(cell.value).strip()
    ]
    merged: list[int] = [m.max_row for m in sheet.merged_cells.ranges if m.max_row > layout.header_row]
    return rows_bounded(last_row=max([layout.header_row, *filled, *merged]), layout=layout)


def rows_bounded(*, last_row: int, layout: Layout) -> int:
    """`last_row`, when the rows under the header are no more than engcert reads in one file."""
    if last_row - layout.header_row > MAX_ROWS:
        raise ImportFileError(
            _(
                "The sheet has rows down to row %(row)s; engcert reads at most %(count)s rows under the header. "
                "Please delete the empty rows below the list (or unmerge them) or split the list into several files."
            )
            % {"row": last_row, "count": MAX_ROWS}
        )
    return last_row


def workbook_size_check(source: Path | IO[bytes], name: str) -> None:
    """ImportFileError when the workbook would unpack to more than engcert reads, judged by
    the sizes its zip directory declares (Python's zip reader never unpacks more than that)."""
    position = None if isinstance(source, Path) else source.tell()
    try:
        with zipfile.ZipFile(source) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return  # not a zip at all: load_workbook says so in its own words
    finally:
        if position is not None and not isinstance(source, Path):
            source.seek(position)
    unpacked = sum(member.file_size for member in members)
    if unpacked > MAX_UNPACKED_BYTES:
        raise ImportFileError(
            _(
                "%(name)s would unpack to %(size)s MB, more than the %(limit)s MB engcert reads; "
                "please send a list without pictures or extra sheets, or split it into several files."
            )
            % {"name": name, "size": unpacked // 1048576, "limit": MAX_UNPACKED_BYTES // 1048576}
        )
    merged = _merged_extent(source, [m.filename for m in members if m.filename.startswith("xl/worksheets/")])
    if merged is not None:
        last_row, cells = merged
        if last_row > MAX_ROWS or cells > MAX_MERGED_CELLS:
            raise ImportFileError(
                _(
                    "%(name)s has cells merged down to row %(row)s (%(cells)s cells in all); please unmerge "
                    "the cells below the list and send it again."
                )
                % {"name": name, "row": last_row, "cells": cells}
            )


def _merged_extent(source: Path | IO[bytes], parts: list[str]) -> tuple[int, int] | None:
    """The last row any merged range reaches and how many cells the ranges cover, read from
    the sheets' XML before openpyxl makes an object of every merged cell."""
    position = None if isinstance(source, Path) else source.tell()
    last_row = cells = 0
    try:
        with zipfile.ZipFile(source) as archive:
            for part in parts:
                with archive.open(part) as handle:
                    tail = b""
                    for chunk in iter(lambda: handle.read(1 << 20), b""):
                        text = tail + chunk
                        for match in _MERGE_REF.finditer(text):
                            first, top, last, bottom = match.groups()
                            rows = abs(int(bottom) - int(top)) + 1
                            columns = (
                                abs(
                                    column_index_from_string(last.decode())
                                    - column_index_from_string(first.decode())
                                )
                                + 1
                            )
                            last_row, cells = max(last_row, int(bottom), int(top)), cells + rows * columns
                        tail = text[-64:]
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, zlib.error):
        return None  # a damaged file: load_workbook refuses it in its own words
    finally:
        if position is not None and not isinstance(source, Path):
            source.seek(position)
    return last_row, cells


def open_sheet(source: Path | IO[bytes], name: str) -> Worksheet:
    workbook_size_check(source, name)
    try:
        workbook = load_workbook(source, data_only=False)
    # A damaged or hand-made file fails deep inside openpyxl, zipfile, zlib or the XML parser,
    # each in its own way (zlib.error, ParseError, AttributeError, IndexError...): whatever it
    # is, the file is not a workbook engcert can read, which is what the person needs to know.
    except Exception as error:
        raise ImportFileError(
            _(
                "%(name)s is not an Excel workbook (.xlsx) engcert can read; please save the list as "
                "an Excel workbook and try again."
            )
            % {"name": name}
        ) from error
    sheet = workbook.worksheets[0] if workbook.worksheets else None
    if not isinstance(sheet, Worksheet):
        raise ImportFileError(_("%(name)s has no worksheet.") % {"name": name})
    return sheet


def code_key(code: str) -> str:
    # "06.1", "6.1" and "6-1" name the same field; Excel drops the leading zero of "01".
    parts = re.split(r"[.\-]", text_key(code))
    return ".".join(part.lstrip("0") or "0" if part.isdigit() else part for part in parts)


def document_type_of(text: str) -> DocumentType | None:
    key = text_key(text)
    for name, doc_type in DOCUMENT_TYPE_NAMES.items():
        if text_key(name) == key:
            return doc_type
    for doc_type in DocumentType:
        if key in (text_key(doc_type.value), text_key(str(doc_type.label))):
            return doc_type
    return None
