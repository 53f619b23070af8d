"""`manage.py restore FILE`: replace the database and the stored files with a backup's.

Stop the app servers and workers first. Everything is checked before anything changes (the
archive's checksums, the migrations, the keys); the database is replaced in one transaction."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from engcert.backups.domain import BackupError, backup_inspect, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup`, replacing the whole database and restoring the files."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path, help="The backup archive (.tar.gz).")
        parser.add_argument("--no-input", action="store_true", help="Do not ask for confirmation.")
        parser.add_argument(
            "--check",
            action="store_true",
            help="Only check the archive (checksums, migrations) and print what it holds.",
        )
        parser.add_argument(
            "--delete-other-files",
            action="store_true",
            help="Also delete stored files that are not in the backup (default: keep and list them).",
        )
        parser.add_argument(
            "--allow-key-mismatch",
            action="store_true",
            help="Restore even when the keys that encrypted identity numbers are not configured "
            "(those numbers stay unreadable until they are).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["archive"]
        try:
            manifest = backup_inspect(path=path)
        except BackupError as error:
            raise CommandError(str(error)) from None
        rows = sum(entry["rows"] for entry in manifest["tables"])
        self.stdout.write(
            f"{path}: made {manifest['created_at']} on {manifest['database']}, {len(manifest['tables'])} tables "
            f"({rows} rows), {len(manifest['files'])} files; every checksum matches."
        )
        if options["check"]:
            return
        if not options["no_input"]:
            name = str(connection.settings_dict["NAME"])
            answer = input(f"This replaces everything in database {name!r}. Type its name to go on: ")
            if answer.strip() != name:
                raise CommandError("Nothing was changed.")
        try:
            summary = backup_restore(
                path=path,
                delete_other_files=options["delete_other_files"],
                allow_key_mismatch=options["allow_key_mismatch"],
            )
        except BackupError as error:
            raise CommandError(f"{error} Nothing in the database was changed.") from None
        for warning in summary.warnings:
            self.stderr.write(f"Warning: {warning}")
        self.stdout.write(
            f"Restored {summary.tables} tables ({summary.rows} rows); {summary.files_written} files written, "
            f"{summary.files_unchanged} already identical."
        )
        if summary.other_files:
            verb = (
                "deleted" if summary.other_files_deleted else "kept (use --delete-other-files to remove them)"
            )
            self.stdout.write(f"{len(summary.other_files)} stored files not in the backup were {verb}.")
