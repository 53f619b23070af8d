"""The outbox: emails are written in the caller's transaction, then delivered by a task (or by
`manage.py send_outbox` from cron) through the real mail backend. A message the server cannot
take now (connection refused, a timeout, a 4xx answer) is tried again later, waiting twice as
long each time, up to a limit; one it refuses for good (a 5xx answer) is marked as failed with the
server's answer, and the hook of what it was about is told (e.g. a referee's address refused).

Two senders never send one message twice: each message is locked while it is sent (SELECT ...
FOR UPDATE SKIP LOCKED) and marked sent in the same transaction. Should a sender die between the
mail server's acceptance and that commit, the message is sent again on the next try: a rare
second copy is better than a lost email."""

from __future__ import annotations

import logging
import re
import smtplib
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from engcert.accounts.models import User
from engcert.audit.domain import audit_event_append
from engcert.outbox.enums import OutboxStatus
from engcert.outbox.models import OutboxMessage

logger = logging.getLogger(__name__)

_reference: ContextVar[str] = ContextVar("outbox_reference", default="")

# kind of reference ("referees.request") → what to do when a message about it is refused for good:
# handler(object id, the server's answer). Registered by the app concerned in its AppConfig.ready.
RefusalHandler = Callable[[str, str], None]
_refusal_handlers: dict[str, RefusalHandler] = {}


class OutboxError(Exception):
    pass


@contextmanager
def outbox_about(reference: str) -> Iterator[None]:
    """Mark the emails sent inside the block as being about `reference` ("<kind>:<id>")."""
    token = _reference.set(reference)
    try:
        yield
    finally:
        _reference.reset(token)


def outbox_refusal_handler_register(*, kind: str, handler: RefusalHandler) -> None:
    _refusal_handlers[kind] = handler


class StoredEmail(EmailMessage):
    """An outbox row as the delivery backend expects a message: the envelope from the row, the
    message itself exactly as it was written (not rendered again)."""

    def __init__(self, row: OutboxMessage) -> None:
        super().__init__(
            subject=row.subject, body=row.body, from_email=row.from_email, to=list(row.recipients)
        )
        self.raw = bytes(row.mime)

    def message(self) -> Any:  # the backends read as_bytes() and get_charset() of what this returns
        return _WireMessage(self.raw)


class _WireMessage:
    def __init__(self, raw: bytes) -> None:
        self.raw = raw

    def as_bytes(self, unixfrom: bool = False, linesep: str = "\n") -> bytes:
        return re.sub(rb"\r?\n", linesep.encode("ascii"), self.raw)

    def as_string(self, unixfrom: bool = False, linesep: str = "\n") -> str:
        return self.as_bytes(linesep=linesep).decode("utf-8", "replace")

    def get_charset(self) -> None:
        return None


def _one_line(subject: str) -> str:
    """A subject as one line: every run of whitespace (a line break from a name or a reason,
    a tab) becomes one space, so no text can raise BadHeaderError or start a header of its own."""
    return " ".join(subject.split())


def outbox_messages_store(*, messages: Sequence[EmailMessage]) -> list[OutboxMessage]:
    """Write the messages in the current transaction; deliver them once it commits."""
    now = timezone.now()
    reference = _reference.get()
    for message in messages:
        message.subject = _one_line(str(message.subject))
    rows = [
        OutboxMessage(
            reference=reference[:100],
            from_email=message.from_email or settings.DEFAULT_FROM_EMAIL,
            recipients=list(message.recipients()),
            subject=message.subject[:1000],
            body=str(message.body),
            mime=message.message().as_bytes(),
            next_attempt_at=now,
            created_at=now,
        )
        for message in messages
        if message.recipients()
    ]
    if not rows:
        return []
    with transaction.atomic():
        stored = OutboxMessage.objects.bulk_create(rows)
        ids = [row.pk for row in stored]
        # robust: an unreachable task queue must not undo work already committed; cron's
        # send_outbox sends what no task took.
        transaction.on_commit(lambda: _deliver_later(ids), robust=True)
    return stored


def _deliver_later(ids: list[int], *, at: datetime | None = None) -> None:
    from engcert.outbox.tasks import outbox_deliver_task

    task = outbox_deliver_task
    if at is not None:
        if not task.get_backend().supports_defer:
            return  # cron's send_outbox tries it again when it is due
        task = task.using(run_after=at)
    task.enqueue(message_ids=ids)


def max_attempts() -> int:
    return int(settings.ENGCERT_OUTBOX_MAX_ATTEMPTS)


def retry_delay(attempts: int) -> timedelta:
    """Wait twice as long after each failed try: 1, 2, 4, 8 … times the first delay."""
    first = int(settings.ENGCERT_OUTBOX_RETRY_SECONDS)
    return timedelta(seconds=first * 2 ** max(attempts - 1, 0))


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def smtp_refusal(error: Exception) -> tuple[bool, str]:
    """(refused for good?, what the server said) for an error met while sending."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        answers = list(error.recipients.values())
        text = "; ".join(f"{code} {_text(message)}" for code, message in answers)
        return bool(answers) and all(500 <= code < 600 for code, _message in answers), text
    if isinstance(error, smtplib.SMTPAuthenticationError):
        # Our credentials, not the message: it will go once the configuration is fixed.
        return False, f"{error.smtp_code} {_text(error.smtp_error)}"
    if isinstance(error, smtplib.SMTPResponseException):
        return 500 <= error.smtp_code < 600, f"{error.smtp_code} {_text(error.smtp_error)}"
    return False, f"{type(error).__name__}: {error}".strip()


@dataclass
class DeliveryCounts:
    sent: int = 0
    retrying: int = 0
    failed: int = 0


def _delivery_connection() -> BaseEmailBackend:
    connection: BaseEmailBackend = get_connection(
        settings.ENGCERT_EMAIL_DELIVERY_BACKEND, fail_silently=False
    )
    return connection


def _refused(message: OutboxMessage, answer: str) -> None:
    kind, _sep, object_id = message.reference.partition(":")
    handler = _refusal_handlers.get(kind)
    if handler is not None and object_id:
        handler(object_id, answer)


def _deliver_one(
    message: OutboxMessage, connection: BaseEmailBackend, now: datetime, counts: DeliveryCounts
) -> datetime | None:
    """Send one locked message and record the outcome; the time of its next try, if any."""
    message.attempts += 1
    try:
        connection.send_messages([StoredEmail(message)])
    except Exception as error:  # whatever the backend raised, the message's state says what happened
        connection.close()
        permanent, answer = smtp_refusal(error)
        message.last_error = answer[:2000]
        if permanent or message.attempts >= max_attempts():
            message.status = OutboxStatus.FAILED
            message.next_attempt_at = None
            message.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
            counts.failed += 1
            logger.warning("email %s to %s failed: %s", message.pk, message.recipients, answer)
            if permanent:
                _refused(message, answer)
            return None
        message.next_attempt_at = now + retry_delay(message.attempts)
        message.save(update_fields=["attempts", "last_error", "next_attempt_at"])
        counts.retrying += 1
        logger.info("email %s to %s will be tried again: %s", message.pk, message.recipients, answer)
        return message.next_attempt_at
    message.status = OutboxStatus.SENT
    message.sent_at = timezone.now()
    message.next_attempt_at = None
    message.save(update_fields=["attempts", "status", "sent_at", "next_attempt_at", "last_error"])
    counts.sent += 1
    return None


def outbox_deliver(
    *, message_ids: Iterable[int] | None = None, now: datetime | None = None, limit: int | None = None
) -> DeliveryCounts:
    """Send the messages due now (or those of `message_ids` that are due), each in its own
    transaction, skipping those another sender holds."""
    now = now or timezone.now()
    due = Q(status=OutboxStatus.QUEUED, next_attempt_at__lte=now)
    if message_ids is not None:
        due &= Q(pk__in=list(message_ids))
    counts = DeliveryCounts()
    seen: set[int] = set()
    connection = _delivery_connection()
    try:
        while limit is None or len(seen) < limit:
            with transaction.atomic():
                message = (
                    OutboxMessage.objects.select_for_update(skip_locked=True)
                    .filter(due)
                    .exclude(pk__in=seen)
                    .order_by("next_attempt_at", "pk")
                    .first()
                )
                if message is None:
                    break
                seen.add(message.pk)
                retry_at = _deliver_one(message, connection, now, counts)
                if retry_at is not None:
                    transaction.on_commit(partial(_deliver_later, [message.pk], at=retry_at), robust=True)
    finally:
        connection.close()
    return counts


def outbox_message_retry(*, message: OutboxMessage, by: User) -> OutboxMessage:
    """Staff try a message again now, with a fresh set of tries (e.g. after fixing an address at
    the receiving end or the mail server's configuration)."""
    if not (by.is_superuser or by.is_staff):
        raise OutboxError(_("Only administrators can send an email again."))
    with transaction.atomic():
        locked = OutboxMessage.objects.select_for_update().get(pk=message.pk)
        if locked.status == OutboxStatus.SENT:
            raise OutboxError(_("This email has been sent already."))
        previous = {"status": locked.status, "attempts": locked.attempts, "last_error": locked.last_error}
        locked.status = OutboxStatus.QUEUED
        locked.attempts = 0
        locked.next_attempt_at = timezone.now()
        locked.save(update_fields=["status", "attempts", "next_attempt_at"])
        audit_event_append(actor=by, action="outbox.retried", subject=locked, data=previous)
        ids = [locked.pk]
        transaction.on_commit(lambda: _deliver_later(ids), robust=True)
    return locked


def outbox_waiting_count() -> int:
    return OutboxMessage.objects.filter(status=OutboxStatus.QUEUED).count()
