"""A referee opens the emailed link, confirms one claim and disputes another with a comment; the
society's staff open the initial review and see the dispute with the comment."""

from __future__ import annotations

import pytest

from engcert.applications.domain.application import application_submit
from engcert.applications.models import Application
from engcert.referees.models import RefereeClaim
from tests.browser.journey import Person, t
from tests.conftest import World
from tests.referees.conftest import REFEREE_A, link_for, name_referees

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("chinese_journey"),
]

COMMENT = "他在该岗位任项目副经理，技术负责人另有其人。"


def test_a_referee_confirms_and_disputes_and_staff_see_the_dispute(
    browser, live_server, shots, world: World, complete_draft: Application
) -> None:
    name_referees(complete_draft)
    application_submit(application=complete_draft, by=world.applicant)
    sent = link_for(REFEREE_A["referee_email"])
    project, work = RefereeClaim.objects.filter(request__uid=sent.uid).order_by("pk")

    referee = Person(browser, live_server.url, shots, "referee")
    referee.go(sent.path)
    referee.shot("referee-page")
    page = referee.page
    assert complete_draft.projects.get().name in referee.main()
    page.check(f"input[name=verdict_{project.pk}][value=confirmed]")
    page.check(f"input[name=verdict_{work.pk}][value=disputed]")
    page.fill(f"textarea[name=comment_{work.pk}]", COMMENT)
    referee.click(page.get_by_role("button", name=t("Send my answer")))
    referee.shot("referee-answered")
    assert t("Thank you: your answer has been recorded.") in referee.main()

    staff = Person(browser, live_server.url, shots, "staff")
    staff.sign_in(world.staff)
    staff.go(f"/staff/{world.society.code}/applications/{complete_draft.uid}/review/#referees")
    staff.shot("review-referees")
    disputed = staff.page.locator("#referees tr.is-disputed")
    assert disputed.count() == 1
    assert COMMENT in disputed.inner_text()
    assert t("Disputed") in disputed.inner_text()
    referee.context.close()
    staff.context.close()
