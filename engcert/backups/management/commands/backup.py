"""`manage.py backup [--output FILE]`: the database, the stored files and the keys' fingerprints
in one archive. Safe while the site runs: the tables are read from one snapshot."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from engcert.backups.domain import BackupError, backup_create, default_backup_path


class Command(BaseCommand):
    help = "Back up the database and the stored files (uploads, certificates) to one tar.gz archive."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            type=Path,
            help="Where to write the archive (default: var/backups/engcert-<UTC time>.tar.gz).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["output"] or default_backup_path()
        if path.exists():
            raise CommandError(f"{path} already exists; choose another name.")
        try:
            summary = backup_create(path=path)
        except BackupError as error:
            raise CommandError(str(error)) from None
        size = path.stat().st_size
        self.stdout.write(
            f"Backed up {summary.tables} tables ({summary.rows} rows) and {summary.files} files "
            f"({summary.file_bytes} bytes) to {path} ({size} bytes). The archive holds personal data: "
            "keep it encrypted and access-controlled. The keys are not in it: keep ENGCERT_FIELD_KEYS, "
            "ENGCERT_INDEX_KEY and the signing folder safe separately."
        )
