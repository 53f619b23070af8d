"""Remind members whose certificate ends soon (each society's reminder days, default 180, 90
and 30 days before). Safe to run from cron every few minutes on several servers: a reminder is
a row unique per certificate and threshold, and only the run that inserts it sends the email.
A run after a pause sends the one reminder due now, never the ones it missed."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from engcert.certificates.management.commands.expire_certificates import _date
from engcert.renewals.domain import renewal_reminders_send


class Command(BaseCommand):
    help = "Email members whose certificate ends within one of the reminder thresholds, once per threshold."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", help="Run as if today were this date (YYYY-MM-DD), for testing.")

    def handle(self, *args: Any, **options: Any) -> None:
        report = renewal_reminders_send(today=_date(options.get("today")))
        self.stdout.write(f"reminders sent: {report.sent}, already sent before: {report.already}")
