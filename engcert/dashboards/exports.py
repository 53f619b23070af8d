"""A dashboard table as a spreadsheet (.xlsx): the numbers as numbers, every text neutralised so
that a unit's or an examiner's name can never run as a formula on a staff computer."""

from __future__ import annotations

import io

from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]
from openpyxl.styles import Font  # type: ignore[import-untyped]

from engcert.dashboards.selectors import Cell, Table
from engcert.spreadsheets.writing import cell_text


def _cell(value: Cell) -> Cell:
    return cell_text(value) if isinstance(value, str) else value


def table_workbook(*, table: Table, scope: str) -> bytes:
    """One sheet: the scope (society and batch) and the table's title, then its columns and rows."""
    book = Workbook(write_only=True)
    # Our own title, never someone's input: only shortened to the 31 characters a sheet name allows.
    sheet = book.create_sheet(title=table.title[:31])
    sheet.column_dimensions["A"].width = 36
    for letter in "BCDE":
        sheet.column_dimensions[letter].width = 18
    bold = Font(bold=True)
    heading = WriteOnlyCell(sheet, value=cell_text(table.title))
    heading.font = bold
    sheet.append([heading, cell_text(scope)])
    sheet.append([])
    header = []
    for text in table.columns:
        cell = WriteOnlyCell(sheet, value=cell_text(text))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in table.rows:
        sheet.append([_cell(value) for value in row])
    if table.footer:
        sheet.append([_cell(value) for value in table.footer])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
