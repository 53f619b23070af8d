"""The public notice, clicked through by the people who take part in it.

Staff publish the notice of a batch's approved candidate; a member of the public, not signed
in, reads the notice and objects to the candidate on the notice page; staff read the objection
with the objector's contact and dismiss it, so the candidate returns to the notice; at the end
of the period the scheduled job (its function, called here with the period's end) lets the
candidate pass the notice.

The starting point (an approved candidate) is built by the real functions of the stages before;
every other step goes through the pages, in Chinese, the interface's default.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

import pytest
from django.apps import apps
from django.utils import timezone

from engcert.applications.enums import ApplicationState as S
from engcert.applications.models import Application
from engcert.audit.models import AuditEvent
from engcert.notices.domain.notice import notice_periods_close
from engcert.notices.enums import NoticeStatus, ObjectionStatus
from engcert.notices.models import CalendarDay, Notice, Objection
from tests.browser.journey import Person, t
from tests.conftest import World
from tests.evaluation_helpers import advance, candidate_interviewed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STATEMENT = "据我所知，该候选人申请表所列的海外500千伏变电站项目的技术负责人另有其人，请核实。"
DISMISSAL = "经向申报单位和项目业主核实，申请人为该项目电气专业技术负责人，异议不属实。"


@pytest.fixture(autouse=True)
def _chinese(chinese_journey: None) -> None:
    """The shared clean Chinese start (tests/browser/conftest.py)."""


def test_staff_publish_the_public_objects_staff_dismiss_and_the_candidate_passes_at_the_period_end(
    browser: Any, live_server: Any, shots: Any, world: World
) -> None:
    if not CalendarDay.objects.exists():
        import_module("engcert.notices.migrations.0002_load_public_holidays_2025_2027").load(apps, None)
    candidate = advance(world, candidate_interviewed(world, index=1), to=S.APPROVED)
    base = live_server.url

    # Staff publish the notice from today, with the society's five working days.
    staff = Person(browser, base, shots, "staff")
    staff.sign_in(world.staff, second_factor=True)
    staff.go(f"/staff/{world.society.code}/notices/")
    staff.shot("notices")
    staff.follow(t("Publish a notice"))
    assert staff.page.locator("input[name=candidates]").is_checked()
    staff.shot("publish")
    staff.click(staff.page.get_by_role("button", name=t("Publish the notice")))
    notice = Notice.objects.get()
    assert f"/staff/{world.society.code}/notices/{notice.uid}/" in staff.page.url
    assert notice.last_day.isoformat() in staff.messages()
    staff.shot("published")
    candidate.refresh_from_db()
    assert candidate.state == S.PUBLIC_NOTICE

    # A member of the public reads the notice and objects.
    public = Person(browser, base, shots, "public")
    public.go("/notices/")
    public.follow(world.batch.display_name)
    main = public.main()
    assert candidate.full_name in main and candidate.phone not in main and candidate.email not in main
    public.shot("notice")
    public.click(public.page.locator("#notice-table a").first)
    public.page.fill("input[name=name]", "张明")
    public.page.fill("input[name=email]", "zhang.ming@example.org")
    public.page.fill("textarea[name=statement]", STATEMENT)
    public.shot("object")
    public.page.wait_for_timeout(3200)  # a person takes longer than the form's minimum
    public.click(public.page.get_by_role("button", name=t("Send the objection")))
    objection = Objection.objects.get()
    assert objection.reference in public.main()
    public.shot("received")
    candidate.refresh_from_db()
    assert candidate.state == S.OBJECTION

    # Staff read the objection and dismiss it: the candidate returns to the running notice.
    staff.go(f"/staff/{world.society.code}/notices/{notice.uid}/")
    staff.follow(objection.reference)
    assert "zhang.ming@example.org" in staff.main() and STATEMENT in staff.main()
    staff.page.fill("textarea[name=investigation_notes]", "已电话联系申报单位人事处与项目业主。")
    staff.click(staff.page.get_by_role("button", name=t("Save the notes")))
    staff.page.get_by_label(t("Dismiss: the candidate continues")).check()
    staff.page.fill("textarea[name=note]", DISMISSAL)
    staff.shot("objection")
    staff.click(staff.page.get_by_role("button", name=t("Record the outcome")))
    objection.refresh_from_db()
    assert (objection.status, objection.decision_note) == (ObjectionStatus.DISMISSED, DISMISSAL)
    candidate.refresh_from_db()
    assert candidate.state == S.PUBLIC_NOTICE
    staff.shot("dismissed")

    # At the period's end the scheduled job lets the candidate pass and closes the notice.
    notice.refresh_from_db()
    assert timezone.now() < notice.ends_at
    notice_periods_close(now=notice.ends_at)
    candidate = Application.objects.get(pk=candidate.pk)
    notice.refresh_from_db()
    assert (candidate.state, notice.status) == (S.NOTICE_PASSED, NoticeStatus.CLOSED)
    moves = [
        (event.from_state, event.to_state, event.actor.email if event.actor else "")
        for event in AuditEvent.objects.filter(
            action="application.transition", application=candidate
        ).order_by("position")
    ][-4:]
    assert moves == [
        (S.APPROVED, S.PUBLIC_NOTICE, world.staff.email),
        (S.PUBLIC_NOTICE, S.OBJECTION, ""),
        (S.OBJECTION, S.PUBLIC_NOTICE, world.staff.email),
        (S.PUBLIC_NOTICE, S.NOTICE_PASSED, ""),
    ]
    staff.close()
    public.close()
