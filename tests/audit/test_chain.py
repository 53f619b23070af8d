"""The audit trail is a hash chain: an edited, deleted or cut-off event is found and named."""

from __future__ import annotations

import threading
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from engcert.audit.domain import _digest, audit_chain_verify, audit_event_append
from engcert.audit.models import GENESIS_HASH, AuditChainHead, AuditEvent


@pytest.fixture
def five_events(world) -> list[AuditEvent]:
    """Five events on a chain of their own, so nothing else the personas do is counted."""
    actors = [world.staff, world.applicant, None, world.reviewer, world.staff]
    return [
        audit_event_append(
            actor=actor,
            action="test.event",
            subject=world.society,
            reason=f"第{n}条：理由",
            data={"n": n, "名称": "中国电机工程学会", "items": [1, 2.5, None, True]},
            chain="test",
        )
        for n, actor in enumerate(actors, start=1)
    ]


def verify() -> tuple[int, int | None, str]:
    report = audit_chain_verify(chain="test")
    return report.checked, report.broken_at, report.problem


def test_a_chain_of_several_events_verifies_after_a_round_trip_through_the_database(five_events):
    assert verify() == (5, None, "")
    assert audit_chain_verify(chain="test").ok is True


def test_events_link_to_the_one_before_them(five_events):
    stored = list(AuditEvent.objects.filter(chain="test").order_by("position"))
    assert [e.position for e in stored] == [1, 2, 3, 4, 5]
    assert [e.prev_hash for e in stored] == [GENESIS_HASH] + [e.hash for e in stored[:-1]]
    head = AuditChainHead.objects.get(key="test")
    assert (head.length, head.last_hash) == (5, stored[-1].hash)


def test_an_edited_reason_is_found_at_its_position(five_events):
    AuditEvent.objects.filter(chain="test", position=3).update(reason="改过的理由")
    assert verify() == (2, 3, "altered")


@pytest.mark.parametrize(
    "change",
    [
        {"to_state": "approved"},
        {"data": {"n": 3}},
        {"actor": None},
        {"action": "test.other"},
    ],
    ids=["to_state", "data", "actor", "action"],
)
def test_any_edited_field_is_found(five_events, change):
    AuditEvent.objects.filter(chain="test", position=2).update(**change)
    assert verify() == (1, 2, "altered")


def test_an_edit_with_a_recomputed_hash_breaks_the_link_of_the_next_event(five_events):
    # Someone who knows the hashing recomputes the edited event's own hash.
    event = AuditEvent.objects.get(chain="test", position=3)
    event.reason = "改过的理由"
    AuditEvent.objects.filter(pk=event.pk).update(reason=event.reason, hash=_digest(event.payload()))
    assert verify() == (3, 4, "link")


def test_a_deleted_middle_event_is_found_as_missing(five_events):
    AuditEvent.objects.filter(chain="test", position=3).delete()
    assert verify() == (2, 3, "missing")


def test_a_deleted_first_event_is_found_as_missing(five_events):
    AuditEvent.objects.filter(chain="test", position=1).delete()
    assert verify() == (0, 1, "missing")


def test_a_deleted_last_event_is_found_as_truncation(five_events):
    AuditEvent.objects.filter(chain="test", position=5).delete()
    assert verify() == (4, 5, "truncated")


def test_an_event_rolled_back_with_its_transaction_leaves_the_chain_intact(world, five_events):
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_event_append(actor=world.staff, action="test.event", subject=world.society, chain="test")
        raise RuntimeError("the change this event recorded failed")
    assert verify() == (5, None, "")
    after = audit_event_append(actor=world.staff, action="test.event", subject=world.society, chain="test")
    assert after.position == 6
    assert verify() == (6, None, "")


def test_chains_are_independent(world, five_events):
    AuditEvent.objects.filter(chain="test", position=2).update(reason="x")
    audit_event_append(actor=world.staff, action="test.event", subject=world.society, chain="other")
    assert audit_chain_verify(chain="other").ok is True
    assert audit_chain_verify(chain="test").ok is False


def test_the_command_reports_an_intact_chain(five_events):
    out = StringIO()
    call_command("audit_verify", "--chain", "test", stdout=out)
    assert out.getvalue() == "audit chain 'test': 5 events, intact\n"


def test_the_command_checks_the_main_chain_by_default(world, complete_draft):
    out = StringIO()
    call_command("audit_verify", stdout=out)
    count = AuditEvent.objects.filter(chain="main").count()
    assert count >= 2  # the draft's creation and its signed pledge
    assert out.getvalue() == f"audit chain 'main': {count} events, intact\n"


def test_the_command_names_the_altered_event(five_events):
    AuditEvent.objects.filter(chain="test", position=3).update(reason="改过的理由")
    with pytest.raises(CommandError) as error:
        call_command("audit_verify", "--chain", "test")
    assert str(error.value) == (
        "audit chain 'test' is broken at event #3: event was altered after it was written "
        "(2 events verified before it)"
    )


def test_the_command_names_the_missing_event(five_events):
    AuditEvent.objects.filter(chain="test", position=4).delete()
    with pytest.raises(CommandError) as error:
        call_command("audit_verify", "--chain", "test")
    assert str(error.value) == (
        "audit chain 'test' is broken at event #4: event is missing (deleted) (3 events verified before it)"
    )


def test_the_command_names_a_truncated_end(five_events):
    AuditEvent.objects.filter(chain="test", position=5).delete()
    with pytest.raises(CommandError) as error:
        call_command("audit_verify", "--chain", "test")
    assert str(error.value) == (
        "audit chain 'test' is broken at event #5: events at the end of the chain were deleted "
        "(4 events verified before it)"
    )


# Committed transactions, so the writers' threads see each other; no serialized_rollback: it
# reloads the content types saved when the database was created, which collides with those
# recreated after an earlier transactional test's flush (``world`` reloads the data it needs).
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")
def test_concurrent_appends_never_fork_the_chain(world):
    barrier = threading.Barrier(4)
    errors: list[str] = []

    def append_five() -> None:
        try:
            barrier.wait(timeout=10)
            for _ in range(5):
                with transaction.atomic():
                    audit_event_append(
                        actor=world.staff, action="test.event", subject=world.society, chain="race"
                    )
        except Exception as error:  # reported by the assertion below
            errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=append_five) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert list(AuditEvent.objects.filter(chain="race").values_list("position", flat=True)) == list(
        range(1, 21)
    )
    assert audit_chain_verify(chain="race").ok is True


def test_events_and_chain_heads_read_as_their_position(five_events):
    assert str(five_events[2]) == "test #3 test.event"
    assert str(AuditChainHead.objects.get(key="test")) == "test: 5 events"


def test_an_edit_to_the_last_event_with_a_recomputed_hash_is_found_at_that_event(five_events):
    event = AuditEvent.objects.get(chain="test", position=5)
    event.reason = "改过的理由"
    AuditEvent.objects.filter(pk=event.pk).update(reason=event.reason, hash=_digest(event.payload()))
    assert verify() == (4, 5, "altered")


def test_an_event_added_behind_the_heads_back_is_found(world, five_events):
    audit_event_append(actor=world.staff, action="test.event", subject=world.society, chain="test")
    AuditChainHead.objects.filter(key="test").update(length=5, last_hash=five_events[-1].hash)
    assert verify() == (5, 6, "altered")
