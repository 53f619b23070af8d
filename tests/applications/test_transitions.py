"""The transition table is the law: every listed move works for its actors and for nobody else."""

from __future__ import annotations

import pytest
from django.core import mail
from django.utils import translation

from engcert.accounts.models import User
from engcert.applications.domain.application import application_create
from engcert.applications.domain.transition import TransitionError, application_transition
from engcert.applications.enums import (
    EDITABLE_BY_APPLICANT,
    FINAL,
    PUBLIC_LABELS,
    WITHDRAWABLE,
    ApplicationState,
)
from engcert.applications.models import Application
from engcert.applications.transitions import REASON_REQUIRED, TRANSITIONS, Actor
from engcert.audit.domain import audit_chain_verify
from engcert.audit.models import AuditEvent
from engcert.organisations.enums import Role
from engcert.organisations.models import Membership, Organisation
from tests.conftest import World

pytestmark = pytest.mark.usefixtures("english")

S = ApplicationState

MOVES = [
    pytest.param(source, target, actors, id=f"{source.value}->{target.value}")
    for source, targets in TRANSITIONS.items()
    for target, actors in targets.items()
]

# Everyone who might try a move; the actor each persona stands for, if any.
PERSONAS: dict[str, Actor | None] = {
    "applicant": Actor.APPLICANT,
    "staff": Actor.STAFF,
    "examiner": Actor.EXAMINER,
    "committee": Actor.COMMITTEE,
    "reviewer": Actor.ALLIANCE,
    "system": Actor.SYSTEM,
    "other_applicant": None,
    "unit_admin": None,
    "outsider": None,
    "other_society_staff": None,
    "alliance_staff": None,  # a staff role held at the alliance is not staff of the society
    "reviewer_at_society": None,  # the reviewer role counts only when held at the alliance
    "former_staff": None,  # staff whose membership is no longer active
}


@pytest.fixture
def people(world: World, other_society_staff: User) -> dict[str, User | None]:
    def member(email: str, role: Role, organisation: Organisation, *, active: bool = True) -> User:
        user = User.objects.create_user(email=email, password=None, full_name=email.split("@")[0])
        Membership.objects.create(user=user, organisation=organisation, role=role, is_active=active)
        return user

    found: dict[str, User | None] = {name: getattr(world, name, None) for name in PERSONAS}
    found["other_society_staff"] = other_society_staff
    found["alliance_staff"] = member("alliance-staff@example.com", Role.STAFF, world.alliance)
    found["reviewer_at_society"] = member(
        "society-reviewer@example.com", Role.ALLIANCE_REVIEWER, world.society
    )
    found["former_staff"] = member("former-staff@example.com", Role.STAFF, world.society, active=False)
    return found


def draft_in_state(world: World, state: ApplicationState) -> Application:
    application = application_create(batch=world.batch, applicant=world.applicant)
    Application.objects.filter(pk=application.pk).update(state=state)
    application.refresh_from_db()
    return application


def transition_events(application: Application) -> list[AuditEvent]:
    return list(application.audit_events.filter(action="application.transition").order_by("position"))


@pytest.mark.parametrize(("source", "target", "actors"), MOVES)
def test_each_listed_actor_can_make_the_move_with_one_audit_event_and_one_email(
    world, people, django_capture_on_commit_callbacks, source, target, actors
):
    for actor in sorted(actors):
        name = next(n for n, a in PERSONAS.items() if a == actor)
        by = people[name]
        application = draft_in_state(world, source)
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            result = application_transition(
                application=application, to_state=target, by=by, reason="记录的理由"
            )

        assert result.changed is True
        assert Application.objects.get(pk=application.pk).state == target
        events = transition_events(application)
        assert [(e.actor, e.from_state, e.to_state, e.reason) for e in events] == [
            (by, source.value, target.value, "记录的理由")
        ]
        if target == S.CERTIFICATE_ISSUED:
            # The certificate's own email (number, download link) announces this step, not a status email.
            assert mail.outbox == []
        else:
            assert [m.to for m in mail.outbox] == [[world.applicant.email]]
            assert application.number in mail.outbox[0].subject
        Application.objects.filter(pk=application.pk).update(state=S.WITHDRAWN)


@pytest.mark.parametrize(("source", "target", "actors"), MOVES)
def test_every_persona_not_listed_for_the_move_is_refused(
    world, people, django_capture_on_commit_callbacks, source, target, actors
):
    application = draft_in_state(world, source)
    refused = []
    for name, actor in PERSONAS.items():
        if actor in actors:
            continue
        with django_capture_on_commit_callbacks(execute=True), pytest.raises(TransitionError) as error:
            application_transition(
                application=application,
                to_state=target,
                by=people[name],
                reason="理由",
            )
        assert str(error.value) == "You are not allowed to make this change."
        refused.append(name)

    assert sorted(refused) == sorted(n for n, a in PERSONAS.items() if a not in actors)
    assert Application.objects.get(pk=application.pk).state == source
    assert transition_events(application) == []
    assert mail.outbox == []


@pytest.fixture
def everyone(world: World) -> User:
    """One person who holds every role, so only the table itself can refuse a move."""
    user = world.staff
    for role in (Role.EXAMINER, Role.COMMITTEE):
        Membership.objects.create(user=user, organisation=world.society, role=role)
    Membership.objects.create(user=user, organisation=world.alliance, role=Role.ALLIANCE_REVIEWER)
    return user


@pytest.mark.parametrize("source", list(S), ids=[s.value for s in S])
def test_moves_missing_from_the_table_are_refused_even_for_someone_holding_every_role(
    world, everyone, source
):
    application = application_create(batch=world.batch, applicant=everyone)
    Application.objects.filter(pk=application.pk).update(state=source)
    refused = set()
    for target in S:
        if target == source or target in TRANSITIONS.get(source, {}):
            continue
        with pytest.raises(TransitionError) as error:
            application_transition(application=application, to_state=target, by=everyone, reason="理由")
        assert str(error.value) == f"An application that is “{source.label}” cannot become “{target.label}”."
        refused.add(target)

    assert refused == set(S) - {source} - set(TRANSITIONS.get(source, {}))
    assert Application.objects.get(pk=application.pk).state == source
    assert transition_events(application) == []


def test_every_move_that_needs_a_reason_is_in_the_table():
    assert {pair for pair in REASON_REQUIRED if pair[1] not in TRANSITIONS.get(pair[0], {})} == set()


def _one_actor(people: dict[str, User | None], actors: frozenset[Actor]) -> User | None:
    actor = sorted(actors)[0]
    return people[next(n for n, a in PERSONAS.items() if a == actor)]


@pytest.mark.parametrize(
    ("source", "target"),
    sorted(REASON_REQUIRED),
    ids=[f"{s.value}->{t.value}" for s, t in sorted(REASON_REQUIRED)],
)
def test_a_move_that_needs_a_reason_is_refused_without_one(world, people, source, target):
    by = _one_actor(people, TRANSITIONS[source][target])
    application = draft_in_state(world, source)
    for blank in ("", "   \n"):
        with pytest.raises(TransitionError) as error:
            application_transition(application=application, to_state=target, by=by, reason=blank)
        assert str(error.value) == "Please give a reason."
    assert Application.objects.get(pk=application.pk).state == source
    assert transition_events(application) == []


@pytest.mark.parametrize(
    ("source", "target", "actors"),
    [m for m in MOVES if (m.values[0], m.values[1]) not in REASON_REQUIRED],
)
def test_a_move_without_a_reason_requirement_goes_through_with_an_empty_reason(
    world, people, source, target, actors
):
    by = _one_actor(people, actors)
    application = draft_in_state(world, source)
    application_transition(application=application, to_state=target, by=by)
    assert [(e.from_state, e.to_state, e.reason) for e in transition_events(application)] == [
        (source.value, target.value, "")
    ]


@pytest.mark.parametrize(("source", "target", "actors"), MOVES)
def test_repeating_a_finished_move_changes_nothing_and_writes_no_second_event(
    world, people, django_capture_on_commit_callbacks, source, target, actors
):
    by = _one_actor(people, actors)
    application = draft_in_state(world, source)
    with django_capture_on_commit_callbacks(execute=True):
        application_transition(application=application, to_state=target, by=by, reason="理由")
    changed_at = Application.objects.get(pk=application.pk).state_changed_at
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        again = application_transition(application=application, to_state=target, by=by, reason="理由")

    assert again.changed is False
    assert again.application.state == target
    assert Application.objects.get(pk=application.pk).state_changed_at == changed_at
    assert len(transition_events(application)) == 1
    assert mail.outbox == []


def test_the_reason_is_stored_without_surrounding_whitespace(world):
    application = draft_in_state(world, S.SUBMITTED)
    application_transition(
        application=application, to_state=S.RETURNED, by=world.staff, reason="  缺少学位证书。\n"
    )
    assert [e.reason for e in transition_events(application)] == ["缺少学位证书。"]


def test_a_refused_move_leaves_the_audit_chain_untouched(world):
    application = draft_in_state(world, S.SUBMITTED)
    before = AuditEvent.objects.count()
    with pytest.raises(TransitionError):
        application_transition(application=application, to_state=S.APPROVED, by=world.staff, reason="理由")
    assert AuditEvent.objects.count() == before
    assert audit_chain_verify().ok


def test_the_whole_happy_path_walks_the_table_from_draft_to_certificate(world, complete_draft):
    path = [
        (S.SUBMITTED, world.applicant),
        (S.RETURNED, world.staff),
        (S.RESUBMITTED, world.applicant),
        (S.REVIEW_PASSED, world.staff),
        (S.INTERVIEW_SCHEDULED, world.staff),
        (S.INTERVIEWED, world.examiner),
        (S.DELIBERATION, world.staff),
        (S.APPROVED, world.committee),
        (S.PUBLIC_NOTICE, world.staff),
        (S.NOTICE_PASSED, None),
        (S.WITH_ALLIANCE, world.staff),
        (S.REGISTERED, world.reviewer),
        (S.CERTIFICATE_ISSUED, None),
    ]
    for target, by in path:
        application_transition(application=complete_draft, to_state=target, by=by, reason="按程序推进")

    assert [(e.from_state, e.to_state, e.actor) for e in transition_events(complete_draft)] == [
        (source.value, target.value, by)
        for (source, _), (target, by) in zip([(S.DRAFT, None), *path], path, strict=False)
    ]
    assert audit_chain_verify().ok


def test_the_state_email_names_the_application_and_its_new_status_in_english(
    world, django_capture_on_commit_callbacks
):
    world.applicant.language = "en"
    world.applicant.save(update_fields=["language"])
    application = draft_in_state(world, S.SUBMITTED)
    with django_capture_on_commit_callbacks(execute=True):
        application_transition(
            application=application, to_state=S.RETURNED, by=world.staff, reason="缺少学位证书。"
        )

    [message] = mail.outbox
    assert message.to == [world.applicant.email]
    assert message.subject == f"Application {application.number}: Needs changes from you"
    assert f"The status of your application {application.number}" in message.body
    assert "Reason: 缺少学位证书。" in message.body
    assert f"/applications/{application.uid}/" in message.body


def test_the_state_email_is_in_chinese_for_an_applicant_who_reads_chinese(
    world, django_capture_on_commit_callbacks
):
    assert world.applicant.language == "zh-hans"
    application = draft_in_state(world, S.SUBMITTED)
    with django_capture_on_commit_callbacks(execute=True):
        application_transition(
            application=application, to_state=S.RETURNED, by=world.staff, reason="缺少学位证书。"
        )

    [message] = mail.outbox
    with translation.override("zh-hans"):
        label = str(PUBLIC_LABELS[S.RETURNED])
    assert label != "Needs changes from you"  # the catalog translates it
    assert application.number in message.subject
    assert label in message.subject
    assert label in message.body
    assert "缺少学位证书。" in message.body
    assert "Needs changes from you" not in message.body
    assert "The status of your application" not in message.body


def test_the_state_email_for_a_chinese_reader_names_the_application_whatever_the_catalog(
    world, django_capture_on_commit_callbacks
):
    application = draft_in_state(world, S.SUBMITTED)
    with django_capture_on_commit_callbacks(execute=True):
        application_transition(application=application, to_state=S.REVIEW_PASSED, by=world.staff)

    [message] = mail.outbox
    assert message.to == [world.applicant.email]
    assert application.number in message.subject
    assert application.number in message.body
    assert f"/applications/{application.uid}/" in message.body


# The named groups agree with the table


def test_the_withdrawable_states_are_exactly_those_the_table_lets_the_applicant_withdraw_from():
    assert {
        s for s, targets in TRANSITIONS.items() if Actor.APPLICANT in targets.get(S.WITHDRAWN, ())
    } == WITHDRAWABLE


def test_final_states_have_no_way_out_and_every_other_state_has_one():
    assert set(TRANSITIONS) == set(S) - FINAL


def test_every_state_can_be_reached_from_a_draft():
    reached = {S.DRAFT}
    frontier = [S.DRAFT]
    while frontier:
        for target in TRANSITIONS.get(frontier.pop(), {}):
            if target not in reached:
                reached.add(target)
                frontier.append(target)
    assert reached == set(S)


def test_the_applicant_can_submit_from_exactly_the_states_they_may_edit():
    submits = {
        s
        for s, targets in TRANSITIONS.items()
        for t in (S.SUBMITTED, S.RESUBMITTED)
        if Actor.APPLICANT in targets.get(t, ())
    }
    assert submits == EDITABLE_BY_APPLICANT


def test_every_state_has_a_label_for_the_applicant():
    assert set(PUBLIC_LABELS) == set(S)
