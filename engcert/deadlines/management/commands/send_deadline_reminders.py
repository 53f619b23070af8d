"""Send the deadline reminders due now. Safe to run from cron, often and on several hosts."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from engcert.deadlines.domain.reminders import deadline_reminders_send


class Command(BaseCommand):
    help = "Send the reminders due now before application and roster deadlines (each once)."

    def handle(self, *args: Any, **options: Any) -> None:
        run = deadline_reminders_send()
        self.stdout.write(f"applicants: {run.applicants}, unit administrators: {run.unit_admins}")
