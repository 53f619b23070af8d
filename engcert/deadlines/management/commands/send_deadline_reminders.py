"""Send the deadline reminders due now. Safe to run from cron, often and on several hosts. Each
society with reminders due gets a run its staff see on their reminders page."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from engcert.deadlines.domain.runs import reminder_runs_scheduled


class Command(BaseCommand):
    help = "Send the reminders due now before application and roster deadlines (each once)."

    def handle(self, *args: Any, **options: Any) -> None:
        runs = reminder_runs_scheduled()
        applicants = sum(run.sent_applicants for run in runs)
        unit_admins = sum(run.sent_unit_admins for run in runs)
        self.stdout.write(f"applicants: {applicants}, unit administrators: {unit_admins}")
