from __future__ import annotations

import io

from openpyxl import load_workbook  # type: ignore[import-untyped]

from engcert.applications.domain.application import application_withdraw
from engcert.rosters.domain.export import neutralise, roster_export, roster_export_all
from tests.conftest import World
from tests.rosters.conftest import HEADERS, sheet_values, submitted


def test_unit_roster_has_the_title_the_headers_and_one_row_per_submitted_application(world: World) -> None:
    first = submitted(world, index=1)
    second = submitted(world, index=2)
    submitted(world, index=3, unit=world.other_unit)

    sheets = sheet_values(roster_export(batch=world.batch, unit=world.unit))

    [(title, rows)] = sheets.items()
    assert title == world.unit.name[:28]
    assert rows[0][0] == f"《{world.unit.name}工程会员申请人员名单》"
    assert rows[1] == HEADERS
    assert [row[:2] for row in rows[2:]] == [["1", first.full_name], ["2", second.full_name]]
    assert rows[2][5] == first.id_number
    assert rows[2][12] == first.grade.name  # type: ignore[union-attr]
    assert rows[2][14] == "否"
    assert rows[2][9] == "本科"
    assert rows[2][10] == "华北电力大学"


def test_withdrawn_and_unsubmitted_applications_are_not_listed(world: World) -> None:
    kept = submitted(world, index=1)
    withdrawn = submitted(world, index=2)
    application_withdraw(application=withdrawn, by=withdrawn.applicant, reason="工作调动")

    rows = next(iter(sheet_values(roster_export(batch=world.batch, unit=world.unit)).values()))

    assert [row[1] for row in rows[2:]] == [kept.full_name]


def test_cells_a_spreadsheet_would_run_are_neutralised(world: World) -> None:
    application = submitted(world, index=1)
    application.department_position = '=HYPERLINK("http://evil")'
    application.employer = "@SUM(A1)"
    application.save(update_fields=["department_position", "employer"])

    rows = next(iter(sheet_values(roster_export(batch=world.batch, unit=world.unit)).values()))

    assert rows[2][7] == '\'=HYPERLINK("http://evil")'
    assert rows[2][6] == "'@SUM(A1)"
    assert [neutralise(v) for v in ("+1", "-1", "中文", "a=b")] == ["'+1", "'-1", "中文", "a=b"]


def test_every_units_roster_is_a_sheet_of_one_workbook(world: World) -> None:
    submitted(world, index=1)
    other = submitted(world, index=2, unit=world.other_unit)

    sheets = sheet_values(roster_export_all(batch=world.batch))

    assert sorted(sheets) == sorted([world.unit.name[:28], world.other_unit.name[:28]])
    other_rows = sheets[world.other_unit.name[:28]]
    assert other_rows[0][0] == f"《{world.other_unit.name}工程会员申请人员名单》"
    assert [row[1] for row in other_rows[2:]] == [other.full_name]


def test_the_roster_prints_as_the_paper_form(world: World) -> None:
    submitted(world, index=1)

    sheet = load_workbook(io.BytesIO(roster_export(batch=world.batch, unit=world.unit))).active

    assert [str(r) for r in sheet.merged_cells.ranges] == ["A1:R1"]
    assert (sheet.page_setup.orientation, sheet.print_title_rows, sheet.freeze_panes) == (
        "landscape",
        "$1:$2",
        "C3",
    )
