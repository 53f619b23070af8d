"""Writing text into spreadsheets engcert hands out (rosters, the work queue, committee minutes,
dashboards, CPD compliance): every text cell goes through `cell_text`, so that nothing a person
typed (a name, a unit, a reason) is ever run by Excel, WPS or LibreOffice as a formula."""

from __future__ import annotations

# What a spreadsheet reads as the start of a formula or a DDE call (OWASP "CSV injection"),
# including a tab or carriage return before one.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell_text(value: str) -> str:
    """Text safe to put in a spreadsheet cell: shown as written, never read as a formula.
    A leading quote is what Excel itself uses to mark a cell as text."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value
