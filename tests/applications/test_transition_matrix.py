"""Every (from, to) pair of states, tried by every kind of person: the table alone decides.

One test per (from-state, persona): the application is put in the state directly (a fixture
shortcut), then every target state is tried inside a savepoint that is rolled back, so each
attempt starts from the same row and the same audit trail.
"""

from __future__ import annotations

import pytest
from django.db import transaction

from engcert.accounts.models import User
from engcert.applications.domain.application import application_create
from engcert.applications.domain.transition import TransitionError, application_transition
from engcert.applications.enums import ApplicationState
from engcert.applications.models import Application
from engcert.applications.transitions import REASON_REQUIRED, TRANSITIONS, Actor
from engcert.audit.models import AuditEvent
from tests.conftest import World

pytestmark = pytest.mark.usefixtures("english")

S = ApplicationState

# Each persona, and the actor of the table it stands for on the test application (None: none).
PERSONAS: dict[str, Actor | None] = {
    "applicant": Actor.APPLICANT,
    "staff": Actor.STAFF,
    "other_society_staff": None,
    "examiner": Actor.EXAMINER,
    "committee": Actor.COMMITTEE,
    "reviewer": Actor.ALLIANCE,
    "outsider": None,
    "system": Actor.SYSTEM,
}


class _Rollback(Exception):
    """Raised inside a savepoint to undo one attempt."""


def _person(world: World, other_society_staff: User, name: str) -> User | None:
    if name == "system":
        return None
    if name == "other_society_staff":
        return other_society_staff
    user: User = getattr(world, name)
    return user


def _in_state(world: World, state: ApplicationState) -> Application:
    application = application_create(batch=world.batch, applicant=world.applicant)
    Application.objects.filter(pk=application.pk).update(
        state=state, submitted_at=None if state == S.DRAFT else application.created_at
    )
    application.refresh_from_db()
    return application


def _events(application: Application) -> list[tuple[str, str, int | None, str]]:
    return list(
        AuditEvent.objects.filter(application=application, action="application.transition")
        .order_by("position")
        .values_list("from_state", "to_state", "actor_id", "reason")
    )


@pytest.mark.parametrize("source", list(S), ids=[s.value for s in S])
def test_each_move_is_allowed_exactly_when_the_table_lists_the_persona(world, other_society_staff, source):
    # One application per source state, every persona tried on it in turn (each attempt in a
    # savepoint), so the whole matrix costs one set-up per state.
    application = _in_state(world, source)
    for persona in PERSONAS:
        _check_every_target(world, other_society_staff, application, source, persona)


def _check_every_target(
    world: World, other_society_staff: User, application: Application, source: ApplicationState, persona: str
) -> None:
    by = _person(world, other_society_staff, persona)
    actor = PERSONAS[persona]
    outcomes: dict[ApplicationState, str] = {}

    for target in S:
        if target == source:
            continue
        allowed_actors = TRANSITIONS.get(source, {}).get(target)
        needs_reason = (source, target) in REASON_REQUIRED
        reason = "已核实的理由" if needs_reason else ""
        try:
            with transaction.atomic():
                fresh = Application.objects.get(pk=application.pk)
                result = application_transition(application=fresh, to_state=target, by=by, reason=reason)
                # Inside the savepoint: the row moved and exactly one event says so.
                assert result.changed is True
                assert Application.objects.get(pk=application.pk).state == target
                assert _events(application) == [(source.value, target.value, by.pk if by else None, reason)]
                outcomes[target] = "moved"
                raise _Rollback
        except _Rollback:
            pass
        except TransitionError as error:
            outcomes[target] = str(error)

        # Whatever happened, nothing is left behind once the savepoint is gone.
        assert Application.objects.get(pk=application.pk).state == source
        assert _events(application) == []

    expected: dict[ApplicationState, str] = {}
    for target in S:
        if target == source:
            continue
        allowed_actors = TRANSITIONS.get(source, {}).get(target)
        if allowed_actors is None:
            expected[target] = f"An application that is “{source.label}” cannot become “{target.label}”."
        elif actor in allowed_actors:
            expected[target] = "moved"
        else:
            expected[target] = "You are not allowed to make this change."
    assert (persona, outcomes) == (persona, expected)


@pytest.mark.parametrize(
    ("source", "target"),
    sorted(REASON_REQUIRED),
    ids=[f"{s.value}->{t.value}" for s, t in sorted(REASON_REQUIRED)],
)
def test_a_move_that_needs_a_reason_is_refused_to_its_own_actors_without_one(
    world, other_society_staff, source, target
):
    application = _in_state(world, source)
    for persona, actor in PERSONAS.items():
        if actor not in TRANSITIONS[source][target]:
            continue
        by = _person(world, other_society_staff, persona)
        with pytest.raises(TransitionError) as error:
            application_transition(application=application, to_state=target, by=by, reason="  ")
        assert str(error.value) == "Please give a reason."
    assert Application.objects.get(pk=application.pk).state == source
    assert _events(application) == []


@pytest.mark.parametrize("state", list(S), ids=[s.value for s in S])
def test_asking_for_the_state_an_application_is_already_in_changes_nothing(world, other_society_staff, state):
    application = _in_state(world, state)
    for persona in PERSONAS:
        result = application_transition(
            application=application, to_state=state, by=_person(world, other_society_staff, persona)
        )
        assert (persona, result.changed) == (persona, False)
    assert Application.objects.get(pk=application.pk).state == state
    assert _events(application) == []


# Decisions taken on what a person saw: expected_state


def test_a_decision_on_the_state_the_person_saw_goes_through(world):
    application = _in_state(world, S.SUBMITTED)
    result = application_transition(
        application=application, to_state=S.REVIEW_PASSED, by=world.staff, expected_state=S.SUBMITTED
    )
    assert result.changed is True
    assert _events(application) == [(S.SUBMITTED.value, S.REVIEW_PASSED.value, world.staff.pk, "")]


def test_a_decision_on_a_state_that_has_since_changed_is_refused_naming_the_current_state(world):
    application = _in_state(world, S.SUBMITTED)
    application_transition(application=application, to_state=S.REVIEW_PASSED, by=world.staff)
    stale = Application.objects.get(pk=application.pk)

    with pytest.raises(TransitionError) as error:
        application_transition(
            application=stale,
            to_state=S.REJECTED,
            by=world.staff,
            reason="材料不全。",
            expected_state=S.SUBMITTED,
        )

    assert str(error.value) == (
        "Someone else changed this application a moment ago: it is now “Initial review passed”. "
        "Please look at it again."
    )
    assert Application.objects.get(pk=application.pk).state == S.REVIEW_PASSED
    assert _events(application) == [(S.SUBMITTED.value, S.REVIEW_PASSED.value, world.staff.pk, "")]


def test_the_same_decision_taken_twice_on_the_same_view_is_a_quiet_no_op(world):
    application = _in_state(world, S.SUBMITTED)
    for _ in range(2):
        application_transition(
            application=application, to_state=S.REVIEW_PASSED, by=world.staff, expected_state=S.SUBMITTED
        )
    assert Application.objects.get(pk=application.pk).state == S.REVIEW_PASSED
    assert len(_events(application)) == 1


def test_a_stale_decision_is_refused_as_stale_even_when_the_move_would_be_allowed_now(world):
    # Interviewed -> deliberation is a move staff may make; but the person decided on a file
    # they saw as submitted, so they are told it changed, and nothing happens.
    application = _in_state(world, S.INTERVIEWED)
    with pytest.raises(TransitionError) as error:
        application_transition(
            application=application, to_state=S.DELIBERATION, by=world.staff, expected_state=S.SUBMITTED
        )
    assert str(error.value) == (
        "Someone else changed this application a moment ago: it is now “Interviewed”. Please look at it again."
    )
    assert Application.objects.get(pk=application.pk).state == S.INTERVIEWED
    assert _events(application) == []
