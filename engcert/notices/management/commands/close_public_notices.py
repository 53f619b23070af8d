"""Close the public notices whose period has ended. Run from cron every few minutes on one host;
running it again, or twice at once, changes nothing more."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from engcert.notices.domain.notice import notice_periods_close


class Command(BaseCommand):
    help = "Candidates of public notices whose period has ended pass the notice; finished notices close."

    def handle(self, *args: Any, **options: Any) -> None:
        report = notice_periods_close(now=timezone.now())
        self.stdout.write(
            f"notices due: {report.notices}, candidates passed: {report.passed}, "
            f"waiting on an objection: {report.held}, notices closed: {report.closed}"
        )
