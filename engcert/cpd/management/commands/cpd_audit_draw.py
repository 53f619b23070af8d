"""Check a recorded CPD audit draw: `manage.py cpd_audit_draw --verify <draw id>` computes the
draw again from its seed, share and population and compares it with the members it recorded."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from engcert.cpd.domain import audit_draw_verify, draw_key
from engcert.cpd.models import AuditDraw


class Command(BaseCommand):
    help = "Re-run a recorded CPD audit draw and compare it with what was recorded."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--verify", type=int, required=True, metavar="DRAW_ID", help="The draw's number.")
        parser.add_argument("--show", action="store_true", help="Print every drawn member with their HMAC.")

    def handle(self, *args: Any, **options: Any) -> None:
        draw = AuditDraw.objects.select_related("society").filter(pk=options["verify"]).first()
        if draw is None:
            raise CommandError(f"There is no audit draw {options['verify']}.")
        check = audit_draw_verify(draw=draw)
        self.stdout.write(
            f"draw {draw.pk}: {draw.society.code} {draw.year}, seed {draw.seed}, share {draw.share_percent} %, "
            f"population {len(draw.population)}, drawn {len(check.expected)}"
        )
        if options["show"]:
            for rank, number in enumerate(check.expected, start=1):
                self.stdout.write(f"{rank:>4} {number} {draw_key(draw.seed, number)}")
        if not check.matches:
            raise CommandError(
                "MISMATCH: the recorded members differ from the re-computed draw. "
                f"Recomputed: {', '.join(check.expected)}. Recorded: {', '.join(check.recorded)}."
            )
        self.stdout.write("OK: the recorded members are exactly the re-computed draw, in order.")
