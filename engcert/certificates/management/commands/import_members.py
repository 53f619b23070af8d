"""`manage.py import_members FILE.xlsx --society CODE [--only-valid] [--dry-run]`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import IntegrityError
from django.utils import translation
from django.utils.translation import gettext as _

from engcert.accounts.models import User
from engcert.certificates.importing import COLUMNS, ImportFileError, ImportReport, members_import
from engcert.organisations.enums import OrganisationKind
from engcert.organisations.models import Organisation


def _columns_help() -> str:
    return "; ".join(f"{c.header} ({c.header_en}{'' if c.required else ', optional'})" for c in COLUMNS)


class Command(BaseCommand):
    help = (
        "Import members a society registered before engcert existed, with their certificate "
        "numbers and dates, from an Excel workbook (.xlsx): one member per row under a header row. "
        f"Columns: {_columns_help()}. Every row is checked first; a file with problems imports "
        "nothing (exit code 1) unless --only-valid. Rows already imported are reported as already "
        "present, so importing a file again adds nothing. Each member gets a registration, an "
        "account (the one with their email, or a new one they claim with a password reset) and "
        "their certificate with its own number and a signed QR payload: the public verification "
        "page and the register know them at once. The certificates' PDFs are not produced: the "
        "members hold the certificates printed then. Identity document and mobile numbers are "
        "checked but not stored."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The workbook (.xlsx); the first sheet is read.")
        parser.add_argument("--society", required=True, help="The society's code, e.g. csee.")
        parser.add_argument(
            "--only-valid",
            action="store_true",
            help="Import the rows without problems and list the others.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Check the file only; import nothing.")
        parser.add_argument(
            "--by",
            default="",
            help="Email of the staff member doing the import (recorded in the audit trail).",
        )
        parser.add_argument(
            "--language",
            default="",
            choices=["", *[code for code, _name in settings.LANGUAGES]],
            help="Language of the report (default: that of the account given with --by, else the site's).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        by = User.objects.filter(email__iexact=options["by"].strip()).first() if options["by"] else None
        # The report speaks the language asked for, else that of the person importing.
        language = options["language"] or (by.language if by is not None else settings.LANGUAGE_CODE)
        with translation.override(language):
            if options["by"] and by is None:
                raise CommandError(_("There is no account %(email)s.") % {"email": options["by"]})
            self._handle(importer=by, **options)

    def _handle(self, *, importer: User | None, **options: Any) -> None:
        by = importer
        society = Organisation.objects.filter(code=options["society"], kind=OrganisationKind.SOCIETY).first()
        if society is None:
            raise CommandError(
                _("There is no society with the code %(code)s.") % {"code": options["society"]}
            )
        if by is not None and not by.has_perm("certificates.manage_certificates", society):
            raise CommandError(
                _("%(email)s is not on the staff of %(society)s.")
                % {"email": by.email, "society": society.display_name}
            )
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(_("There is no file %(path)s.") % {"path": path})
        try:
            report = members_import(
                source=path,
                society=society,
                only_valid=options["only_valid"],
                dry_run=options["dry_run"],
                by=by,
            )
        except ImportFileError as error:
            raise CommandError(str(error)) from error
        except IntegrityError as error:
            raise CommandError(
                _(
                    "Some of these members were registered by someone else while the file was being "
                    "imported; nothing was imported. Please run the import again."
                )
            ) from error
        self._write(report, dry_run=options["dry_run"], only_valid=options["only_valid"])
        if report.problems and not options["only_valid"]:
            raise CommandError(
                _("%(count)s rows have problems; nothing was imported.")
                % {"count": len(report.rows_with_problems)}
            )

    def _write(self, report: ImportReport, *, dry_run: bool, only_valid: bool) -> None:
        out = self.stdout
        out.write(
            _("%(file)s: %(rows)s rows read, %(blank)s blank rows skipped.")
            % {"file": report.file_name, "rows": report.rows_read, "blank": report.blank_rows}
        )
        if report.ignored_headers:
            out.write(_("Columns not read: %(columns)s.") % {"columns": ", ".join(report.ignored_headers)})
        if report.problems:
            self.stderr.write(_("Problems (%(count)s rows):") % {"count": len(report.rows_with_problems)})
            for problem in report.problems:
                self.stderr.write(f"  {problem}")
        for member in report.already_present:
            out.write(
                _("Row %(row)s: %(name)s (%(number)s) is already present.")
                % {"row": member.row, "name": member.full_name, "number": member.member_number}
            )
        for unit, count in sorted(report.unmatched_units.items()):
            out.write(
                _("Unit not among the society's units, kept as written: %(unit)s (%(count)s members).")
                % {"unit": unit, "count": count}
            )
        if dry_run:
            out.write(
                _("Dry run: %(valid)s members would be imported, %(present)s are already present.")
                % {"valid": len(report.valid), "present": len(report.already_present)}
            )
            return
        if report.problems and not only_valid:
            return
        out.write(
            self.style.SUCCESS(
                _(
                    "%(imported)s members imported (%(accounts)s new accounts), %(present)s already "
                    "present, %(skipped)s rows with problems left out."
                )
                % {
                    "imported": len(report.imported),
                    "accounts": report.accounts_created,
                    "present": len(report.already_present),
                    "skipped": len(report.rows_with_problems),
                }
            )
        )
