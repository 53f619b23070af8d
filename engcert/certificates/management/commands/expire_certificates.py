"""Mark valid certificates past their last day as expired, and tell each member. Safe to run
from cron every few minutes on several servers: each certificate is locked and checked again
before it changes, so it expires (and its member is emailed) once."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from engcert.renewals.domain import certificates_expire


class Command(BaseCommand):
    help = "Valid certificates whose validity has ended become expired; each member is emailed once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", help="Run as if today were this date (YYYY-MM-DD), for testing.")

    def handle(self, *args: Any, **options: Any) -> None:
        today = _date(options.get("today"))
        report = certificates_expire(today=today)
        self.stdout.write(f"certificates expired: {report.expired}")


def _date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"--today must be a date like 2026-12-31, not {value!r}") from error
