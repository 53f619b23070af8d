"""Importing the members a society registered before engcert existed, from its spreadsheet.

`manage.py import_members FILE.xlsx --society CODE` reads one worksheet with a header row
(Chinese headers, or their English equivalents) and one member per row. Every row is read and
checked before anything is written: values missing or unknown, member and certificate numbers
already taken (in the file or in engcert), dates that are not real dates, merged cells and
formulas. Problems are reported by the row number and the column header as the file shows them.

A file with problems imports nothing, unless only the valid rows are asked for. The import is
one transaction: every member of it is imported, or none. A row already imported (same member
and certificate number in the society) is reported as already present, so importing a file a
second time adds nothing.

Each member becomes a registration marked as imported (it has no application) and a certificate
that keeps the number the society gave it, with the next position in the society's status list
and a QR payload signed like any other, so the public verification page and the register know
the member at once. The certificate's PDF is not produced: the member holds the paper the
society printed then; the next term's certificate is issued by engcert.

The member's account is the one with their email address, or a new account without a usable
password that the member claims by asking for a password reset with that address. The new
account is active (allauth resets passwords of active accounts only, and an unusable password
already keeps everyone out until the member sets one) and its address counts as verified (the
reset link proves the member reads it), so the member signs in right after choosing a password.

Identity document and mobile numbers are checked (a resident ID's check character too) but not
stored: a registration has no place for them, and the register does not need them (PIPL:
collect no more than the purpose needs). A unit whose name is not one of the society's units is
kept as written in the import's audit event.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import IO

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Max
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.cell.cell import Cell, MergedCell  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]
from openpyxl.worksheet.worksheet import Worksheet  # type: ignore[import-untyped]

from engcert.accounts.models import User
from engcert.audit.domain import audit_event_append
from engcert.certificates.domain import certificate_policy_get
from engcert.certificates.enums import CertificateSource, CertificateStatus
from engcert.certificates.keys import signing_material_for
from engcert.certificates.models import Certificate, CertificatePolicy
from engcert.certificates.payload import certificate_claims, payload_sign
from engcert.frameworks.models import Grade
from engcert.frameworks.selectors import framework_version_current
from engcert.organisations.enums import OrganisationKind
from engcert.organisations.models import Discipline, Organisation
from engcert.privacy.identity_documents import (
    normalise_document_number,
    validate_document_number,
)
from engcert.registration.models import Registration
from engcert.spreadsheets.reading import (
    HEADER_SEARCH_ROWS,
    PHONE_RE,
    CellProblem,
    Column,
    ImportFileError,
    Layout,
    RowProblem,
    cell_date,
    cell_text,
    code_key,
    document_type_of,
    last_filled_row,
    merged_cells,
    normalise,
    open_sheet,
    text_key,
)

MAX_NAME = 100  # Registration.full_name and full_name_en
MAX_NUMBER = 60  # Registration.member_number and Certificate.number
# Certificate numbers go into the verification page's address and the QR code.
NUMBER_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9\-_.]*$")


COLUMNS: tuple[Column, ...] = (
    Column("full_name", "姓名", "Name", ("Full name",)),
    Column("full_name_en", "姓名拼音", "Name in pinyin", ("Pinyin", "Name (pinyin)", "English name"), False),
    Column("document_type", "证件类型", "Document type", ("ID type", "Identity document type"), False),
    Column(
        "document_number", "证件号码", "Document number", ("ID number", "Identity document number"), False
    ),
    Column("member_number", "会员编号", "Member number", ("Membership number", "会员号")),
    Column("certificate_number", "证书编号", "Certificate number", ("证书号",)),
    Column("grade", "级别", "Grade", ("会员级别", "申请级别")),
    Column("discipline", "专业领域", "Professional field", ("Discipline", "Field", "专业")),
    Column("unit", "工作单位", "Unit", ("Employer", "Work unit", "Company", "单位", "工作单位名称"), False),
    Column("email", "电子邮箱", "Email", ("E-mail", "Email address", "邮箱")),
    Column("phone", "手机", "Mobile", ("Mobile phone", "Phone", "手机号码"), False),
    Column("registered_on", "注册日期", "Registration date", ("Registered on", "Date of registration")),
    Column("valid_from", "证书有效期起", "Valid from", ("有效期起", "证书有效期自", "有效期开始日期")),
    Column("valid_until", "证书有效期至", "Valid until", ("有效期至", "证书有效期止", "有效期截止日期")),
    Column("status", "证书状态", "Status", ("Certificate status",), False),
    Column("status_reason", "状态原因", "Status reason", ("Reason",), False),
    Column("status_changed_on", "状态变更日期", "Status changed on", ("Status date",), False),
)
COLUMN_BY_KEY = {column.key: column for column in COLUMNS}

STATUS_NAMES: dict[str, CertificateStatus] = {
    "有效": CertificateStatus.VALID,
    "正常": CertificateStatus.VALID,
    "暂停": CertificateStatus.SUSPENDED,
    "撤销": CertificateStatus.REVOKED,
    "注销": CertificateStatus.REVOKED,
    "过期": CertificateStatus.EXPIRED,
    "失效": CertificateStatus.EXPIRED,
}


@dataclass
class MemberRow:
    """One member as read from the file, every value checked and looked up."""

    row: int
    full_name: str
    full_name_en: str
    member_number: str
    certificate_number: str
    grade: Grade
    discipline: Discipline
    unit: Organisation | None
    unit_text: str
    email: str
    registered_on: date
    valid_from: date
    valid_until: date
    status: CertificateStatus
    status_reason: str
    status_changed_on: date | None = None


@dataclass
class ImportReport:
    """What reading (and, unless it was a dry run or refused, importing) a file came to."""

    file_name: str
    digest: str
    rows_read: int = 0
    blank_rows: int = 0
    valid: list[MemberRow] = field(default_factory=list)
    already_present: list[MemberRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    imported: list[Registration] = field(default_factory=list)
    accounts_created: int = 0
    unmatched_units: dict[str, int] = field(default_factory=dict)
    ignored_headers: list[str] = field(default_factory=list)

    @property
    def rows_with_problems(self) -> list[int]:
        return sorted({problem.row for problem in self.problems})


# --- Reading cells ---------------------------------------------------------------------------


IDENTIFYING_KEYS = ("member_number", "certificate_number", "email")


# --- Reading the sheet -----------------------------------------------------------------------


def _header_lookup() -> dict[str, str]:
    lookup: dict[str, str] = {}
    for column in COLUMNS:
        for name in (column.header, column.header_en, *column.aliases, column.key):
            lookup[text_key(name)] = column.key
    return lookup


def _layout(sheet: Worksheet) -> Layout:
    lookup = _header_lookup()
    best: tuple[int, dict[str, int], dict[str, str], list[str]] | None = None
    for row in range(1, min(sheet.max_row, HEADER_SEARCH_ROWS) + 1):
        columns: dict[str, int] = {}
        headers: dict[str, str] = {}
        ignored: list[str] = []
        for index in range(1, sheet.max_column + 1):
            raw = sheet.cell(row=row, column=index).value
            if raw is None or not str(raw).strip():
                continue
            text = normalise(str(raw))
            key = lookup.get(text_key(text))
            if key is None:
                ignored.append(text)
            elif key in columns:
                raise ImportFileError(
                    _("The header row (row %(row)s) has the column %(header)s twice.")
                    % {"row": row, "header": text}
                )
            else:
                columns[key], headers[key] = index, text
        if len(columns) >= 3 and (best is None or len(columns) > len(best[1])):
            best = (row, columns, headers, ignored)
    if best is None:
        raise ImportFileError(
            _(
                "No header row was found in the first %(count)s rows of the sheet. The header row "
                "names the columns, e.g. 姓名, 会员编号, 证书编号, 级别 (or Name, Member number, "
                "Certificate number, Grade)."
            )
            % {"count": HEADER_SEARCH_ROWS}
        )
    row, columns, headers, ignored = best
    missing = [c for c in COLUMNS if c.required and c.key not in columns]
    if missing:
        raise ImportFileError(
            _("The header row (row %(row)s) lacks these columns: %(columns)s.")
            % {"row": row, "columns": ", ".join(f"{c.header} ({c.header_en})" for c in missing)}
        )
    if "document_number" in columns and "document_type" not in columns:
        raise ImportFileError(
            _("The file has a column 证件号码 (Document number) but no column 证件类型 (Document type).")
        )
    return Layout(header_row=row, columns=columns, headers=headers, ignored=ignored)


# --- Checking values -------------------------------------------------------------------------


@dataclass
class _Lookups:
    society: Organisation
    grades: dict[str, Grade]
    disciplines_by_code: dict[str, Discipline]
    disciplines_by_name: dict[str, list[Discipline]]
    units: dict[str, Organisation]


def _lookups(society: Organisation) -> _Lookups:
    version = framework_version_current()
    grades: dict[str, Grade] = {}
    if version is not None:
        for grade in Grade.objects.filter(framework_version=version):
            for name in (grade.code, grade.name, grade.name_en):
                if name:
                    grades[text_key(name)] = grade
    by_code: dict[str, Discipline] = {}
    by_name: dict[str, list[Discipline]] = {}
    for discipline in Discipline.objects.filter(society=society).select_related("parent"):
        by_code[code_key(discipline.code)] = discipline
        names = {discipline.name, discipline.name_en}
        if discipline.parent is not None:
            for parent_name in (discipline.parent.name, discipline.parent.name_en):
                for name in (discipline.name, discipline.name_en):
                    if parent_name and name:
                        names.update(
                            {f"{parent_name}/{name}", f"{parent_name}-{name}", f"{parent_name}（{name}）"}
                        )
        for name in names:
            if name:
                by_name.setdefault(text_key(name), []).append(discipline)
    units: dict[str, Organisation] = {}
    for unit in Organisation.objects.filter(society=society, kind=OrganisationKind.UNIT):
        for name in (unit.name, unit.name_en, unit.short_name):
            if name:
                units[text_key(name)] = unit
    return _Lookups(society, grades, by_code, by_name, units)


def _problem(layout: Layout, row: int, key: str, message: str) -> RowProblem:
    index = layout.columns.get(key)
    return RowProblem(
        row=row,
        column=layout.headers.get(key, COLUMN_BY_KEY[key].header),
        message=message,
        letter=get_column_letter(index) if index else "",
    )


class _RowReader:
    """The values of one row; each problem is noted with its column's header."""

    def __init__(self, *, sheet: Worksheet, row: int, layout: Layout, merged: dict[tuple[int, int], str]):
        self.sheet, self.row, self.layout, self.merged = sheet, row, layout, merged
        self.problems: list[RowProblem] = []
        # Member number, certificate number and email as read, for the checks across rows.
        self.identifiers: dict[str, str] = {}

    def problem(self, key: str, message: str) -> None:
        self.problems.append(_problem(self.layout, self.row, key, message))

    def _cell(self, key: str) -> Cell | None:
        index = self.layout.columns.get(key)
        if index is None:
            return None
        if (self.row, index) in self.merged:
            self.problem(
                key,
                _("The cell is merged with others (%(range)s); please unmerge it and fill in each row.")
                % {"range": self.merged[(self.row, index)]},
            )
            return None
        cell = self.sheet.cell(row=self.row, column=index)
        if isinstance(cell, MergedCell):
            return None
        if cell.data_type == "f":
            self.problem(
                key,
                _(
                    "The cell holds a formula (%(formula)s); please replace it by its value (copy, then paste values only)."
                )
                % {"formula": str(cell.value)[:60]},
            )
            return None
        if cell.data_type == "e":
            self.problem(key, _("The cell holds an error value (%(value)s).") % {"value": cell.value})
            return None
        return cell

    def text(self, key: str, *, required: bool, max_length: int = 200, fold: bool = True) -> str:
        cell = self._cell(key)
        value = cell_text(cell, fold=fold) if cell is not None else ""
        if not value:
            if required and cell is not None:
                self.problem(key, _("This value is required."))
            return ""
        if len(value) > max_length:
            self.problem(key, _("At most %(count)s characters, please.") % {"count": max_length})
            return ""
        return value

    def date(self, key: str, *, required: bool) -> date | None:
        cell = self._cell(key)
        if cell is None:
            return None
        try:
            found = cell_date(cell)
        except CellProblem as error:
            self.problem(key, str(error))
            return None
        if found is None and required:
            self.problem(key, _("This value is required."))
        return found

    def is_blank(self) -> bool:
        for index in self.layout.columns.values():
            if (self.row, index) in self.merged:
                return False
            value = self.sheet.cell(row=self.row, column=index).value
            if value is not None and str(value).strip():
                return False
        return True


def _read_row(reader: _RowReader, lookups: _Lookups, today: date) -> MemberRow | None:
    full_name = reader.text("full_name", required=True, max_length=MAX_NAME, fold=False)
    full_name_en = reader.text("full_name_en", required=False, max_length=MAX_NAME)
    _check_document(reader)
    member_number = _number(reader, "member_number")
    certificate_number = _number(reader, "certificate_number")
    reader.identifiers.update(member_number=member_number, certificate_number=certificate_number)
    grade = _grade(reader, lookups)
    discipline = _discipline(reader, lookups)
    unit_text = reader.text("unit", required=False, max_length=200, fold=False)
    unit = lookups.units.get(text_key(unit_text)) if unit_text else None
    email = reader.text("email", required=True, max_length=254).lower()
    reader.identifiers["email"] = email
    if email:
        try:
            validate_email(email)
        except ValidationError:
            reader.problem("email", _("%(value)s is not an email address.") % {"value": email})
            email = ""
    phone = reader.text("phone", required=False, max_length=30)
    if phone and not PHONE_RE.match(phone):
        reader.problem("phone", _("%(value)s is not a telephone number.") % {"value": phone})
    registered_on = reader.date("registered_on", required=True)
    valid_from = reader.date("valid_from", required=True)
    valid_until = reader.date("valid_until", required=True)
    if registered_on is not None and registered_on > today:
        reader.problem("registered_on", _("The registration date is in the future."))
    if valid_from is not None and valid_until is not None and valid_until <= valid_from:
        reader.problem("valid_until", _("The certificate must be valid until a day after it is valid from."))
    status = _status(reader, valid_until=valid_until, today=today)
    status_reason = reader.text("status_reason", required=False, max_length=1000, fold=False)
    status_changed_on = reader.date("status_changed_on", required=False)
    if status_changed_on is not None and status_changed_on > today:
        reader.problem("status_changed_on", _("The date is in the future."))
    if reader.problems:
        return None
    assert grade is not None and discipline is not None
    assert registered_on is not None and valid_from is not None and valid_until is not None
    assert status is not None
    return MemberRow(
        row=reader.row,
        full_name=full_name,
        full_name_en=full_name_en,
        member_number=member_number,
        certificate_number=certificate_number,
        grade=grade,
        discipline=discipline,
        unit=unit,
        unit_text="" if unit is not None else unit_text,
        email=email,
        registered_on=registered_on,
        valid_from=valid_from,
        valid_until=valid_until,
        status=status,
        status_reason=status_reason,
        status_changed_on=status_changed_on,
    )


def _check_document(reader: _RowReader) -> None:
    type_text = reader.text("document_type", required=False)
    number_text = reader.text("document_number", required=False, max_length=40)
    if not number_text:
        if type_text and document_type_of(type_text) is None:
            reader.problem(
                "document_type", _("%(value)s is not a type of identity document.") % {"value": type_text}
            )
        return
    cell = reader.sheet.cell(row=reader.row, column=reader.layout.columns["document_number"])
    if isinstance(cell.value, int | float) and len(number_text) >= 15:
        reader.problem(
            "document_number",
            _(
                "The number is stored as a number, which Excel rounds; format the column as text "
                "and type the number again."
            ),
        )
        return
    if not type_text:
        reader.problem("document_type", _("Say which document the number in 证件号码 is from."))
        return
    doc_type = document_type_of(type_text)
    if doc_type is None:
        reader.problem(
            "document_type", _("%(value)s is not a type of identity document.") % {"value": type_text}
        )
        return
    try:
        validate_document_number(doc_type, normalise_document_number(doc_type, number_text))
    except ValidationError as error:
        reader.problem("document_number", " ".join(error.messages))


def _number(reader: _RowReader, key: str) -> str:
    value = reader.text(key, required=True, max_length=MAX_NUMBER)
    if value and not NUMBER_RE.match(value):
        reader.problem(
            key,
            _("%(value)s may contain only letters, digits, hyphens, underscores and full stops.")
            % {"value": value},
        )
        return ""
    return value


def _grade(reader: _RowReader, lookups: _Lookups) -> Grade | None:
    value = reader.text("grade", required=True)
    if not value:
        return None
    grade = lookups.grades.get(text_key(value))
    if grade is None:
        known = sorted({g.code for g in lookups.grades.values()})
        reader.problem(
            "grade",
            _("%(value)s is not a grade; use one of %(codes)s or the grade's name.")
            % {"value": value, "codes": ", ".join(known)},
        )
    return grade


def _discipline(reader: _RowReader, lookups: _Lookups) -> Discipline | None:
    value = reader.text("discipline", required=True)
    if not value:
        return None
    found = lookups.disciplines_by_name.get(text_key(value), [])
    if not found and (code_match := lookups.disciplines_by_code.get(code_key(value))) is not None:
        found = [code_match]
    distinct = {d.pk: d for d in found}
    if len(distinct) == 1:
        return next(iter(distinct.values()))
    if len(distinct) > 1:
        reader.problem(
            "discipline",
            _("%(value)s names more than one field: %(fields)s. Please write the field's code.")
            % {"value": value, "fields": ", ".join(f"{d.code} {d.path_name}" for d in distinct.values())},
        )
    else:
        reader.problem(
            "discipline",
            _("%(value)s is not a professional field of %(society)s; write its name or its code.")
            % {"value": value, "society": lookups.society.display_name},
        )
    return None


def _status(reader: _RowReader, *, valid_until: date | None, today: date) -> CertificateStatus | None:
    value = reader.text("status", required=False)
    expired_by_date = valid_until is not None and valid_until < today
    if not value:
        return CertificateStatus.EXPIRED if expired_by_date else CertificateStatus.VALID
    key = text_key(value).removeprefix("已")
    status = STATUS_NAMES.get(key)
    if status is None:
        for choice in CertificateStatus:
            if key in (choice.value, text_key(str(choice.label))):
                status = choice
    if status is None:
        reader.problem(
            "status",
            _(
                "%(value)s is not a status; write 有效, 暂停, 撤销 or 过期 (valid, suspended, revoked, expired)."
            )
            % {"value": value},
        )
        return None
    # A certificate past its date is expired whatever the old list says, as the daily task would make it.
    if status == CertificateStatus.VALID and expired_by_date:
        return CertificateStatus.EXPIRED
    return status


# --- Checks across rows and against engcert -------------------------------------------------


def _check_duplicates(readers: list[_RowReader], layout: Layout, problems: list[RowProblem]) -> set[int]:
    """Rows that repeat a member number, certificate number or email of an earlier row, whatever
    else is wrong with either; returns their row numbers."""
    seen: dict[str, dict[str, int]] = {key: {} for key in IDENTIFYING_KEYS}
    clashing: set[int] = set()
    for reader in readers:
        for key in IDENTIFYING_KEYS:
            value = reader.identifiers.get(key, "")
            if not value:
                continue
            first = seen[key].get(value.casefold())
            if first is None:
                seen[key][value.casefold()] = reader.row
                continue
            problems.append(
                _problem(
                    layout,
                    reader.row,
                    key,
                    _("%(value)s is also in row %(row)s.") % {"value": value, "row": first},
                )
            )
            clashing.add(reader.row)
    return clashing


def _check_against_database(
    rows: list[MemberRow], *, society: Organisation, layout: Layout, report: ImportReport
) -> None:
    registrations = {
        r.member_number: r
        for r in Registration.objects.filter(
            member_number__in=[m.member_number for m in rows]
        ).select_related("society")
    }
    certificates = {
        c.number: c
        for c in Certificate.objects.filter(number__in=[m.certificate_number for m in rows]).select_related(
            "registration"
        )
    }
    # Accounts (emails compared without case) that already hold a registration of the society.
    registered_holders: dict[str, str] = dict(
        Registration.objects.filter(society=society)
        .annotate(holder_email=Lower("holder__email"))
        .filter(holder_email__in=[m.email for m in rows])
        .values_list("holder_email", "member_number")
    )
    for member in rows:
        registration = registrations.get(member.member_number)
        certificate = certificates.get(member.certificate_number)
        if (
            registration is not None
            and certificate is not None
            and registration.imported
            and registration.society_id == society.pk
            and certificate.registration_id == registration.pk
        ):
            report.already_present.append(member)
            continue
        clash = False
        if registration is not None:
            report.problems.append(
                _problem(
                    layout,
                    member.row,
                    "member_number",
                    _("Member number %(number)s is already registered in engcert (%(name)s).")
                    % {"number": member.member_number, "name": registration.full_name},
                )
            )
            clash = True
        if certificate is not None:
            report.problems.append(
                _problem(
                    layout,
                    member.row,
                    "certificate_number",
                    _("Certificate number %(number)s already belongs to member %(member)s.")
                    % {"number": member.certificate_number, "member": certificate.registration.member_number},
                )
            )
            clash = True
        if member.email in registered_holders:
            report.problems.append(
                _problem(
                    layout,
                    member.row,
                    "email",
                    _("The account %(email)s is already a registered member of the society (%(number)s).")
                    % {"email": member.email, "number": registered_holders[member.email]},
                )
            )
            clash = True
        if not clash:
            report.valid.append(member)


def _digest(source: Path | IO[bytes]) -> str:
    digest = hashlib.sha256()
    if isinstance(source, Path):
        with source.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 16), b""):
                digest.update(chunk)
    else:
        position = source.tell()
        digest.update(source.read())
        source.seek(position)
    return digest.hexdigest()


def members_file_read(*, source: Path | IO[bytes], society: Organisation, name: str = "") -> ImportReport:
    """Read and check every row of the file; writes nothing. Raises ImportFileError when the
    file as a whole cannot be used."""
    name = name or (source.name if isinstance(source, Path) else "members.xlsx")
    try:
        digest = _digest(source)
    except OSError as error:
        raise ImportFileError(
            _("%(name)s cannot be read: %(error)s") % {"name": name, "error": error}
        ) from error
    sheet = open_sheet(source, name)
    layout = _layout(sheet)
    merged = merged_cells(sheet, layout)
    lookups = _lookups(society)
    today = timezone.localdate()
    report = ImportReport(file_name=name, digest=digest, ignored_headers=layout.ignored)
    rows: list[MemberRow] = []
    readers: list[_RowReader] = []
    for row in range(layout.header_row + 1, last_filled_row(sheet, layout) + 1):
        reader = _RowReader(sheet=sheet, row=row, layout=layout, merged=merged)
        if reader.is_blank():
            report.blank_rows += 1
            continue
        report.rows_read += 1
        readers.append(reader)
        member = _read_row(reader, lookups, today)
        report.problems.extend(reader.problems)
        if member is not None:
            rows.append(member)
    clashing = _check_duplicates(readers, layout, report.problems)
    rows = [member for member in rows if member.row not in clashing]
    _check_against_database(rows, society=society, layout=layout, report=report)
    report.problems.sort(key=lambda p: (p.row, len(p.letter), p.letter))
    for member in report.valid:
        if member.unit_text:
            report.unmatched_units[member.unit_text] = report.unmatched_units.get(member.unit_text, 0) + 1
    return report


# --- Writing ---------------------------------------------------------------------------------


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _holder_for(member: MemberRow, report: ImportReport) -> User:
    user = User.objects.filter(email__iexact=member.email).first()
    if user is not None:
        return user
    # No usable password: the member claims the account with a password reset to this address.
    # The address counts as verified: the reset link proves the member reads it, exactly as a
    # confirmation mail to the same address would, so they are not asked to confirm it again.
    user = User.objects.create_user(email=member.email, password=None, full_name=member.full_name)
    EmailAddress.objects.get_or_create(
        user=user, email=member.email, defaults={"primary": True, "verified": True}
    )
    report.accounts_created += 1
    return user


def _import_rows(
    *, rows: Iterable[MemberRow], society: Organisation, report: ImportReport, by: User | None
) -> None:
    with transaction.atomic():
        # The policy row is the society's issuing lock: status-list positions are handed out in turn.
        CertificatePolicy.objects.select_for_update().get(pk=certificate_policy_get(society).pk)
        top = Certificate.objects.filter(society=society).aggregate(top=Max("status_index"))["top"]
        next_index = 0 if top is None else top + 1
        material = signing_material_for(society.code, society.name)
        now = timezone.now()
        for member in rows:
            registration = Registration.objects.create(
                member_number=member.member_number,
                holder=_holder_for(member, report),
                full_name=member.full_name,
                full_name_en=member.full_name_en,
                email=member.email,
                unit=member.unit,
                imported=True,
                society=society,
                grade=member.grade,
                discipline=member.discipline,
                registered_at=_start_of(member.registered_on),
                registered_by=by,
            )
            certificate = Certificate(
                number=member.certificate_number,
                society=society,
                registration=registration,
                term=1,
                full_name=member.full_name,
                full_name_en=member.full_name_en,
                grade=member.grade,
                discipline=member.discipline,
                valid_from=member.valid_from,
                valid_until=member.valid_until,
                status=member.status,
                status_reason=_status_reason(member),
                status_changed_at=_status_changed_at(member, now),
                status_index=next_index,
                source=CertificateSource.IMPORTED,
                key_id=material.key_id,
                # Issued on paper by the society when the member registered; engcert keeps no PDF of it.
                issued_at=_start_of(member.valid_from),
            )
            next_index += 1
            certificate.qr_token = payload_sign(claims=certificate_claims(certificate), material=material)
            certificate.save()
            audit_event_append(
                actor=by,
                action="registration.imported",
                subject=registration,
                data={
                    "member_number": member.member_number,
                    "certificate": member.certificate_number,
                    "status": member.status.value,
                    "valid_from": member.valid_from.isoformat(),
                    "valid_until": member.valid_until.isoformat(),
                    "unit_as_written": member.unit_text,
                    "file": report.file_name,
                    "file_sha256": report.digest,
                    "row": member.row,
                },
            )
            report.imported.append(registration)


def _status_changed_at(member: MemberRow, now: datetime) -> datetime | None:
    if member.status == CertificateStatus.VALID:
        return None
    if member.status_changed_on is not None:
        return _start_of(member.status_changed_on)
    if member.status == CertificateStatus.EXPIRED:
        expired_on = member.valid_until + timedelta(days=1)
        return _start_of(expired_on) if expired_on <= timezone.localdate(now) else now
    return now


def _status_reason(member: MemberRow) -> str:
    if member.status == CertificateStatus.VALID:
        return ""
    if member.status_reason or member.status == CertificateStatus.EXPIRED:
        return member.status_reason
    # The verification page shows a suspension's or revocation's reason; the old list gave none.
    return "原有会员记录中的状态（Status as recorded in the society's earlier records）"


def members_import(
    *,
    source: Path | IO[bytes],
    society: Organisation,
    only_valid: bool = False,
    dry_run: bool = False,
    by: User | None = None,
    name: str = "",
) -> ImportReport:
    """Check the file and import its members in one transaction. Nothing is imported when a row
    has a problem, unless `only_valid`; nothing at all on a dry run. Raises ImportFileError when
    the file as a whole cannot be used."""
    if society.kind != OrganisationKind.SOCIETY:
        raise ImportFileError(_("%(code)s is not a society.") % {"code": society.code})
    report = members_file_read(source=source, society=society, name=name)
    if dry_run or not report.valid or (report.problems and not only_valid):
        return report
    _import_rows(rows=report.valid, society=society, report=report, by=by)
    return report


__all__ = [
    "COLUMNS",
    "Column",
    "ImportFileError",
    "ImportReport",
    "MemberRow",
    "RowProblem",
    "members_file_read",
    "members_import",
]
