"""The committee's deliberation clicked through by the people who do it.

Staff create a meeting of three committee members with a chair, put an interviewed candidate on
its agenda and record who is present; a member reads the panel's assessment and votes; the chair
votes and records the decision approving the candidate at the grade applied for; staff see the
candidate "Approved". Only the starting data (the interviewed candidate, the committee members)
is built directly; every step goes through the pages, in Chinese, the interface's default.
"""

from __future__ import annotations

from typing import Any

import pytest

from engcert.accounts.models import User
from engcert.applications.enums import ApplicationState
from engcert.applications.models import Application
from engcert.audit.models import AuditEvent
from engcert.committee.enums import Outcome
from engcert.committee.models import AgendaItem, Meeting, Vote
from tests.browser.journey import LANGUAGE, Person, label, t
from tests.committee.helpers import committee_members
from tests.conftest import World
from tests.evaluation_helpers import candidate_interviewed

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("chinese_journey"),
]

S = ApplicationState
TITLE = "第四批电气工程类工程会员综合审议会议"
PLACE = "北京市西城区白广路二条1号 学会三层会议室"
RATIONALE = "委员会审阅考官组合议评定与申请材料，认为申请人五项能力均已体现，同意按申请级别通过。"


@pytest.fixture
def starting_point(world: World) -> dict[str, Any]:
    """An interviewed candidate whose panel's assessment meets the criteria, and three
    committee members of the society (the world's own one will chair)."""
    application = candidate_interviewed(world, index=1)
    members = committee_members(world, 3)
    User.objects.update(language=LANGUAGE)  # signing in sets the interface language from it
    return {"application": application, "members": members}


def test_staff_hold_a_meeting_a_member_votes_and_the_chair_approves_the_candidate(
    browser, live_server, shots, world, starting_point
):
    application: Application = starting_point["application"]
    chair, member, third = starting_point["members"]
    society = world.society.code
    base = live_server.url

    # 1. Staff create the meeting: title, batch, time, place, the three members and the chair.
    staff = Person(browser, base, shots, "staff")
    staff.sign_in(world.staff)
    staff.go(f"/staff/{society}/committee/")
    assert (
        t(
            "No committee meeting yet. Create one, invite the members and put the interviewed candidates on its agenda."
        )
        in staff.main()
    )
    staff.follow(t("New meeting"))
    page = staff.page
    page.fill("input[name=title]", TITLE)
    page.select_option("select[name=batch]", str(world.batch.pk))
    page.fill("input[name=starts_at]", "2026-12-10T09:30")
    page.fill("input[name=place]", PLACE)
    for person in (chair, member, third):
        page.check(f"input[name=members][value='{person.pk}']")
    page.select_option("select[name=chair]", str(chair.pk))
    staff.shot("meeting-form")
    staff.click(page.locator("main form button[type=submit]"))
    meeting = Meeting.objects.get(title=TITLE)
    assert page.url == f"{base}/staff/{society}/committee/{meeting.pk}/"
    assert page.locator("h1").inner_text() == TITLE

    # 2. Staff put the interviewed candidate on the agenda: they go to the committee.
    staff.click(page.locator("main").get_by_role("link", name=t("Add candidates")).first)
    page.check(f"input[name=candidates][value='{application.pk}']")
    staff.shot("agenda-add")
    staff.click(page.locator("main form button[type=submit]"))
    rows = page.locator("#agenda-table tbody tr")
    assert rows.count() == 1
    assert application.full_name in rows.first.inner_text()
    application.refresh_from_db()
    assert application.state == S.DELIBERATION

    # 3. The meeting begins: staff record that all three are present.
    for person in (chair, member, third):
        assert page.locator(f"#attendance input[name=present][value='{person.pk}']").is_checked() is False
        page.check(f"#attendance input[name=present][value='{person.pk}']")
    staff.click(page.locator("#attendance button[type=submit]"))
    assert staff.messages() == t("Attendance is recorded.")
    staff.shot("meeting")

    # 4. A member finds the meeting under their own menu, reads the assessment and votes.
    voter = Person(browser, base, shots, "member")
    voter.sign_in(member)
    voter.click(voter.page.locator("header nav").get_by_role("link", name=t("Committee")))
    assert voter.page.url == f"{base}/committee/"
    voter.follow(TITLE)
    voter.follow(application.full_name)
    assert t("The panel's agreed assessment") in voter.main()
    assert application.id_number not in voter.main()
    voter.page.check("input[name=choice][value=approve]")
    voter.shot("vote")
    voter.click(voter.page.get_by_role("button", name=t("Cast my vote")))
    assert voter.messages() == t("Your vote is recorded; you may change it until the committee decides.")
    voter.close()

    # 5. The chair votes too and records the decision approving at the grade applied for.
    head = Person(browser, base, shots, "chair")
    head.sign_in(chair)
    head.go(f"/committee/{meeting.pk}/")
    head.follow(application.full_name)
    head.page.check("input[name=choice][value=approve]")
    head.click(head.page.get_by_role("button", name=t("Cast my vote")))
    decide = head.page.locator("#decide")
    assert t("The vote approves (%(needed)s approve votes needed).") % {"needed": 2} in decide.inner_text()
    decide.locator("input[name=outcome][value=approve]").check()
    assert decide.locator("select[name=grade]").input_value() == str(application.grade_id)
    decide.locator("textarea[name=rationale]").fill(RATIONALE)
    head.shot("decide")
    head.click(decide.get_by_role("button", name=t("Record the decision")))
    assert head.messages() == t("The committee's decision is recorded.")
    assert RATIONALE in head.page.locator("#decision").inner_text()
    head.close()

    # 6. Staff see the candidate approved, on the agenda and on the file.
    staff.page.reload()
    decision = staff.page.locator("#agenda-table tbody tr").first.locator("td.decision-cell")
    grade = label(application.grade.display_name)
    assert decision.inner_text().strip() == t("Approved · %(grade)s") % {"grade": grade}
    staff.click(staff.page.locator("#agenda-table").get_by_role("link", name=application.full_name))
    assert label(S.APPROVED.label) in staff.page.locator(".page-head").inner_text()
    staff.shot("approved")
    staff.close()

    application.refresh_from_db()
    assert (application.state, application.awarded_grade_id) == (S.APPROVED, application.grade_id)
    item = AgendaItem.objects.get(meeting=meeting, application=application)
    assert (item.outcome, item.approve_count, item.voting_count, item.decided_by) == (
        Outcome.APPROVED,
        2,
        3,
        chair,
    )
    assert sorted(Vote.objects.filter(item=item).values_list("member__user__email", "choice")) == sorted(
        [(chair.email, "approve"), (member.email, "approve")]
    )
    transitions = list(
        AuditEvent.objects.filter(application=application, action="application.transition")
        .order_by("position")
        .values_list("to_state", "actor__email")
    )
    assert transitions[-2:] == [(S.DELIBERATION, world.staff.email), (S.APPROVED, chair.email)]
