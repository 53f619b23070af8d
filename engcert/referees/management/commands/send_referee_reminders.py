"""Remind referees who have not answered, once per threshold of their society's policy.

Safe to run from cron as often as wanted (every hour, say): each threshold is recorded under a
lock before its reminder goes, so a reminder is never sent twice."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from engcert.referees.domain.requests import referee_reminders_send


class Command(BaseCommand):
    help = "Remind referees who have not answered yet (once per reminder threshold)."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = referee_reminders_send()
        if options["verbosity"] >= 1:
            self.stdout.write(f"{sent} referee reminder(s) sent.")
