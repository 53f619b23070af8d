"""The committee's pages: staff run meetings, members recuse and vote, the chair decides;
nobody else reaches them; lists cost the same queries for one item or three."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from engcert.applications.enums import ApplicationState as S
from engcert.committee.domain import recusal_record
from engcert.committee.enums import MeetingStatus, Outcome
from engcert.committee.enums import VoteChoice as V
from engcert.committee.models import AgendaItem, CommitteePolicy, Meeting, Recusal, Vote
from engcert.demo import builders
from engcert.organisations.enums import Role
from tests.committee.helpers import (
    RATIONALE,
    application_of,
    committee_members,
    meeting_of,
    on_agenda,
    present,
    votes,
)
from tests.conftest import PASSWORD, enrol_totp
from tests.evaluation_helpers import candidate_interviewed

pytestmark = pytest.mark.django_db


@pytest.fixture
def three(world):
    return committee_members(world, 3)


@pytest.fixture
def meeting(world, three):
    return meeting_of(world, three)


def staff_url(world, suffix: str = "") -> str:
    return f"/staff/{world.society.code}/committee/{suffix}"


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def errors_beside(html: str, field: str) -> list[str]:
    """The errors shown right under the field (Django's id_<field>_error list)."""
    match = re.search(rf'<ul class="errorlist" id="id_{field}_error">(.*?)</ul>', html, re.S)
    return re.findall(r"<li>(.*?)</li>", match.group(1)) if match else []


@pytest.fixture
def other_committee_member(world):
    other = builders.society_create(code="other", name="中国水利学会", name_en="CHES", short_name="CHES")
    user = builders.user_create(
        email="other-committee@example.com",
        password=PASSWORD,
        full_name="外学会委员",
        role=Role.COMMITTEE,
        organisation=other,
    )
    enrol_totp(user)
    return user


# --- Permissions ---------------------------------------------------------------------------


def test_outsiders_applicants_examiners_and_committee_members_cannot_reach_the_staff_pages(
    world, meeting, other_society_staff
):
    item = on_agenda(world, meeting, index=1)
    urls = [
        staff_url(world),
        staff_url(world, "policy/"),
        staff_url(world, "new/"),
        staff_url(world, f"{meeting.pk}/"),
        staff_url(world, f"{meeting.pk}/edit/"),
        staff_url(world, f"{meeting.pk}/agenda/"),
        staff_url(world, f"{meeting.pk}/items/{item.pk}/"),
        staff_url(world, f"{meeting.pk}/minutes.pdf"),
        staff_url(world, f"{meeting.pk}/minutes.xlsx"),
    ]
    people = [
        world.outsider,
        world.applicant,
        application_of(item).applicant,
        world.examiner,
        world.committee,
    ]
    for person in [*people, other_society_staff]:
        client = world.client_for(person)
        assert [client.get(url).status_code for url in urls] == [404] * len(urls), person
    for url in [f"{meeting.pk}/attendance/", f"{meeting.pk}/close/", f"{meeting.pk}/items/{item.pk}/remove/"]:
        assert world.client_for(world.committee).post(staff_url(world, url)).status_code == 404
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.PLANNED


def test_anonymous_visitors_are_sent_to_sign_in(client, world, meeting):
    response = client.get(staff_url(world, f"{meeting.pk}/"))
    assert (response.status_code, response.url.split("?")[0]) == (302, "/accounts/login/")


def test_only_the_meetings_members_reach_its_member_pages(world, three, meeting, other_committee_member):
    item = on_agenda(world, meeting, index=1)
    uninvited = committee_members(world, 4)[3]
    urls = [
        f"/committee/{meeting.pk}/",
        f"/committee/{meeting.pk}/items/{item.pk}/",
        f"/committee/{meeting.pk}/minutes.pdf",
    ]
    people = [
        world.outsider,
        application_of(item).applicant,
        world.examiner,
        world.staff,
        uninvited,
        other_committee_member,
    ]
    for person in people:
        client = world.client_for(person)
        assert [client.get(url).status_code for url in urls[:2]] == [404, 404], person
    member = world.client_for(three[1])
    assert [member.get(url).status_code for url in urls[:2]] == [200, 200]


def test_a_member_who_loses_the_committee_role_no_longer_reaches_the_meeting(world, three, meeting):
    three[1].memberships.filter(role=Role.COMMITTEE).update(is_active=False)

    assert world.client_for(three[1]).get(f"/committee/{meeting.pk}/").status_code == 404
    assert text_of(world.client_for(three[1]).get("/committee/")).count(meeting.title) == 0


# --- Staff pages ---------------------------------------------------------------------------


def test_staff_create_a_meeting_with_members_and_a_chair(world, three):
    response = world.client_for(world.staff).post(
        staff_url(world, "new/"),
        {
            "title": "第四批工程会员综合审议会议",
            "batch": world.batch.pk,
            "starts_at": "2026-12-10T09:30",
            "place": "北京市西城区白广路二条1号",
            "members": [user.pk for user in three],
            "chair": three[0].pk,
        },
    )

    meeting = Meeting.objects.get(title="第四批工程会员综合审议会议")
    assert response.url == staff_url(world, f"{meeting.pk}/")
    assert (meeting.chair, meeting.status, meeting.created_by) == (
        three[0],
        MeetingStatus.PLANNED,
        world.staff,
    )
    assert sorted(meeting.members.values_list("user__email", flat=True)) == sorted(u.email for u in three)


def test_a_chair_who_is_not_a_member_is_refused_beside_the_field_and_the_form_keeps_what_was_typed(
    world, three
):
    response = world.client_for(world.staff).post(
        staff_url(world, "new/"),
        {
            "title": "第四批工程会员综合审议会议",
            "batch": world.batch.pk,
            "starts_at": "2026-12-10T09:30",
            "place": "学会二层会议室",
            "members": [three[1].pk, three[2].pk],
            "chair": three[0].pk,
        },
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert errors_beside(html, "chair") == ["The chair must be one of the meeting&#x27;s members."]
    assert 'value="学会二层会议室"' in html
    assert Meeting.objects.count() == 0


def test_a_staff_member_cannot_invite_someone_without_the_committee_role(world, three):
    response = world.client_for(world.staff).post(
        staff_url(world, "new/"),
        {
            "title": "会议",
            "batch": world.batch.pk,
            "starts_at": "2026-12-10T09:30",
            "place": "会议室",
            "members": [three[0].pk, world.examiner.pk],
        },
    )

    assert errors_beside(response.content.decode(), "members") == [
        f"Select a valid choice. {world.examiner.pk} is not one of the available choices."
    ]


def test_staff_edit_the_committee_policy_and_a_wrong_fraction_is_refused(world):
    client = world.client_for(world.staff)
    bad = client.post(
        staff_url(world, "policy/"),
        {"quorum_numerator": 4, "quorum_denominator": 3, "majority_numerator": 1, "majority_denominator": 2},
    )
    assert errors_beside(bad.content.decode(), "quorum_numerator") == [
        "The quorum cannot be more than all the members."
    ]
    assert CommitteePolicy.objects.count() == 0

    client.post(
        staff_url(world, "policy/"),
        {"quorum_numerator": 3, "quorum_denominator": 4, "majority_numerator": 1, "majority_denominator": 2},
    )
    policy = CommitteePolicy.objects.get(society=world.society)
    assert (policy.quorum_numerator, policy.quorum_denominator, policy.majority_strict) == (3, 4, False)
    assert "Quorum: 3/4 of the meeting" in text_of(client.get(staff_url(world)))


def test_staff_add_candidates_from_the_list_of_the_batchs_waiting_candidates(world, meeting, complete_draft):
    first = candidate_interviewed(world, index=1)
    second = candidate_interviewed(world, index=2, meets=False)
    client = world.client_for(world.staff)

    page = text_of(client.get(staff_url(world, f"{meeting.pk}/agenda/")))
    assert re.findall(r'name="candidates" value="(\d+)"', page) == [str(first.pk), str(second.pk)]
    assert page.count("Yes, meets the criteria") == 1
    assert page.count("No, does not meet the criteria") == 1

    response = client.post(staff_url(world, f"{meeting.pk}/agenda/"), {"candidates": [first.pk, second.pk]})
    assert response.url == staff_url(world, f"{meeting.pk}/")
    assert list(meeting.items.order_by("position").values_list("application_id", flat=True)) == [
        first.pk,
        second.pk,
    ]
    first.refresh_from_db()
    assert first.state == S.DELIBERATION
    assert "No candidate of this batch is waiting" in text_of(
        client.get(staff_url(world, f"{meeting.pk}/agenda/"))
    )


def test_the_meeting_page_shows_the_agenda_in_plain_words(world, three, meeting):
    item = on_agenda(world, meeting, index=1, meets=False)
    present(world, meeting, three)
    votes(item, {three[0]: V.APPROVE, three[1]: V.NOT_APPROVE})

    html = text_of(world.client_for(world.staff).get(staff_url(world, f"{meeting.pk}/")))

    assert "候选人1" in html
    assert "No, does not meet the criteria" in html
    assert "1 approve · 1 not · 0 abstain" in html
    assert "of 3 present and not recused" in html
    assert '<span class="status status-decision-pending">Not decided yet</span>' in html
    assert "3 of 3 members present." in html


def test_staff_record_attendance_and_the_meeting_begins(world, three, meeting):
    client = world.client_for(world.staff)

    client.post(staff_url(world, f"{meeting.pk}/attendance/"), {"present": [three[0].pk, three[2].pk]})

    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.IN_PROGRESS
    assert sorted(meeting.members.filter(present=True).values_list("user_id", flat=True)) == sorted(
        [three[0].pk, three[2].pk]
    )


def test_staff_close_the_meeting(world, meeting):
    on_agenda(world, meeting, index=1)
    world.client_for(world.staff).post(staff_url(world, f"{meeting.pk}/close/"))

    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CLOSED
    assert list(meeting.items.values_list("outcome", flat=True)) == [Outcome.DEFERRED]


# --- Members and the chair -------------------------------------------------------------------


def test_a_member_reads_the_assessment_but_never_the_identity_number(world, three, meeting):
    item = on_agenda(world, meeting, index=1)
    application = application_of(item)

    html = text_of(world.client_for(three[1]).get(f"/committee/{meeting.pk}/items/{item.pk}/"))

    assert "The panel's agreed assessment" in html
    assert "Meets the qualification criteria" in html
    assert application.id_number
    assert application.id_number not in html
    assert application.id_number[-4:] not in html


def test_a_member_lists_their_meetings(world, three, meeting):
    other = meeting_of(world, [three[1], three[2]], title="另一次会议")

    html = text_of(world.client_for(three[0]).get("/committee/"))

    assert meeting.title in html
    assert other.title not in html


def test_a_member_votes_and_changes_the_vote_on_the_page(world, three, meeting):
    item = on_agenda(world, meeting, index=1)
    present(world, meeting, three)
    client = world.client_for(three[1])
    url = f"/committee/{meeting.pk}/items/{item.pk}/"

    client.post(url, {"action": "vote", "choice": "not_approve"})
    client.post(url, {"action": "vote", "choice": "approve"})

    assert list(Vote.objects.filter(item=item).values_list("member__user", "choice")) == [
        (three[1].pk, "approve")
    ]
    assert "Your vote now: Approve" in text_of(client.get(url))


def test_a_member_recuses_with_a_reason_and_then_cannot_vote(world, three, meeting):
    item = on_agenda(world, meeting, index=1)
    present(world, meeting, three)
    client = world.client_for(three[1])
    url = f"/committee/{meeting.pk}/items/{item.pk}/"

    empty = client.post(url, {"action": "recuse", "reason": ""})
    assert errors_beside(empty.content.decode(), "reason") == ["Please give the reason for the recusal."]
    client.post(url, {"action": "recuse", "reason": "申请人是本人原单位同事。"})
    refused = client.post(url, {"action": "vote", "choice": "approve"})

    assert list(Recusal.objects.values_list("member__user", "reason")) == [
        (three[1].pk, "申请人是本人原单位同事。")
    ]
    assert "You recused yourself on this candidate: 申请人是本人原单位同事。" in text_of(refused)
    assert 'name="choice"' not in refused.content.decode()
    assert Vote.objects.count() == 0


def test_an_absent_member_is_told_why_they_cannot_vote(world, three, meeting):
    item = on_agenda(world, meeting, index=1)
    present(world, meeting, three[:2])
    client = world.client_for(three[2])

    html = text_of(
        client.post(f"/committee/{meeting.pk}/items/{item.pk}/", {"action": "vote", "choice": "approve"})
    )

    assert "You are recorded as absent from this meeting, so you cannot vote." in html
    assert Vote.objects.count() == 0


def test_the_chair_records_a_decision_against_the_criteria_only_with_a_reason_and_nothing_typed_is_lost(
    world, three, meeting
):
    item = on_agenda(world, meeting, index=1, meets=False)
    present(world, meeting, three)
    votes(item, {three[0]: V.APPROVE, three[1]: V.APPROVE, three[2]: V.APPROVE})
    client = world.client_for(three[0])
    url = f"/committee/{meeting.pk}/items/{item.pk}/"
    grade = application_of(item).grade
    form = {"action": "decide", "outcome": "approve", "grade": grade.pk, "rationale": RATIONALE}

    refused = client.post(url, form).content.decode()
    assert errors_beside(refused, "departure_reason") == [
        "This decision departs from the qualification criteria: say why the committee decides otherwise."
    ]
    assert RATIONALE in refused
    assert application_of(item).state == S.DELIBERATION

    client.post(url, {**form, "departure_reason": "补充材料证明第一项能力已达到要求。"})
    decided = AgendaItem.objects.get(pk=item.pk)
    assert (decided.outcome, decided.departs_from_criteria) == (Outcome.APPROVED, True)
    assert application_of(item).state == S.APPROVED
    assert "departs from the criteria" in text_of(
        world.client_for(world.staff).get(staff_url(world, f"{meeting.pk}/"))
    )


def test_a_member_who_is_not_the_chair_sees_no_decision_form(world, three, meeting):
    item = on_agenda(world, meeting, index=1)
    present(world, meeting, three)
    votes(item, {three[0]: V.APPROVE, three[1]: V.APPROVE})
    client = world.client_for(three[1])
    url = f"/committee/{meeting.pk}/items/{item.pk}/"

    assert 'value="decide"' not in client.get(url).content.decode()
    posted = client.post(
        url,
        {"action": "decide", "outcome": "approve", "grade": application_of(item).grade.pk, "rationale": "x"},
    )
    assert (
        "Only the meeting&#x27;s chair or the society&#x27;s staff can record the decision."
        in posted.content.decode()
    )
    assert application_of(item).state == S.DELIBERATION


def test_members_see_who_voted_but_not_how_and_staff_see_the_votes(world, three, meeting):
    item = on_agenda(world, meeting, index=1)
    present(world, meeting, three)
    votes(item, {three[0]: V.NOT_APPROVE})
    recusal_record(item=item, member=three[2], reason="亲属", by=three[2])

    member_html = text_of(world.client_for(three[1]).get(f"/committee/{meeting.pk}/items/{item.pk}/"))
    staff_html = text_of(
        world.client_for(world.staff).get(staff_url(world, f"{meeting.pk}/items/{item.pk}/"))
    )

    assert re.findall(r'data-label="Vote">(.*?)</td>', member_html) == [
        "Voted",
        '<span class="muted">Not voted</span>',
        '<span><span class="flag">Recused</span> <span class="small">亲属</span></span>',
    ]
    assert re.findall(r'data-label="Vote">(.*?)</td>', staff_html)[0] == "Not approve"


# --- Queries -------------------------------------------------------------------------------


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_the_meetings_list_costs_the_same_queries_for_one_meeting_or_three(world, three):
    client = world.client_for(world.staff)
    meeting_of(world, three)
    one = _queries(client, staff_url(world))
    meeting_of(world, three, title="二")
    meeting_of(world, three[:2], title="三")
    assert _queries(client, staff_url(world)) == one


def test_the_member_meetings_list_costs_the_same_queries_for_one_meeting_or_three(world, three):
    client = world.client_for(three[0])
    meeting_of(world, three)
    one = _queries(client, "/committee/")
    meeting_of(world, three, title="二")
    meeting_of(world, three[:2], title="三")
    assert _queries(client, "/committee/") == one


def test_the_meeting_pages_cost_the_same_queries_for_one_candidate_or_three(world, three, meeting):
    present(world, meeting, three)
    first = on_agenda(world, meeting, index=1)
    votes(first, {three[0]: V.APPROVE})
    staff = world.client_for(world.staff)
    member = world.client_for(three[1])
    staff_one = _queries(staff, staff_url(world, f"{meeting.pk}/"))
    member_one = _queries(member, f"/committee/{meeting.pk}/")
    second = on_agenda(world, meeting, index=2, meets=False)
    on_agenda(world, meeting, index=3)
    votes(second, {three[0]: V.APPROVE, three[1]: V.ABSTAIN})
    recusal_record(item=second, member=three[2], reason="同事", by=three[2])
    assert _queries(staff, staff_url(world, f"{meeting.pk}/")) == staff_one
    assert _queries(member, f"/committee/{meeting.pk}/") == member_one


def test_a_closed_meeting_shows_no_forms_and_refuses_changes_with_a_message(world, three, meeting):
    item = on_agenda(world, meeting, index=1)
    present(world, meeting, three)
    client = world.client_for(world.staff)
    client.post(staff_url(world, f"{meeting.pk}/close/"))

    page = client.get(staff_url(world, f"{meeting.pk}/")).content.decode()
    refused = client.post(
        staff_url(world, f"{meeting.pk}/attendance/"), {"present": [three[0].pk]}, follow=True
    )
    edit = client.post(
        staff_url(world, f"{meeting.pk}/edit/"),
        {
            "title": "改名",
            "batch": world.batch.pk,
            "starts_at": "2026-12-10T09:30",
            "place": "会议室",
            "members": [u.pk for u in three],
        },
    )
    member_page = world.client_for(three[1]).get(f"/committee/{meeting.pk}/items/{item.pk}/").content.decode()

    assert 'name="present"' not in page
    assert "Add candidates" not in page
    assert "This meeting is closed; nothing on it can change." in text_of(refused)
    assert "This meeting is closed; nothing on it can change." in edit.content.decode()
    assert Meeting.objects.get(pk=meeting.pk).title == "第四批综合审议会议"
    assert meeting.members.filter(present=True).count() == 3
    assert 'name="choice"' not in member_page
    assert "The meeting closed without a decision on this candidate" in member_page


def test_before_the_meeting_begins_members_read_but_cannot_vote(world, three, meeting):
    item = on_agenda(world, meeting, index=1)

    html = text_of(world.client_for(three[1]).get(f"/committee/{meeting.pk}/items/{item.pk}/"))

    assert "Votes are taken once the meeting has begun and attendance is recorded." in html
    assert 'name="choice"' not in html
    assert 'value="recuse"' in html
