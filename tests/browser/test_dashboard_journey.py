"""The society's staff read the dashboard in Chinese, open one batch's figures, switch to
English and read the same charts and tables there.

Three candidates of the batch: one registered, one not approved by the committee, one rejected
at the initial review; the staff member signs in with their second factor through the real pages.
"""

from __future__ import annotations

import pytest

from tests.browser.journey import Person, t
from tests.conftest import World
from tests.dashboards.builders import three_outcomes

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("chinese_journey"),
]


def test_staff_read_the_dashboard_in_chinese_and_in_english(browser, live_server, shots, world: World):
    three_outcomes(world)
    staff = Person(browser, live_server.url, shots, "staff")
    staff.sign_in(world.staff)
    page = staff.page

    staff.go(f"/staff/{world.society.code}/dashboard/")
    staff.shot("dashboard-zh")
    assert page.locator("h1").inner_text() == t("Dashboard")
    funnel = page.locator("svg#chart-funnel")
    assert funnel.get_attribute("role") == "img"
    assert funnel.locator("title").first.text_content() == t("Stage funnel")
    assert funnel.locator("text", has_text=t("Initial review passed")).count() == 1
    assert funnel.locator("text", has_text="2 · 66.7%").count() == 2  # reviewed, interviewed
    table = page.locator("#table-funnel")
    assert table.locator("tbody tr").nth(1).inner_text().split() == [t("Initial review passed"), "2", "66.7"]
    rates = page.locator("#table-rates tbody tr").nth(1).inner_text().split("\t")
    assert rates == [t("Interview and committee"), "50.0", "2", "1"]

    # The selector opens the batch's own page.
    page.select_option("select#batch", str(world.batch.pk))
    staff.click(page.locator(".dashboard-scope button[type=submit]"))
    assert page.url.endswith(f"/staff/{world.society.code}/batches/{world.batch.pk}/dashboard/")
    assert world.batch.name in staff.main()

    # The language switch: the same charts and tables, in English.
    staff.click(page.locator(".lang-switch button[value=en]"))
    staff.shot("batch-dashboard-en")
    funnel = page.locator("svg#chart-funnel")
    assert funnel.locator("title").first.text_content() == "Stage funnel"
    assert funnel.locator("text", has_text="Certificate issued").count() == 1
    assert funnel.locator("text", has_text="1 · 33.3%").count() == 3
    units = page.locator("#table-units tbody tr")
    assert units.count() == 1
    assert units.first.inner_text().split("\t") == [world.unit.name_en, "3", "100.0"]
    assert page.locator("svg#chart-units text", has_text=world.unit.name_en).count() == 1

    # A narrow screen stacks each chart above its table.
    page.set_viewport_size({"width": 390, "height": 844})
    staff.shot("batch-dashboard-en-phone")
    chart_box = page.locator("svg#chart-funnel").bounding_box()
    table_box = page.locator("#table-funnel").bounding_box()
    assert chart_box["y"] + chart_box["height"] <= table_box["y"]
    staff.close()
