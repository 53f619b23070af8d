"""A candidate the committee did not approve appeals; a panel of three who took no part in the
decision reviews it; staff send the file back to interview; the candidate reads so in plain words.

The candidate signs in, appeals from their application page with a statement and a PDF; staff
choose the panel (the examiners and committee members of the decision are listed as excluded,
with the reason); each panel member signs in and records their view; staff record the outcome;
the candidate's page says the application goes back to the interview stage.
"""

from __future__ import annotations

import pytest

from engcert.accounts.models import User
from engcert.appeals.enums import SEND_BACK_PLAIN, AppealStatus, SendBackStage
from engcert.appeals.models import Appeal
from engcert.applications.enums import ApplicationState as S
from engcert.demo.builders import TINY_PDF
from tests.appeals.helpers import STATEMENT, panel_people, refused_by_committee
from tests.browser.journey import LANGUAGE, Person, label, t
from tests.conftest import World

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("chinese_journey"),
]

PDF = TINY_PDF  # a PDF the upload checks can read whole


def test_a_refused_candidate_appeals_the_panel_reviews_and_staff_send_them_back_to_interview(
    browser, live_server, shots, world: World, tmp_path
):
    refusal = refused_by_committee(world)
    application = refusal.application
    candidate = application.applicant
    members = panel_people(world, 3)
    User.objects.update(language=LANGUAGE)
    evidence = tmp_path / "面试补充说明.pdf"
    evidence.write_bytes(PDF)

    person = Person(browser, live_server.url, shots, "candidate")
    person.sign_in(candidate, second_factor=False)
    person.go(f"/applications/{application.uid}/")
    person.shot("refused")
    person.click(person.page.get_by_role("link", name=t("Appeal this decision")))
    person.page.fill("textarea[name=statement]", STATEMENT)
    person.page.set_input_files("input[name=evidence]", str(evidence))
    person.shot("appeal-form")
    person.click(person.page.get_by_role("button", name=t("Lodge the appeal")))
    assert t("Appeal received") in person.main()
    appeal = Appeal.objects.get()
    assert appeal.application.state == S.UNDER_APPEAL

    staff = Person(browser, live_server.url, shots, "staff")
    staff.sign_in(world.staff)
    staff.go(f"/staff/{world.society.code}/appeals/")
    staff.follow(application.full_name)
    excluded = staff.page.locator(f"#member-{world.examiner.pk}")
    assert excluded.is_disabled()
    assert t("Was on the candidate's interview panel") in staff.main()
    assert t("Voted on the candidate in committee") in staff.main()
    for member in members:
        staff.page.check(f"#member-{member.pk}")
    staff.shot("panel-choice")
    staff.click(staff.page.get_by_role("button", name=t("Assign the panel")))
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.UNDER_REVIEW

    for position, member in enumerate(members):
        reviewer = Person(browser, live_server.url, shots, f"panel{position + 1}")
        reviewer.sign_in(member)
        reviewer.go("/appeals/panel/")
        reviewer.follow(application.full_name)
        assert STATEMENT in reviewer.main()
        assert "委员会认为第一项能力仅部分体现" in reviewer.main()
        reviewer.page.check("input[name=view][value=send_back]")
        reviewer.page.check(f"input[name=send_back_to][value={S.REVIEW_PASSED.value}]")
        reviewer.page.fill("textarea[name=comment]", "面试对第一项能力的提问不完整，应另组考官重新面试。")
        if position == 0:
            reviewer.shot("view")
        reviewer.click(reviewer.page.get_by_role("button", name=t("Record my view")))
        assert appeal.panel.get(user=member).view == "send_back"
        reviewer.close()

    staff.go(f"/staff/{world.society.code}/appeals/{appeal.pk}/")
    staff.page.check("input[name=view][value=send_back]")
    staff.page.check(f"input[name=send_back_to][value={S.REVIEW_PASSED.value}]")
    staff.page.fill("textarea[name=comment]", "评议组一致认为应重新面试。")
    staff.shot("outcome")
    staff.click(staff.page.get_by_role("button", name=t("Record the outcome and tell the candidate")))
    appeal.refresh_from_db()
    assert (appeal.status, appeal.application.state) == (AppealStatus.SENT_BACK, S.REVIEW_PASSED)

    person.go(f"/applications/{application.uid}/")
    person.shot("back-to-interview")
    text = person.main()
    assert label(SendBackStage.INTERVIEW.label) in text
    assert label(SEND_BACK_PLAIN[SendBackStage.INTERVIEW]) in text
