"""Re-encrypt stored personal data under the newest key of ENGCERT_FIELD_KEYS.

Procedure (README, "Rotating the field-encryption key"): put the new key first in
ENGCERT_FIELD_KEYS on every server and restart them, run `rotate_keys`, check with
`rotate_keys --check`, then remove the old key.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from engcert.privacy.rotation import (
    BATCH_SIZE,
    ColumnReport,
    encrypted_column_key_counts,
    encrypted_column_list,
    encrypted_column_rotate,
    encrypted_column_stale_count,
    newest_key_id,
)

# Rows skipped because another transaction held them are picked up by a further pass.
MAX_PASSES = 3


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted field whose value was not encrypted with the newest key of "
        "ENGCERT_FIELD_KEYS, in batches; safe to run while engcert serves requests and to run again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Count values per key id; change nothing.")
        parser.add_argument(
            "--check",
            action="store_true",
            help="Exit with an error while any value is encrypted with a key other than the newest.",
        )
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)

    def handle(self, *args: Any, **options: Any) -> None:
        newest = newest_key_id()
        columns = encrypted_column_list()
        if options["check"]:
            stale = {column.label: encrypted_column_stale_count(column=column) for column in columns}
            left = sum(stale.values())
            for label, count in stale.items():
                self.stdout.write(f"{label}: {count} value(s) not under key {newest}")
            if left:
                raise CommandError(f"{left} value(s) still use a key other than {newest}; run rotate_keys")
            self.stdout.write(f"every encrypted value uses the newest key {newest}")
            return
        if options["dry_run"]:
            self.stdout.write(f"newest key: {newest} (dry run, nothing changed)")
            for column in columns:
                counts = encrypted_column_key_counts(column=column)
                self.stdout.write(f"{column.label}: {_key_counts(counts)}")
            return
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1")
        reports: dict[str, ColumnReport] = {}
        for _pass in range(MAX_PASSES):
            for column in columns:
                report = encrypted_column_rotate(column=column, batch_size=options["batch_size"])
                total = reports.setdefault(column.label, ColumnReport(column))
                total.rotated += report.rotated
                total.changed_meanwhile += report.changed_meanwhile
                total.remaining, total.keys = report.remaining, report.keys
            if not any(report.remaining for report in reports.values()):
                break
        self.stdout.write(f"newest key: {newest}")
        for label, report in reports.items():
            self.stdout.write(
                f"{label}: rotated {report.rotated}, saved by someone else meanwhile "
                f"{report.changed_meanwhile}, still to rotate {report.remaining}; now {_key_counts(report.keys)}"
            )
        left = sum(report.remaining for report in reports.values())
        if left:
            raise CommandError(
                f"{left} value(s) could not be rotated yet (rows in use); run rotate_keys again"
            )
        self.stdout.write("done: every encrypted value uses the newest key")


def _key_counts(counts: dict[str, int]) -> str:
    if not counts:
        return "no values"
    return ", ".join(f"{key_id}={count}" for key_id, count in sorted(counts.items()))
