"""Two senders at once (two task workers, or a worker and cron's send_outbox) send each email
once: each takes the emails the other does not hold (SELECT ... FOR UPDATE SKIP LOCKED).

Real row locks across connections: PostgreSQL only, each sender in its own thread."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import connection, connections
from django.utils import timezone

from engcert.outbox.domain import DeliveryCounts, outbox_deliver
from engcert.outbox.enums import OutboxStatus
from engcert.outbox.models import OutboxMessage
from tests.referees.smtp_sink import smtp_sink

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: row locks (SKIP LOCKED) across separate connections; run with ENGCERT_DB=postgres",
    ),
    pytest.mark.django_db(transaction=True),
]

EMAILS = 40


def test_two_senders_at_once_send_each_email_exactly_once(settings, outbox_over_smtp: None) -> None:
    now = timezone.now()
    OutboxMessage.objects.bulk_create(
        OutboxMessage(
            from_email="engcert <noreply@engcert.localhost>",
            recipients=[f"member{index}@example.com"],
            subject=f"Mail {index}",
            mime=f"Subject: Mail {index}\n\nBody\n".encode(),
            next_attempt_at=now,
        )
        for index in range(EMAILS)
    )
    counts = [DeliveryCounts(), DeliveryCounts()]
    barrier = threading.Barrier(2)

    def sender(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            counts[index] = outbox_deliver()
        finally:
            connections.close_all()

    # Each email takes the server 10 ms, so that the two senders overlap all along.
    with smtp_sink(refused=set(), delay=0.01) as sink:
        settings.EMAIL_PORT = sink.port
        threads = [threading.Thread(target=sender, args=(index,)) for index in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        accepted = list(sink.accepted)

    received = Counter(recipients[0] for recipients, _data in accepted)
    assert received == Counter({f"member{index}@example.com": 1 for index in range(EMAILS)})
    assert counts[0].sent + counts[1].sent == EMAILS
    assert min(counts[0].sent, counts[1].sent) > 0  # both took part
    assert set(OutboxMessage.objects.values_list("status", "attempts")) == {(OutboxStatus.SENT, 1)}
