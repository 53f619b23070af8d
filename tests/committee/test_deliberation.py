"""The committee's rules: who may do what, recusals and votes, quorum, majority, the
qualification criteria, and what a closed meeting or a second decision does."""

from __future__ import annotations

import pytest

from engcert.applications.enums import ApplicationState as S
from engcert.applications.models import Application
from engcert.audit.models import AuditEvent
from engcert.committee.domain import (
    CommitteeError,
    MeetingValues,
    agenda_item_add,
    agenda_item_decide,
    agenda_item_remove,
    meeting_close,
    meeting_update,
    recusal_record,
    vote_cast,
)
from engcert.committee.enums import Outcome
from engcert.committee.enums import VoteChoice as V
from engcert.committee.models import AgendaItem, CommitteePolicy, Vote
from engcert.committee.selectors import committee_decision_for
from engcert.frameworks.models import Grade
from tests.committee.helpers import (
    RATIONALE,
    application_of,
    committee_members,
    meeting_of,
    on_agenda,
    present,
    votes,
)
from tests.evaluation_helpers import advance, candidate_interviewed

pytestmark = pytest.mark.django_db

DEPARTURE = "考官组对第一项能力评为部分体现，但委员会审阅了补充的工程业绩材料，认为已达到要求。"


@pytest.fixture
def three(world):
    return committee_members(world, 3)


@pytest.fixture
def meeting(world, three):
    return meeting_of(world, three)


def _decide(item, by, *, approve=True, grade="same", rationale=RATIONALE, departure_reason=""):
    application = application_of(item)
    chosen = application.grade if grade == "same" else grade
    return agenda_item_decide(
        item=item,
        approve=approve,
        grade=chosen if approve else None,
        rationale=rationale,
        departure_reason=departure_reason,
        by=by,
    )


def _message(raised) -> str:
    return str(raised.value)


# --- The agenda and the transitions by role -------------------------------------------------


def test_staff_putting_an_interviewed_candidate_on_the_agenda_sends_them_to_the_committee(world, meeting):
    item = on_agenda(world, meeting, index=1)

    application = application_of(item)
    assert application.state == S.DELIBERATION
    event = AuditEvent.objects.filter(application=application, action="application.transition").last()
    assert (event.from_state, event.to_state, event.actor) == (S.INTERVIEWED, S.DELIBERATION, world.staff)
    assert AuditEvent.objects.filter(application=application, action="committee_agenda.add").count() == 1


def test_a_candidate_already_under_deliberation_is_added_as_they_are(world, meeting):
    application = advance(world, candidate_interviewed(world, index=1), to=S.DELIBERATION)

    item = agenda_item_add(meeting=meeting, application=application, by=world.staff)

    assert application_of(item).state == S.DELIBERATION
    assert list(meeting.items.values_list("application_id", flat=True)) == [application.pk]


def test_a_candidate_is_on_at_most_one_open_agenda(world, three, meeting):
    item = on_agenda(world, meeting, index=1)
    other = meeting_of(world, three, title="第二次审议会议")

    with pytest.raises(CommitteeError) as raised:
        agenda_item_add(meeting=other, application=application_of(item), by=world.staff)

    assert _message(raised) == "候选人1 is already on the agenda of “第四批综合审议会议”."
    assert other.items.count() == 0


def test_adding_the_same_candidate_twice_to_one_meeting_changes_nothing(world, meeting):
    item = on_agenda(world, meeting, index=1)

    again = agenda_item_add(meeting=meeting, application=application_of(item), by=world.staff)

    assert again.pk == item.pk
    assert meeting.items.count() == 1


def test_a_candidate_not_yet_interviewed_cannot_go_on_the_agenda(world, meeting, complete_draft):
    with pytest.raises(CommitteeError) as raised:
        agenda_item_add(meeting=meeting, application=complete_draft, by=world.staff)

    assert _message(raised) == (
        "Only interviewed candidates or candidates under deliberation can go on the agenda (status: Draft)."
    )


def test_a_committee_member_cannot_put_candidates_on_the_agenda(world, meeting):
    application = candidate_interviewed(world, index=1)

    with pytest.raises(CommitteeError) as raised:
        agenda_item_add(meeting=meeting, application=application, by=world.committee)

    assert _message(raised) == "Only the society's staff can do this."
    application.refresh_from_db()
    assert application.state == S.INTERVIEWED


def test_the_chair_records_the_decision_and_the_candidate_is_approved_at_the_grade(world, three, meeting):
    item = on_agenda(world, meeting, index=1)
    present(world, meeting, three)
    votes(item, {three[0]: V.APPROVE, three[1]: V.APPROVE, three[2]: V.NOT_APPROVE})

    decided = _decide(item, three[0])

    application = application_of(item)
    assert (application.state, application.awarded_grade) == (S.APPROVED, application.grade)
    assert (decided.outcome, decided.departs_from_criteria, decided.departure_reason) == (
        Outcome.APPROVED,
        False,
        "",
    )
    transition = AuditEvent.objects.filter(application=application, action="application.transition").last()
    assert (transition.actor, transition.to_state, transition.reason) == (three[0], S.APPROVED, RATIONALE)
    assert transition.data["tally"] == {
        "members": 3,
        "voting": 3,
        "approve": 2,
        "not_approve": 1,
        "abstain": 0,
    }


def test_staff_may_record_the_decision_too(world, three, meeting):
    item = on_agenda(world, meeting, index=1)
    present(world, meeting, three)
    votes(item, {three[0]: V.NOT_APPROVE, three[1]: V.NOT_APPROVE, three[2]: V.APPROVE})

    _decide(
        item,
        world.staff,
        approve=False,
        rationale="多数委员认为工程项目中本人承担的责任不足。",
        departure_reason="x",
    )

    application = application_of(item)
    assert (application.state, application.awarded_grade) == (S.NOT_APPROVED, None)


def test_a_member_who_is_not_the_chair_cannot_record_the_decision(world, three, meeting):
    item = on_agenda(world, meeting, index=1)
    present(world, meeting, three)
    votes(item, {three[0]: V.APPROVE, three[1]: V.APPROVE})

    with pytest.raises(CommitteeError) as raised:
        _decide(item, three[1])

    assert _message(raised) == "Only the meeting's chair or the society's staff can record the decision."
    assert application_of(item).state == S.DELIBERATION


def test_an_examiner_or_the_applicant_cannot_record_the_decision(world, three, meeting):
    item = on_agenda(world, meeting, index=1)
    present(world, meeting, three)
    votes(item, {three[0]: V.APPROVE, three[1]: V.APPROVE})

    for person in (world.examiner, application_of(item).applicant, world.outsider):
        with pytest.raises(CommitteeError):
            _decide(item, person)
    assert application_of(item).state == S.DELIBERATION


def test_approving_at_a_lower_grade_sets_that_grade_and_a_higher_one_is_refused(world, three, meeting):
    item = on_agenda(world, meeting, index=1)
    present(world, meeting, three)
    votes(item, {three[0]: V.APPROVE, three[1]: V.APPROVE, three[2]: V.APPROVE})
    version = application_of(item).framework_version
    higher = Grade.objects.get(framework_version=version, code="SPE")
    lower = Grade.objects.get(framework_version=version, code="AE")

    with pytest.raises(CommitteeError) as raised:
        _decide(item, three[0], grade=higher)
    assert (_message(raised), raised.value.field) == ("Choose the grade applied for or a lower one.", "grade")

    # The panel recommended PE: approving at AE departs from what the criteria support.
    decided = _decide(
        item, three[0], grade=lower, departure_reason="申请人在责任经验方面的年限按委员会口径不足。"
    )
    application = application_of(item)
    assert (application.state, application.awarded_grade.code, decided.departs_from_criteria) == (
        S.APPROVED,
        "AE",
        True,
    )


# --- Recusals and votes -------------------------------------------------------------------


def test_a_recused_member_cannot_vote(world, three, meeting):
    item = on_agenda(world, meeting, index=1)
    present(world, meeting, three)
    recusal_record(item=item, member=three[1], reason="与申请人同在一个项目部工作过。", by=three[1])

    with pytest.raises(CommitteeError) as raised:
        vote_cast(item=item, choice=V.APPROVE, by=three[1])

    assert _message(raised) == "You recused yourself on this candidate, so you cannot vote on them."
    assert Vote.objects.filter(item=item).count() == 0


def test_recusing_withdraws_a_vote_already_cast_and_is_audited_with_the_reason(world, three, meeting):
    item = on_agenda(world, meeting, index=1)
    present(world, meeting, three)
    vote_cast(item=item, choice=V.APPROVE, by=three[1])

    recusal_record(item=item, member=three[1], reason="申请人是本人指导过的研究生。", by=three[1])

    assert Vote.objects.filter(item=item).count() == 0
    event = AuditEvent.objects.get(action="committee_recusal.record")
    assert (event.actor, event.reason, event.data["withdrawn_vote"]) == (
        three[1],
        "申请人是本人指导过的研究生。",
        "approve",
    )


def test_a_recusal_needs_a_reason(world, three, meeting):
    item = on_agenda(world, meeting, index=1)

    with pytest.raises(CommitteeError) as raised:
        recusal_record(item=item, member=three[1], reason="  ", by=three[1])

    assert (_message(raised), raised.value.field) == ("Please give the reason for the recusal.", "reason")


def test_a_member_cannot_record_another_members_recusal(world, three, meeting):
    item = on_agenda(world, meeting, index=1)

    with pytest.raises(CommitteeError) as raised:
        recusal_record(item=item, member=three[1], reason="同事", by=three[2])

    assert _message(raised) == "Members record their own recusal; staff may record it for them."


def test_someone_not_on_the_meeting_cannot_vote(world, three, meeting):
    item = on_agenda(world, meeting, index=1)
    present(world, meeting, three)
    fourth = committee_members(world, 4)[3]

    for person in (fourth, world.staff, world.examiner):
        with pytest.raises(CommitteeError) as raised:
            vote_cast(item=item, choice=V.APPROVE, by=person)
        assert _message(raised) == "Only members of this meeting can vote."


def test_an_absent_member_cannot_vote(world, three, meeting):
    item = on_agenda(world, meeting, index=1)
    present(world, meeting, three[:2])

    with pytest.raises(CommitteeError) as raised:
        vote_cast(item=item, choice=V.APPROVE, by=three[2])

    assert _message(raised) == "You are recorded as absent from this meeting, so you cannot vote."


def test_no_vote_before_the_meeting_begins(world, three, meeting):
    item = on_agenda(world, meeting, index=1)

    with pytest.raises(CommitteeError) as raised:
        vote_cast(item=item, choice=V.APPROVE, by=three[0])

    assert _message(raised) == "Votes are taken once the meeting has begun (attendance recorded)."


def test_a_member_has_one_vote_and_may_change_it_until_the_decision(world, three, meeting):
    item = on_agenda(world, meeting, index=1)
    present(world, meeting, three)

    vote_cast(item=item, choice=V.NOT_APPROVE, by=three[1])
    vote_cast(item=item, choice=V.APPROVE, by=three[1])
    vote_cast(item=item, choice=V.APPROVE, by=three[0])

    assert sorted(Vote.objects.filter(item=item).values_list("member__user__email", "choice")) == [
        ("committee1@example.com", "approve"),
        ("committee@example.com", "approve"),
    ]
    changes = AuditEvent.objects.filter(action="committee_vote.cast", actor=three[1])
    assert list(changes.values_list("from_state", "to_state")) == [
        ("", "not_approve"),
        ("not_approve", "approve"),
    ]

    _decide(item, three[0])
    with pytest.raises(CommitteeError) as raised:
        vote_cast(item=item, choice=V.NOT_APPROVE, by=three[2])
    assert _message(raised) == (
        "The committee has already decided on this candidate (Approved); nothing can change."
    )


# --- Quorum and majority -------------------------------------------------------------------


def test_a_decision_without_quorum_is_refused_naming_the_numbers(world, three, meeting):
    item = on_agenda(world, meeting, index=1)
    present(world, meeting, three[:2])
    recusal_record(item=item, member=three[1], reason="与申请人为亲属关系。", by=three[1])
    vote_cast(item=item, choice=V.APPROVE, by=three[0])

    with pytest.raises(CommitteeError) as raised:
        _decide(item, world.staff)

    assert _message(raised) == (
        "No quorum: 1 of the meeting's 3 members are present and not recused on this candidate; "
        "at least 2 are needed."
    )
    assert application_of(item).state == S.DELIBERATION
    assert AgendaItem.objects.get(pk=item.pk).outcome == Outcome.PENDING


def test_approving_is_refused_when_the_votes_do_not_reach_the_majority(world, three, meeting):
    item = on_agenda(world, meeting, index=1)
    present(world, meeting, three)
    votes(item, {three[0]: V.APPROVE, three[1]: V.ABSTAIN, three[2]: V.NOT_APPROVE})

    with pytest.raises(CommitteeError) as raised:
        _decide(item, world.staff)

    assert _message(raised) == (
        "The vote does not approve: 2 approve votes are needed. Approve 1, not approve 1, abstain 1, "
        "not voted 0, of 3 present and not recused."
    )


def test_not_approving_is_refused_when_the_vote_approves(world, three, meeting):
    item = on_agenda(world, meeting, index=1)
    present(world, meeting, three)
    votes(item, {three[0]: V.APPROVE, three[1]: V.APPROVE})

    with pytest.raises(CommitteeError) as raised:
        _decide(item, world.staff, approve=False, departure_reason="x")

    assert _message(raised) == (
        "The vote approves this candidate (2 approve votes were needed). Approve 2, not approve 0, "
        "abstain 0, not voted 1, of 3 present and not recused."
    )


def test_the_majority_is_the_societys_policy(world):
    people = committee_members(world, 4)
    meeting = meeting_of(world, people)
    item = on_agenda(world, meeting, index=1)
    present(world, meeting, people)
    votes(item, {people[0]: V.APPROVE, people[1]: V.APPROVE, people[2]: V.NOT_APPROVE, people[3]: V.ABSTAIN})

    # The default: more than half. Two of four is not more than half.
    with pytest.raises(CommitteeError) as raised:
        _decide(item, world.staff)
    assert _message(raised).startswith("The vote does not approve: 3 approve votes are needed.")

    # The society decides that half is enough.
    CommitteePolicy.objects.create(society=world.society, majority_strict=False)
    _decide(item, world.staff)
    assert application_of(item).state == S.APPROVED


def test_the_quorum_is_the_societys_policy(world):
    people = committee_members(world, 4)
    meeting = meeting_of(world, people)
    item = on_agenda(world, meeting, index=1)
    present(world, meeting, people[:3])
    votes(item, {people[0]: V.APPROVE, people[1]: V.APPROVE, people[2]: V.APPROVE})
    CommitteePolicy.objects.create(society=world.society, quorum_numerator=1, quorum_denominator=1)

    with pytest.raises(CommitteeError) as raised:
        _decide(item, world.staff)
    assert _message(raised) == (
        "No quorum: 3 of the meeting's 4 members are present and not recused on this candidate; "
        "at least 4 are needed."
    )

    CommitteePolicy.objects.filter(society=world.society).update(quorum_numerator=3, quorum_denominator=4)
    _decide(item, world.staff)
    assert application_of(item).state == S.APPROVED


# --- The qualification criteria --------------------------------------------------------------


def test_approving_against_the_criteria_without_a_reason_is_refused(world, three, meeting):
    item = on_agenda(world, meeting, index=1, meets=False)
    present(world, meeting, three)
    votes(item, {three[0]: V.APPROVE, three[1]: V.APPROVE, three[2]: V.APPROVE})

    with pytest.raises(CommitteeError) as raised:
        _decide(item, three[0])

    assert (_message(raised), raised.value.field) == (
        "This decision departs from the qualification criteria: say why the committee decides otherwise.",
        "departure_reason",
    )
    assert application_of(item).state == S.DELIBERATION


def test_approving_against_the_criteria_with_a_reason_is_recorded_as_a_departure(world, three, meeting):
    item = on_agenda(world, meeting, index=1, meets=False)
    present(world, meeting, three)
    votes(item, {three[0]: V.APPROVE, three[1]: V.APPROVE, three[2]: V.APPROVE})

    decided = _decide(item, three[0], departure_reason=DEPARTURE)

    assert (decided.departs_from_criteria, decided.departure_reason) == (True, DEPARTURE)
    assert application_of(item).state == S.APPROVED
    event = AuditEvent.objects.get(action="committee_decision.record")
    assert (event.data["departs_from_criteria"], event.data["departure_reason"]) == (True, DEPARTURE)


def test_not_approving_a_candidate_who_meets_the_criteria_needs_a_reason(world, three, meeting):
    item = on_agenda(world, meeting, index=1, meets=True)
    present(world, meeting, three)
    votes(item, {three[0]: V.NOT_APPROVE, three[1]: V.NOT_APPROVE})

    with pytest.raises(CommitteeError) as raised:
        _decide(item, three[0], approve=False)
    assert raised.value.field == "departure_reason"

    decided = _decide(
        item, three[0], approve=False, departure_reason="申请人提供的项目证明材料经核实与实际不符。"
    )
    assert (decided.outcome, decided.departs_from_criteria) == (Outcome.NOT_APPROVED, True)


def test_not_approving_a_candidate_who_does_not_meet_the_criteria_is_no_departure(world, three, meeting):
    item = on_agenda(world, meeting, index=1, meets=False)
    present(world, meeting, three)
    votes(item, {three[0]: V.NOT_APPROVE, three[1]: V.NOT_APPROVE})

    decided = _decide(item, three[0], approve=False, departure_reason="不需要的理由")

    assert (decided.departs_from_criteria, decided.departure_reason) == (False, "")


def test_a_decision_needs_a_rationale(world, three, meeting):
    item = on_agenda(world, meeting, index=1)
    present(world, meeting, three)
    votes(item, {three[0]: V.APPROVE, three[1]: V.APPROVE})

    with pytest.raises(CommitteeError) as raised:
        _decide(item, three[0], rationale="   ")

    assert (_message(raised), raised.value.field) == ("Write the committee's rationale.", "rationale")


# --- Deciding twice and closed meetings ------------------------------------------------------


def test_recording_the_same_decision_twice_changes_nothing_and_a_different_one_is_refused(
    world, three, meeting
):
    item = on_agenda(world, meeting, index=1)
    present(world, meeting, three)
    votes(item, {three[0]: V.APPROVE, three[1]: V.APPROVE})
    first = _decide(item, three[0])

    again = _decide(item, world.staff)
    with pytest.raises(CommitteeError) as raised:
        _decide(item, world.staff, approve=False, departure_reason="x")

    assert (again.pk, again.decided_by, again.decided_at) == (first.pk, three[0], first.decided_at)
    assert _message(raised) == (
        "The committee has already decided on this candidate (Approved); the decision stands."
    )
    assert AuditEvent.objects.filter(action="committee_decision.record").count() == 1


def test_a_closed_meeting_cannot_change_and_its_undecided_candidates_may_go_to_another(world, three, meeting):
    item = on_agenda(world, meeting, index=1)
    present(world, meeting, three)
    vote_cast(item=item, choice=V.APPROVE, by=three[0])

    meeting_close(meeting=meeting, by=world.staff)

    assert AgendaItem.objects.get(pk=item.pk).outcome == Outcome.DEFERRED
    with pytest.raises(CommitteeError) as raised:
        vote_cast(item=item, choice=V.NOT_APPROVE, by=three[1])
    assert _message(raised) == "This meeting is closed; nothing on it can change."
    with pytest.raises(CommitteeError):
        agenda_item_add(meeting=meeting, application=candidate_interviewed(world, index=2), by=world.staff)
    with pytest.raises(CommitteeError):
        _decide(item, world.staff)
    later = meeting_of(world, three, title="第二次审议会议")
    moved = agenda_item_add(meeting=later, application=application_of(item), by=world.staff)
    assert moved.meeting_id == later.pk


# --- What others read ----------------------------------------------------------------------


def test_committee_decision_for_gives_the_decided_item_with_its_tally(world, three, meeting):
    item = on_agenda(world, meeting, index=1)
    assert committee_decision_for(application=application_of(item)) is None
    present(world, meeting, three)
    recusal_record(item=item, member=three[2], reason="同一单位同事。", by=three[2])
    votes(item, {three[0]: V.APPROVE, three[1]: V.APPROVE})
    _decide(item, three[0])

    decision = committee_decision_for(application=application_of(item))

    assert (
        decision.pk,
        decision.outcome,
        decision.meeting,
        decision.rationale,
        decision.approve_count,
        decision.not_approve_count,
        decision.abstain_count,
        decision.voting_count,
        decision.members_count,
        decision.awarded_grade.code,
    ) == (item.pk, Outcome.APPROVED, meeting, RATIONALE, 2, 0, 0, 2, 3, "PE")


def test_a_chair_who_recused_or_is_absent_leaves_the_decision_to_staff(world, three):
    meeting = meeting_of(world, three)
    item = on_agenda(world, meeting, index=1)
    present(world, meeting, three)
    recusal_record(item=item, member=three[0], reason="申请人是本人的学生。", by=three[0])
    votes(item, {three[1]: V.APPROVE, three[2]: V.APPROVE})

    with pytest.raises(CommitteeError) as raised:
        _decide(item, three[0])
    assert _message(raised) == "The chair recused on this candidate; the society's staff record the decision."

    present(world, meeting, three[1:])
    with pytest.raises(CommitteeError) as raised:
        _decide(item, three[0])
    assert _message(raised) == "The chair is recorded as absent; the society's staff record the decision."

    _decide(item, world.staff)
    assert application_of(item).state == S.APPROVED


def test_a_member_who_voted_stays_on_the_meeting(world, three, meeting):
    item = on_agenda(world, meeting, index=1)
    present(world, meeting, three)
    vote_cast(item=item, choice=V.APPROVE, by=three[2])

    with pytest.raises(CommitteeError) as raised:
        meeting_update(
            meeting=meeting,
            values=MeetingValues(
                title=meeting.title,
                batch=world.batch,
                starts_at=meeting.starts_at,
                place=meeting.place,
                members=three[:2],
                chair=three[0],
            ),
            by=world.staff,
        )

    assert (_message(raised), raised.value.field) == (
        "These members have voted or recused and stay on the meeting: 李审议.",
        "members",
    )
    assert meeting.members.count() == 3


def test_staff_take_a_candidate_off_the_agenda_only_before_anyone_votes(world, three, meeting):
    first = on_agenda(world, meeting, index=1)
    second = on_agenda(world, meeting, index=2)
    present(world, meeting, three)
    vote_cast(item=second, choice=V.APPROVE, by=three[0])

    agenda_item_remove(item=first, by=world.staff)
    with pytest.raises(CommitteeError) as raised:
        agenda_item_remove(item=second, by=world.staff)

    assert (
        _message(raised) == "Members have voted or recused on this candidate; the item stays on the agenda."
    )
    assert list(meeting.items.values_list("pk", flat=True)) == [second.pk]
    assert Application.objects.get(pk=first.application_id).state == S.DELIBERATION
