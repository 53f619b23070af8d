"""In a browser: a staff member ticks "select all on this page", passes the initial review of
the files whose checklist is complete, and reads what happened to each."""

from __future__ import annotations

import pytest
from django.test import Client

from engcert.applications.enums import ApplicationState
from engcert.applications.models import Application
from engcert.review.domain import initial_review_checklist_save
from engcert.review.enums import TICKED_ITEMS
from tests.browser.conftest import browser, page  # noqa: F401 -- fixtures
from tests.review.queue_fixtures import queue_file

S = ApplicationState
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page, live_server, user) -> None:  # noqa: F811 -- the page fixture
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url},
            {"name": "django_language", "value": "en", "url": live_server.url},
        ]
    )


def test_staff_select_every_row_of_the_page_and_pass_those_ready(world, page, live_server):  # noqa: F811
    ready = queue_file(world, name="王建国", state=S.SUBMITTED, signed=True)
    initial_review_checklist_save(
        application=ready, by=world.staff, ticked={item.value: True for item in TICKED_ITEMS}, notes=""
    )
    unticked = queue_file(world, name="李娜", state=S.SUBMITTED, signed=True)
    _sign_in(page, live_server, world.staff)

    page.goto(f"{live_server.url}/staff/{world.society.code}/batches/{world.batch.pk}/queue/?stage=review")
    page.check("input[data-select-all]")
    assert page.locator("input[name=selected]:checked").count() == 2
    assert page.locator("[data-selected-count]").inner_text() == "2 selected"
    page.uncheck("input[name=selected] >> nth=1")
    assert page.eval_on_selector("input[data-select-all]", "box => box.indeterminate") is True
    page.check("input[name=selected] >> nth=1")
    assert page.eval_on_selector("input[data-select-all]", "box => box.checked") is True

    page.once("dialog", lambda dialog: dialog.accept())
    page.click("button[value=pass]")
    page.wait_for_selector("#bulk-result")

    rows = page.locator("#bulk-result tbody tr")
    assert rows.count() == 2
    assert rows.nth(0).inner_text().split("\t")[:2] == [ready.number, "王建国"]
    assert "Initial review passed." in rows.nth(0).inner_text()
    assert "The checklist is not complete" in rows.nth(1).inner_text()
    assert Application.objects.get(pk=ready.pk).state == S.REVIEW_PASSED
    assert Application.objects.get(pk=unticked.pk).state == S.SUBMITTED
