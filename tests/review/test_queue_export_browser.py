"""In a browser: a staff member exports every filtered application of the queue, follows the
export on its progress page and downloads the file; a running export shows its bar."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from engcert.applications.enums import ApplicationState
from engcert.review.enums import QueueExportStatus
from engcert.review.models import QueueExport
from tests.browser.conftest import browser, page, shots  # noqa: F401 -- fixtures
from tests.review.queue_fixtures import queue_file

S = ApplicationState
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page, live_server, user, language: str) -> None:  # noqa: F811 -- the page fixture
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url},
            {"name": "django_language", "value": language, "url": live_server.url},
        ]
    )


def _shoot(page, folder: Path, name: str) -> None:  # noqa: F811
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(folder / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_staff_export_all_filtered_follow_the_progress_and_download(
    world,
    page,  # noqa: F811
    live_server,
    shots,  # noqa: F811
    language,
):
    for name in ("王建国", "李娜", "张伟"):
        queue_file(world, name=name, state=S.SUBMITTED)
    queue_file(world, name="赵敏", state=S.INTERVIEWED)
    _sign_in(page, live_server, world.staff, language)

    page.goto(f"{live_server.url}/staff/{world.society.code}/batches/{world.batch.pk}/queue/?stage=review")
    page.click("button[value=export_all]")
    page.wait_for_selector("a[href$='/download/']")
    job = QueueExport.objects.get()
    assert page.url.endswith(f"/queue/exports/{job.pk}/")
    assert (job.status, job.done, job.total) == (QueueExportStatus.DONE, 3, 3)
    assert job.filters == "stage=review"
    _shoot(page, shots, f"done-{language}")

    with page.expect_download() as download:
        page.click("a[href$='/download/']")
    assert download.value.suggested_filename.startswith(f"{world.batch.code}-")

    running = QueueExport.objects.create(
        society=world.society,
        batch=world.batch,
        started_by=world.staff,
        status=QueueExportStatus.RUNNING,
        done=20500,
        total=50000,
        heartbeat_at=timezone.now(),
    )
    page.goto(
        f"{live_server.url}/staff/{world.society.code}/batches/{world.batch.pk}/queue/exports/{running.pk}/"
    )
    assert page.locator("[data-done]").inner_text() == "20500"
    assert page.locator("[data-bar]").get_attribute("class") == "pct-41"
    _shoot(page, shots, f"running-{language}")
