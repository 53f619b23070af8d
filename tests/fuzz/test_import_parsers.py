"""Every import parser, fed random workbooks, CSV files and bytes: it reads the file, or says
what is wrong with the file or with which row and column; it never fails in any other way and
never reads for long, whatever the file holds (zip bombs, sheets merged to their last row)."""

from __future__ import annotations

import io
import time
import zipfile
from datetime import date, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # type: ignore[import-untyped]

from engcert.certificates.importing import COLUMNS as MEMBER_COLUMNS
from engcert.certificates.importing import members_file_read
from engcert.rosters.columns import ROSTER_COLUMNS
from engcert.rosters.domain.reading import roster_file_read
from engcert.spreadsheets.reading import MAX_UNPACKED_BYTES, ImportFileError, RowProblem
from tests.conftest import World

FUZZ = settings(
    max_examples=25,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
SECONDS_PER_FILE = 10  # a file of this test's size is read in well under a second

ROSTER_HEADERS = [header for column in ROSTER_COLUMNS for header in (column.header, column.header_en)]
MEMBER_HEADERS = [header for column in MEMBER_COLUMNS for header in (column.header, column.header_en)]

texts = st.text(
    st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=80
) | st.sampled_from(
    [
        "=SUM(A1:A9)", "'=1+1", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "2021-03-01", "2021/3/1",
        "2021年3月1日", "20210301", "1985-13", "1985年2月", "居民身份证", "护照", "男", "女", "是", "否",
        "PE", "输电", "01", "06.1", "x" * 5000, "１３９１２３４５６７８", "\u202eevil", "\x00", "#REF!",
    ]
)  # fmt: skip
cell_values = st.one_of(
    st.none(),
    texts,
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.dates(min_value=date(1900, 3, 1), max_value=date(9999, 12, 31)),
    st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(9999, 12, 31)),
)


def _writable(value: Any) -> Any:
    # openpyxl refuses control characters in text; Excel files cannot hold them either.
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


@st.composite
def workbooks(draw: st.DrawFn, headers: list[str]) -> bytes:
    book = Workbook()
    sheet = book.active
    for _ in range(draw(st.integers(0, 2))):  # title lines above the header row
        sheet.append([_writable(draw(texts))])
    chosen = draw(st.lists(st.sampled_from(headers) | texts, max_size=24))
    sheet.append([_writable(header) for header in chosen])
    width = max(len(chosen), 1)
    for _ in range(draw(st.integers(0, 12))):
        sheet.append([_writable(v) for v in draw(st.lists(cell_values, max_size=width + 2))])
    for _ in range(draw(st.integers(0, 3))):
        top, left = draw(st.integers(1, sheet.max_row + 3)), draw(st.integers(1, width + 2))
        bottom, right = top + draw(st.integers(0, 4)), left + draw(st.integers(0, 3))
        sheet.merge_cells(start_row=top, start_column=left, end_row=bottom, end_column=right)
    if draw(st.booleans()):
        book.create_sheet("第二页").append([_writable(draw(texts))])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@st.composite
def csv_files(draw: st.DrawFn) -> bytes:
    separator = draw(st.sampled_from([",", ";", "\t"]))
    headers = draw(st.lists(st.sampled_from(ROSTER_HEADERS) | texts, max_size=20))
    lines = [separator.join(headers)]
    for _ in range(draw(st.integers(0, 10))):
        lines.append(separator.join(draw(st.lists(texts, max_size=len(headers) + 2))))
    text = "\r\n".join(lines)
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]))
    return text.encode(encoding, errors="replace")


def damaged(data: bytes, cut: int, flips: list[tuple[int, int]]) -> bytes:
    """The file cut short and with a few bytes changed, as a broken download or disk leaves it."""
    changed = bytearray(data[: max(cut, 0)] if cut < len(data) else data)
    for position, value in flips:
        if changed:
            changed[position % len(changed)] = value
    return bytes(changed)


def read_roster(world: World, data: bytes, name: str = "名单.xlsx") -> list[RowProblem]:
    started = time.monotonic()
    try:
        reading = roster_file_read(data=data, name=name, batch=world.batch)
    except ImportFileError as error:
        assert str(error)
        return []
    finally:
        assert time.monotonic() - started < SECONDS_PER_FILE
    for problem in reading.problems:
        assert problem.row >= 1 and problem.message
    for entry in reading.entries:
        assert entry.row >= 1
    return reading.problems


def read_members(world: World, data: bytes) -> list[RowProblem]:
    started = time.monotonic()
    try:
        report = members_file_read(source=io.BytesIO(data), society=world.society, name="members.xlsx")
    except ImportFileError as error:
        assert str(error)
        return []
    finally:
        assert time.monotonic() - started < SECONDS_PER_FILE
    for problem in report.problems:
        assert problem.row >= 1 and problem.message
    return report.problems


# --- Random workbooks, CSV and bytes ----------------------------------------------------------


@FUZZ
@given(data=workbooks(ROSTER_HEADERS))
def test_a_random_workbook_is_read_or_refused_by_the_roster_import(world: World, data: bytes) -> None:
    read_roster(world, data)


@FUZZ
@given(data=workbooks(MEMBER_HEADERS))
def test_a_random_workbook_is_read_or_refused_by_the_members_import(world: World, data: bytes) -> None:
    read_members(world, data)


@FUZZ
@given(data=csv_files())
def test_a_random_csv_file_in_any_encoding_is_read_or_refused_by_the_roster_import(
    world: World, data: bytes
) -> None:
    read_roster(world, data, name="名单.csv")


@FUZZ
@given(
    data=workbooks(ROSTER_HEADERS),
    cut=st.integers(0, 20000),
    flips=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), max_size=8),
)
def test_a_damaged_workbook_is_read_or_refused_by_both_imports(
    world: World, data: bytes, cut: int, flips: list[tuple[int, int]]
) -> None:
    broken = damaged(data, cut, flips)
    read_roster(world, broken)
    read_members(world, broken)


@FUZZ
@given(data=st.binary(max_size=4000) | st.binary(max_size=200).map(lambda tail: b"PK\x03\x04" + tail))
def test_random_bytes_are_refused_by_both_imports(world: World, data: bytes) -> None:
    read_roster(world, data, name="名单")
    read_members(world, data)


# --- Files made to exhaust the server ----------------------------------------------------------


def _roster_workbook(*, merge_to: int | None = None) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append([column.header for column in ROSTER_COLUMNS])
    sheet.append(["1", "张三"])
    buffer = io.BytesIO()
    book.save(buffer)
    if not merge_to:
        return buffer.getvalue()
    # Written into the sheet's XML as Excel writes it: openpyxl itself would take minutes.
    merged = io.BytesIO()
    with zipfile.ZipFile(buffer) as original, zipfile.ZipFile(merged, "w", zipfile.ZIP_DEFLATED) as target:
        for item in original.infolist():
            content = original.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(
                    b"</sheetData>",
                    f'</sheetData><mergeCells count="1"><mergeCell ref="B3:B{merge_to}"/></mergeCells>'.encode(),
                )
            target.writestr(item, content)
    return merged.getvalue()


def _bomb() -> bytes:
    """A real roster workbook with one more part of zeros: a few hundred kilobytes that unpack
    to more than engcert reads."""
    buffer = io.BytesIO(_roster_workbook())
    with zipfile.ZipFile(buffer, "a", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("xl/media/padding.bin", bytes(MAX_UNPACKED_BYTES + 1))
    return buffer.getvalue()


def test_a_workbook_that_unpacks_to_too_much_is_refused_by_both_imports(world: World) -> None:
    bomb = _bomb()
    assert len(bomb) < 1024 * 1024
    expected = (
        "名单.xlsx would unpack to 100 MB, more than the 100 MB engcert reads; please send a list "
        "without pictures or extra sheets, or split it into several files."
    )

    with pytest.raises(ImportFileError) as roster:
        roster_file_read(data=bomb, name="名单.xlsx", batch=world.batch)
    with pytest.raises(ImportFileError) as members:
        members_file_read(source=io.BytesIO(bomb), society=world.society, name="名单.xlsx")

    assert (str(roster.value), str(members.value)) == (expected, expected)


def test_a_sheet_merged_down_to_its_last_row_is_refused_at_once(world: World) -> None:
    data = _roster_workbook(merge_to=1_048_576)
    started = time.monotonic()

    with pytest.raises(ImportFileError) as refused:
        roster_file_read(data=data, name="名单.xlsx", batch=world.batch)

    assert time.monotonic() - started < SECONDS_PER_FILE
    assert str(refused.value) == (
        "名单.xlsx has cells merged down to row 1048576 (1048574 cells in all); please unmerge "
        "the cells below the list and send it again."
    )


def test_an_entity_expansion_bomb_in_the_shared_strings_is_refused(world: World) -> None:
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lollollollollollollollollollol">'
        + "".join(
            f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10)
        )
        + ']><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
        "<si><t>&lol9;</t></si></sst>"
    )
    source = io.BytesIO(_roster_workbook())
    target = io.BytesIO()
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as bomb:
        for item in original.infolist():
            content = original.read(item.filename)
            bomb.writestr(item, laughs if item.filename == "xl/sharedStrings.xml" else content)
    started = time.monotonic()

    read_roster(world, target.getvalue())

    assert time.monotonic() - started < SECONDS_PER_FILE
