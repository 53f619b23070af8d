"""Society staff export a unit's roster, import the roster the unit sent back by email, are told
exactly which cell is wrong, import the valid rows, and compare the roster with the applications."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from engcert.accounts.models import User
from engcert.rosters.models import RosterImport
from tests.browser.journey import LANGUAGE, Person, t
from tests.conftest import World
from tests.rosters.conftest import row_of, sheet_values, submitted, workbook_bytes

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("chinese_journey"),
]


def test_staff_export_import_and_reconcile_a_units_roster(
    browser: Any, live_server: Any, shots: Path, world: World, tmp_path: Path
) -> None:
    listed = submitted(world, index=1)
    forgotten = submitted(world, index=2)
    User.objects.update(language=LANGUAGE)
    wrong = row_of(listed, 1)
    wrong[16] = "wang.at.example.com"
    stranger = row_of(submitted(world, index=3, unit=world.other_unit), 2)
    roster = tmp_path / "名单.xlsx"
    roster.write_bytes(workbook_bytes([wrong, stranger]))

    staff = Person(browser, live_server.url, shots, "staff")
    staff.sign_in(world.staff)
    staff.go(f"/staff/{world.society.code}/batches/{world.batch.pk}/rosters/")
    staff.shot("rosters")
    page = staff.page
    with page.expect_download() as download_info:
        page.locator("tr", has_text=world.unit.name).get_by_role("link", name=t("Export (.xlsx)")).click()
    [rows] = sheet_values(Path(download_info.value.path()).read_bytes()).values()
    assert [r[1] for r in rows[2:]] == [listed.full_name, forgotten.full_name]

    page.select_option("select[name=unit]", str(world.unit.pk))
    page.set_input_files("input[name=file]", str(roster))
    staff.click(page.get_by_role("button", name=t("Check and import")))
    page.wait_for_selector("table.data")
    staff.shot("problems")
    assert "wang.at.example.com" in staff.main()
    assert RosterImport.objects.count() == 0

    staff.go(f"/staff/{world.society.code}/batches/{world.batch.pk}/rosters/")
    page.select_option("select[name=unit]", str(world.unit.pk))
    page.set_input_files("input[name=file]", str(roster))
    page.check("input[name=only_valid]")
    staff.click(page.get_by_role("button", name=t("Check and import")))
    staff.click(page.get_by_role("link", name=t("Compare with the applications")))
    staff.shot("reconciliation")
    text = staff.main()
    assert stranger[1] in page.locator("#listed-not-applied").inner_text()
    assert forgotten.full_name in page.locator("#applied-not-listed").inner_text()
    assert listed.full_name in page.locator("#applied-not-listed").inner_text()  # his row was left out
    assert t("Listed but not applied") in text
