"""Every spreadsheet engcert hands out writes text through the one neutraliser, and whatever a
person typed comes back from the file as text, never as a formula."""

from __future__ import annotations

import ast
import io
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook  # type: ignore[import-untyped]
from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # type: ignore[import-untyped]

import engcert
from engcert.spreadsheets.writing import FORMULA_STARTS, cell_text

ENGCERT = Path(engcert.__file__).parent
# Workbooks engcert makes that nobody downloads: the demo's sample files, written to be read back.
NOT_EXPORTS = {"demo/certificates.py", "rosters/demo.py"}
PAYLOADS = [
    '=HYPERLINK("http://x","y")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1)",
    "\t=1+1",
    "\r=1+1",
    "=1+1",
]


def _exporters() -> dict[str, ast.Module]:
    found = {}
    for path in sorted(ENGCERT.rglob("*.py")):
        name = path.relative_to(ENGCERT).as_posix()
        if "/migrations/" in name or name in NOT_EXPORTS:
            continue
        source = path.read_text()
        if "Workbook(" in source:
            found[name] = ast.parse(source)
    return found


def test_every_module_that_writes_a_workbook_writes_text_through_the_one_neutraliser() -> None:
    exporters = _exporters()

    assert sorted(exporters) == [
        "committee/exports.py",
        "cpd/exports.py",
        "dashboards/exports.py",
        "review/exports_queue.py",
        "rosters/domain/export.py",
    ]
    for name, tree in exporters.items():
        imports = {
            (node.module, alias.name)
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom)
            for alias in node.names
        }
        own = {
            node.name
            for node in ast.walk(tree)
            if isinstance(node, ast.FunctionDef) and node.name in {"cell_text", "neutralise"}
        }
        assert (name, ("engcert.spreadsheets.writing", "cell_text") in imports, own) == (name, True, set())


def _written_and_read_back(texts: list[str]) -> list[tuple[str, object]]:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("x")
    sheet.append([cell_text(text) for text in texts])
    sheet.append([WriteOnlyCell(sheet, value=cell_text(text)) for text in texts])
    buffer = io.BytesIO()
    book.save(buffer)
    read = load_workbook(io.BytesIO(buffer.getvalue())).worksheets[0]
    return [(cell.data_type, cell.value) for row in read.iter_rows() for cell in row]


def test_formula_payloads_come_back_from_the_file_as_quoted_text() -> None:
    assert _written_and_read_back(PAYLOADS) == [("s", "'" + payload) for payload in PAYLOADS] * 2


@settings(max_examples=60, database=None)
@given(text=st.text(min_size=1, max_size=40).map(lambda t: ILLEGAL_CHARACTERS_RE.sub("", t)).filter(bool))
def test_any_text_comes_back_from_the_file_as_text_and_unchanged_but_for_the_quote(text: str) -> None:
    expected = "'" + text if text.startswith(FORMULA_STARTS) else text

    assert _written_and_read_back([text]) == [("s", expected)] * 2
