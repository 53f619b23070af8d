from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from engcert.audit.domain import MAIN_CHAIN, audit_chain_verify

PROBLEMS = {
    "missing": "event is missing (deleted)",
    "link": "event does not link to the one before it (an earlier event was changed or removed)",
    "altered": "event was altered after it was written",
    "truncated": "events at the end of the chain were deleted",
}


class Command(BaseCommand):
    help = "Check the audit trail's hash chain and name the first broken link."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--chain", default=MAIN_CHAIN)

    def handle(self, *args: Any, **options: Any) -> None:
        report = audit_chain_verify(chain=options["chain"])
        if report.ok:
            self.stdout.write(f"audit chain '{report.chain}': {report.checked} events, intact")
            return
        raise CommandError(
            f"audit chain '{report.chain}' is broken at event #{report.broken_at}: "
            f"{PROBLEMS[report.problem]} ({report.checked} events verified before it)"
        )
