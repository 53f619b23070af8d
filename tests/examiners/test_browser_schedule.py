"""Browser journey: staff schedule a batch's interviews automatically, confirm the proposal,
take an examiner off a panel and fill the open seat from the pool; the candidate reads the time
and place on their application page. Once in Chinese and once in English."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone, translation

from engcert.applications.enums import ApplicationState
from engcert.applications.models import Application
from engcert.examiners.enums import ScheduleRunStatus
from engcert.examiners.models import Interview, PanelSeat, ScheduleRun
from tests.browser.conftest import browser  # noqa: F401 -- the run's shared Chromium
from tests.examiners.helpers import candidate_passed, examiner_add, monday_in, room_add

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def session_for(user: Any) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


class Visitor:
    def __init__(self, chromium: Any, base: str, user: Any, language: str, width: int = 1280) -> None:
        host = base.split("//")[1].split(":")[0]
        self.context = chromium.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
        self.context.set_default_timeout(45000)  # the proposal is solved while the page waits
        self.context.add_cookies(
            [
                {"name": "django_language", "value": language, "domain": host, "path": "/"},
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": session_for(user),
                    "domain": host,
                    "path": "/",
                },
            ]
        )
        self.page = self.context.new_page()
        self.page.on("dialog", lambda dialog: dialog.accept())
        self.base = base

    def go(self, path: str) -> None:
        self.page.goto(self.base + path)

    def main(self) -> str:
        return str(self.page.locator("main").inner_text())

    def submit(self, locator: Any) -> None:
        """Click and wait for the page the server answers with (not the one already shown)."""
        with self.page.expect_navigation():
            locator.click()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_staff_schedule_confirm_and_mend_a_panel_and_the_candidate_reads_the_slot(
    world,
    live_server,
    language,
    browser,  # noqa: F811 -- the fixture
):
    day = monday_in(2)
    days = [day, day + timedelta(days=1)]
    for i, fields in enumerate([("01",), ("01", "07"), ("07",), ("08",), ("01",)]):
        examiner_add(world, f"pool{i}@example.com", f"考官{i}", fields=fields, days=days)
    candidates = [
        candidate_passed(world, i, field=f) for i, f in enumerate(["01", "01", "07", "01"], start=1)
    ]
    room_add(world.society)
    room_add(world.society, "线上会议", online=True)
    with translation.override(language):
        words = {
            "schedule": translation.gettext("Schedule automatically"),
            "propose": translation.gettext("Propose a schedule"),
            "confirm": translation.gettext("Confirm and tell the candidates"),
            "remove": translation.gettext("Remove"),
            "fill": translation.gettext("Fill the open seats automatically"),
        }
    staff = Visitor(browser, live_server.url, world.staff, language)
    staff.go(f"/staff/csee/batches/{world.batch.pk}/panels/")
    staff.submit(staff.page.get_by_role("link", name=words["schedule"]))
    staff.page.fill("input[name=first_day]", day.isoformat())
    staff.page.fill("input[name=last_day]", days[1].isoformat())
    staff.submit(staff.page.get_by_role("button", name=words["propose"]))
    text = staff.main()
    for application in candidates:
        assert application.number in text
    staff.submit(staff.page.get_by_role("button", name=words["confirm"]))
    assert ScheduleRun.objects.get().status == ScheduleRunStatus.CONFIRMED
    assert set(Application.objects.values_list("state", flat=True)) == {ApplicationState.INTERVIEW_SCHEDULED}

    # Take the second examiner off the first candidate's panel, with a reason.
    first = candidates[0]
    seat = PanelSeat.objects.filter(panel__application=first, is_chair=False).get()
    staff.go(f"/staff/csee/batches/{world.batch.pk}/panels/{first.uid}/")
    staff.submit(staff.page.locator(f"a[href$='/seats/{seat.pk}/remove/']"))
    staff.page.fill("input[name=reason]", "临时出差")
    staff.submit(staff.page.locator("main form button[type=submit]"))
    seat.refresh_from_db()
    assert (seat.status, seat.removed_reason) == ("removed", "临时出差")
    staff.go(f"/staff/csee/batches/{world.batch.pk}/panels/")
    staff.submit(staff.page.get_by_role("button", name=words["fill"]).first)
    live = PanelSeat.objects.filter(panel__application=first, status__in=["assigned", "confirmed"])
    assert live.count() == 2
    assert seat.examiner_id not in set(live.values_list("examiner_id", flat=True))

    # The candidate reads the time and place, not the examiners.
    interview = Interview.objects.get(application=first, status="scheduled")
    candidate = Visitor(browser, live_server.url, first.applicant, language, width=390)
    candidate.go(f"/applications/{first.uid}/")
    text = candidate.main()
    starts = timezone.localtime(interview.starts_at)
    assert starts.strftime("%Y-%m-%d") in text and starts.strftime("%H:%M") in text
    assert interview.room.name in text
    for person in PanelSeat.objects.filter(panel__application=first).values_list(
        "examiner__user__full_name", flat=True
    ):
        assert person not in text
    staff.context.close()
    candidate.context.close()
