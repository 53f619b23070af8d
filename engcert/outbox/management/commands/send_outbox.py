"""Send the outgoing emails due now (new ones no task took, and those waiting for their next try).
Safe to run from cron, often and on several hosts: each email is locked while it is sent."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from engcert.outbox.domain import outbox_deliver, outbox_waiting_count


class Command(BaseCommand):
    help = "Send the outgoing emails due now; those the mail server cannot take yet wait for a later try."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = outbox_deliver()
        self.stdout.write(
            f"sent: {counts.sent}, to try again: {counts.retrying}, failed: {counts.failed}, "
            f"waiting: {outbox_waiting_count()}"
        )
