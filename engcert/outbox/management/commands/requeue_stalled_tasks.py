"""Queue again the follow-up tasks whose worker died while running them (a notification, the
checks after a submission): marked running for longer than --older-than minutes (30), when such
a task takes seconds. Only tasks marked safe to run again are queued (engcert/tasks_queue.py); the
others are listed. Safe to run from cron, on several hosts: a task that finishes meanwhile keeps
its result."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from engcert.tasks_queue import STALLED_AFTER, stalled_tasks_requeue


class Command(BaseCommand):
    help = "Queue again the follow-up tasks left running by a task worker that died."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--older-than",
            type=int,
            default=int(STALLED_AFTER.total_seconds() // 60),
            metavar="MINUTES",
            help="running for longer than this many minutes (default %(default)s)",
        )
        parser.add_argument("--dry-run", action="store_true", help="list them, change nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        minutes = options["older_than"]
        if minutes < 1:
            raise CommandError(
                "--older-than must be at least 1 minute: a task that is running now would run twice."
            )
        found = stalled_tasks_requeue(older_than=timedelta(minutes=minutes), dry_run=options["dry_run"])
        verb = "would queue again" if options["dry_run"] else "queued again"
        for label in found.requeued:
            self.stdout.write(f"{verb}: {label}")
        for label in found.left:
            self.stdout.write(
                f"left running (not safe to run twice; a background run offers Resume): {label}"
            )
        self.stdout.write(f"{verb}: {len(found.requeued)}, left: {len(found.left)}")
