"""Appending to and verifying the hash-chained audit trail."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from engcert.accounts.models import User
from engcert.audit.models import GENESIS_HASH, AuditChainHead, AuditEvent

MAIN_CHAIN = "main"


def _digest(payload: dict[str, Any]) -> str:
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def audit_event_append(
    *,
    actor: User | None,
    action: str,
    subject: models.Model,
    application: Any = None,
    from_state: str = "",
    to_state: str = "",
    reason: str = "",
    data: dict[str, Any] | None = None,
    chain: str = MAIN_CHAIN,
) -> AuditEvent:
    """Append one event. Must run inside the transaction that makes the change it records."""
    # No savepoint of its own: the caller's transaction is the unit that succeeds or fails.
    with transaction.atomic(savepoint=False):
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(key=chain)
        event = AuditEvent(
            chain=chain,
            position=head.length + 1,
            created_at=timezone.now(),
            actor=actor if actor is not None and actor.is_authenticated else None,
            action=action,
            subject_type=subject._meta.label_lower,
            subject_id=str(subject.pk),
            application=application,
            from_state=from_state,
            to_state=to_state,
            reason=reason,
            data=data or {},
            prev_hash=head.last_hash,
        )
        event.hash = _digest(event.payload())
        event.save()
        head.last_hash = event.hash
        head.length = event.position
        head.save(update_fields=["last_hash", "length"])
    return event


@dataclass(frozen=True)
class ChainReport:
    chain: str
    checked: int
    broken_at: int | None
    problem: str

    @property
    def ok(self) -> bool:
        return self.broken_at is None and not self.problem


def audit_event_intact(event: AuditEvent) -> bool:
    """Whether the event still hashes to the value the chain recorded for it (an edit in the
    database that did not recompute the hash shows here; one that did shows in the chain check)."""
    return _digest(event.payload()) == event.hash


def audit_chain_verify(*, chain: str = MAIN_CHAIN) -> ChainReport:
    """Recompute every link; name the first event whose hash or link does not hold."""
    expected_prev = GENESIS_HASH
    expected_position = 1
    checked = 0
    events = AuditEvent.objects.filter(chain=chain).order_by("position")
    for event in events.iterator(chunk_size=2000):
        if event.position != expected_position:
            return ChainReport(chain, checked, expected_position, "missing")
        if event.prev_hash != expected_prev:
            return ChainReport(chain, checked, event.position, "link")
        if _digest(event.payload()) != event.hash:
            return ChainReport(chain, checked, event.position, "altered")
        expected_prev = event.hash
        expected_position += 1
        checked += 1
    head = AuditChainHead.objects.filter(key=chain).first()
    if head is not None and head.length > checked:
        return ChainReport(chain, checked, checked + 1, "truncated")
    if head is not None and (head.length != checked or head.last_hash != expected_prev):
        # Every link holds but the head disagrees: the last event the head knows of was
        # rewritten with a recomputed hash (or events were added behind the head's back).
        position = min(checked, head.length + 1)
        return ChainReport(chain, position - 1, position, "altered")
    return ChainReport(chain, checked, None, "")
