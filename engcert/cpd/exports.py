"""The CPD compliance list as a spreadsheet (.xlsx). Text cells are neutralised so that no
member's name or unit can run as a formula on a staff computer."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]
from openpyxl.styles import Font  # type: ignore[import-untyped]

from engcert.cpd.selectors import ComplianceRow
from engcert.spreadsheets.writing import cell_text


def compliance_workbook(*, rows: list[ComplianceRow]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=_("CPD compliance")[:31])
    for index, width in enumerate([22, 16, 22, 28, 12, 12, 12, 12, 10]):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    bold = Font(bold=True)
    header = []
    for text in (
        _("Member number"),
        _("Name"),
        _("Name in English or pinyin"),
        _("Unit"),
        _("Registration year from"),
        _("Registration year to"),
        _("Hours counted"),
        _("Hours needed"),
        _("Compliant"),
    ):
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    yes, no = _("yes"), _("no")
    for row in rows:
        registration = row.registration
        sheet.append(
            [
                cell_text(registration.member_number),
                cell_text(row.name),
                cell_text(registration.full_name_en),
                cell_text(registration.unit.display_name if registration.unit else ""),
                row.year.start,
                row.year.end,
                float(row.year.counted),
                float(row.year.required),
                yes if row.year.compliant else no,
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
