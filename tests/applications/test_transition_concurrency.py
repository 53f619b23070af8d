"""Two staff members decide the same file at the same moment: one decision wins, the other is told.

Real concurrency needs real row locks and separate connections, so these tests run on
PostgreSQL only (SQLite locks the whole database file and serialises writers differently).
Each decision runs in its own thread, so on its own database connection; a barrier releases
both at once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.db import connection, connections

from engcert.accounts.models import User
from engcert.applications.domain.application import application_create
from engcert.applications.domain.transition import TransitionError, application_transition
from engcert.applications.enums import ApplicationState
from engcert.applications.models import Application
from engcert.audit.domain import audit_chain_verify
from engcert.audit.models import AuditEvent
from engcert.demo import builders
from engcert.organisations.enums import Role
from tests.conftest import PASSWORD, World

S = ApplicationState

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: row locks (SELECT ... FOR UPDATE) across separate connections; "
        "run with ENGCERT_DB=postgres",
    ),
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("english"),
]


@dataclass
class Outcome:
    changed: bool | None = None
    error: str | None = None


def _race(*decisions: Callable[[], bool]) -> list[Outcome]:
    """Run each decision in its own thread (own connection), released together by a barrier."""
    barrier = threading.Barrier(len(decisions))
    outcomes = [Outcome() for _ in decisions]

    def run(index: int, decide: Callable[[], bool]) -> None:
        try:
            barrier.wait(timeout=10)
            outcomes[index].changed = decide()
        except TransitionError as error:
            outcomes[index].error = str(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, d)) for i, d in enumerate(decisions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes


def _submitted(world: World) -> Application:
    application = application_create(batch=world.batch, applicant=world.applicant)
    Application.objects.filter(pk=application.pk).update(
        state=S.SUBMITTED, submitted_at=application.created_at
    )
    return Application.objects.get(pk=application.pk)


def _second_staff(world: World) -> User:
    return builders.user_create(
        email="staff2@example.com",
        password=PASSWORD,
        full_name="第二位工作人员",
        role=Role.STAFF,
        organisation=world.society,
    )


def _decision(
    application_pk: int, by: User, to_state: ApplicationState, reason: str = ""
) -> Callable[[], bool]:
    def decide() -> bool:
        # Both had the file open while it was submitted and decide on what they saw.
        return application_transition(
            application=Application.objects.get(pk=application_pk),
            to_state=to_state,
            by=by,
            reason=reason,
            expected_state=S.SUBMITTED,
        ).changed

    return decide


def _transition_events(application: Application) -> list[tuple[str, str, int | None]]:
    return list(
        AuditEvent.objects.filter(application=application, action="application.transition")
        .order_by("position")
        .values_list("from_state", "to_state", "actor_id")
    )


def test_one_passes_one_rejects_at_once_exactly_one_decision_is_made_and_the_other_is_told(world):
    application = _submitted(world)
    second = _second_staff(world)

    passing, rejecting = _race(
        _decision(application.pk, world.staff, S.REVIEW_PASSED),
        _decision(application.pk, second, S.REJECTED, reason="学历证明不符合要求。"),
    )

    final = Application.objects.get(pk=application.pk).state
    assert final in (S.REVIEW_PASSED, S.REJECTED)
    winner, loser = (passing, rejecting) if final == S.REVIEW_PASSED else (rejecting, passing)
    assert winner == Outcome(changed=True)
    assert loser == Outcome(
        error=f"Someone else changed this application a moment ago: it is now “{S(final).label}”. "
        "Please look at it again."
    )
    winner_user = world.staff if final == S.REVIEW_PASSED else second
    assert _transition_events(application) == [(S.SUBMITTED.value, final, winner_user.pk)]
    assert audit_chain_verify().ok


def test_two_staff_passing_at_once_pass_it_once(world):
    application = _submitted(world)
    second = _second_staff(world)

    outcomes = _race(
        _decision(application.pk, world.staff, S.REVIEW_PASSED),
        _decision(application.pk, second, S.REVIEW_PASSED),
    )

    assert sorted(o.changed for o in outcomes) == [False, True]
    assert [o.error for o in outcomes] == [None, None]
    assert Application.objects.get(pk=application.pk).state == S.REVIEW_PASSED
    assert len(_transition_events(application)) == 1
    assert audit_chain_verify().ok


def test_many_decisions_at_once_on_one_file_leave_one_event(world):
    application = _submitted(world)
    people = [
        world.staff,
        *(
            builders.user_create(
                email=f"staff-race{i}@example.com",
                password=PASSWORD,
                full_name=f"工作人员{i}",
                role=Role.STAFF,
                organisation=world.society,
            )
            for i in range(5)
        ),
    ]
    targets = [S.REVIEW_PASSED, S.REJECTED, S.RETURNED] * 2

    outcomes = _race(
        *(
            _decision(application.pk, by, target, reason="理由")
            for by, target in zip(people, targets, strict=True)
        )
    )

    final = S(Application.objects.get(pk=application.pk).state)
    stale = (
        f"Someone else changed this application a moment ago: it is now “{final.label}”. "
        "Please look at it again."
    )
    # The winner moved it; the one who took the same decision finds it done; four are told.
    assert sorted((o.changed, o.error) for o in outcomes if o.error is None) == [(False, None), (True, None)]
    assert [o.error for o in outcomes if o.error is not None] == [stale] * 4
    assert [e[1] for e in _transition_events(application)] == [final.value]
    assert audit_chain_verify().ok
