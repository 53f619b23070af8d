"""Remind examiners of score sheets overdue or due within a day; safe to run as often as cron likes."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from engcert.scoring.tasks import score_sheet_reminders_send


class Command(BaseCommand):
    help = "Email examiners about score sheets that are overdue or due within a day (each reminder once)."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = score_sheet_reminders_send.call()
        self.stdout.write(f"{sent} reminder {'email' if sent == 1 else 'emails'} sent.")
