"""A person's copy of their data: data.json, the files they uploaded and a README, in one ZIP.

`SECTIONS` says, model by model, which rows are the person's and which fields leave;
`EXCLUDED` names every model that touches a person but is left out, with the reason (the
README inside the ZIP repeats both). A test walks every model with a foreign key to a user or
to a person's application, registration, certificate or appeal and fails when one is in
neither, so a new model cannot be forgotten silently.

Other people never leave: a foreign key to another user is written as "another person" (names
only where the person is entitled to them: who looked at their identity-document number),
examiners' private notes and scores, committee votes, panels and similarity matches are left
out.
"""

from __future__ import annotations

import json
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import PurePosixPath
from typing import IO, Any
from uuid import UUID

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import Q, QuerySet
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from engcert.accounts.models import User

SELF = "you"
SOMEONE_ELSE = "another person"
FORMAT_VERSION = 1


@dataclass(frozen=True)
class Section:
    """Rows of one model that are the person's, and the fields of them that are left out."""

    label: str
    rows: Callable[[User], Q]
    left_out: tuple[str, ...] = ()
    name_viewers: bool = False  # write other users' names (only for the identity-number log)


def _mine(*, via: str) -> Callable[[User], Q]:
    return lambda person: Q(**{via: person})


_APPLICATION = _mine(via="application__applicant")
_REGISTRATION = lambda person: Q(registration__holder=person) | Q(registration__application__applicant=person)  # noqa: E731

SECTIONS: tuple[Section, ...] = (
    Section("accounts.User", lambda person: Q(pk=person.pk), ("password", "is_superuser", "is_staff")),
    Section("account.EmailAddress", _mine(via="user")),
    # The authenticator's secret and recovery codes are credentials, not data about the person.
    Section("mfa.Authenticator", _mine(via="user"), ("data",)),
    Section("organisations.Membership", _mine(via="user")),
    Section("applications.Application", _mine(via="applicant"), ("id_number_index",)),
    Section("applications.PledgeSignature", _APPLICATION),
    Section("applications.Attachment", _APPLICATION),
    Section("applications.Education", _APPLICATION),
    Section("applications.WorkEntry", _APPLICATION),
    Section("applications.Project", _APPLICATION),
    Section("applications.CompetencyStatement", _APPLICATION),
    Section("applications.Achievement", _APPLICATION),
    Section("applications.InternationalTitle", _APPLICATION),
    Section("applications.CpdRecord", _APPLICATION),
    Section("applications.ApplicationSnapshot", _APPLICATION),
    # The outcome and its reason reach the person; the reviewer's working notes do not.
    Section("review.InitialReview", _APPLICATION, ("notes", "snapshot")),
    Section("review.RevisionRequest", _APPLICATION),
    Section("review.TitleVerification", _APPLICATION, ("note",)),
    Section("examiners.CandidateUnavailability", _APPLICATION),
    Section("examiners.Interview", _APPLICATION, ("note", "schedule_run")),
    # The committee's decision, not its vote counts or deliberation.
    Section(
        "committee.AgendaItem",
        _APPLICATION,
        (
            "meeting",
            "position",
            "rationale",
            "departure_reason",
            "members_count",
            "voting_count",
            "approve_count",
            "not_approve_count",
            "abstain_count",
        ),
    ),
    Section("notices.NoticeEntry", _APPLICATION),
    Section("registration.PackageItem", _APPLICATION, ("package",)),
    Section(
        "registration.Registration",
        lambda person: Q(holder=person) | Q(application__applicant=person),
        ("package_item",),
    ),
    Section("certificates.Certificate", _REGISTRATION, ("qr_token", "key_id", "status_index", "run")),
    Section("certificates.RegisterListing", _REGISTRATION),
    Section("cpd.CpdActivity", _REGISTRATION),
    Section("cpd.AuditSelection", _REGISTRATION, ("draw", "rank", "note")),
    Section(
        "renewals.Renewal",
        lambda person: Q(registration__holder=person) | Q(registration__application__applicant=person),
    ),
    Section(
        "renewals.RenewalReminder",
        lambda person: Q(certificate__registration__holder=person)
        | Q(certificate__registration__application__applicant=person),
    ),
    Section(
        "appeals.Appeal",
        lambda person: Q(lodged_by=person) | Q(application__applicant=person),
        ("decision_event",),
    ),
    Section(
        "appeals.AppealEvidence",
        lambda person: Q(appeal__lodged_by=person) | Q(appeal__application__applicant=person),
    ),
    # Referees the person named and asked: their contact details are what the person gave.
    Section("referees.RefereeRequest", _APPLICATION),
    Section("units.Endorsement", _APPLICATION),
    Section("units.AdminRequest", _mine(via="user")),
    Section("deadlines.DeadlineExtension", _mine(via="applicant")),
    Section("deadlines.SentReminder", _mine(via="recipient")),
    Section("examiners.Examiner", _mine(via="user")),
    Section("committee.MeetingMember", _mine(via="user")),
    Section("appeals.PanelMember", _mine(via="user")),
    # The history of the person's applications and what they did themselves; the event's own
    # data may name staff and is left out.
    Section(
        "audit.AuditEvent",
        lambda person: Q(application__applicant=person) | Q(actor=person),
        ("data", "prev_hash", "hash", "chain", "position"),
    ),
    # Who was shown the person's full identity-document number: they are entitled to the names.
    Section(
        "privacy.IdentityNumberView",
        lambda person: Q(
            subject_type="application",
            subject_id__in=[str(pk) for pk in person.applications.values_list("pk", flat=True)],
        ),
        name_viewers=True,
    ),
    Section("privacy.DeletionRequest", _mine(via="person"), ("decided_by",)),
)

EXCLUDED: dict[str, str] = {
    "admin.LogEntry": "changes a staff member made in the admin site: the society's records of its own work",
    "batches.Batch": "batches a staff member set up: the society's records, not data about the person",
    "review.QueueExport": "exports a staff member made of other people's applications",
    "examiners.Panel": "which examiners sat on the person's panel: data about the examiners",
    "examiners.PanelSeat": "examiners' seats on panels: data about the examiners",
    "examiners.ScheduleRun": "staff's interview scheduling runs, about many candidates",
    "scoring.PanelAssessment": (
        "the examiners' grades and working justification; the outcome reaches the person through "
        "the application's state and the committee's decision"
    ),
    "committee.Meeting": "committee meetings: about the committee and many candidates",
    "committee.Recusal": "committee members' recusals: data about the committee members",
    "notices.Notice": "the public notice as a whole lists other candidates; the person's entry is included",
    "notices.Objection": (
        "objections are filed by the public without an account, so none can be linked to the person; "
        "objections about the person stay confidential to protect the objector"
    ),
    "registration.RegistrationPolicy": "a society's settings",
    "registration.AlliancePackage": "the alliance's package lists many candidates; the person's item is included",
    "certificates.CertificatePolicy": "a society's settings",
    "certificates.IssuanceRun": "a staff member's run issuing many certificates",
    "cpd.CpdRule": "a society's settings",
    "cpd.AuditDraw": "the random CPD audit draw lists many members; the person's selection is included",
    "referees.RefereePolicy": "a society's settings",
    "similarity.SimilaritySettings": "a society's settings",
    "similarity.IndexedText": "a derived copy of the statements already included with the application",
    "similarity.SimilarPair": "compares the person's statements with other applicants' texts",
    "apiclients.ApiClient": "API clients a staff member registered for the society",
    "apiclients.ApiToken": "API credentials, not data about the person",
    "units.AdminInvitation": "invitations a unit administrator sent to other people",
    "units.EngineerInvitation": "invitations a unit administrator sent to other people",
    "rosters.RosterJob": "a staff member's roster exports and imports, about many applicants",
    "rosters.RosterImport": "a staff member's roster imports, about many applicants",
    "deadlines.DeadlinePolicy": "a society's settings",
    "deadlines.ReminderRun": "a staff member's reminder runs, about many applicants",
}


def section_rows(*, section: Section, person: User) -> QuerySet[models.Model]:
    model = apps.get_model(section.label)
    rows: QuerySet[models.Model] = (
        model._default_manager.filter(section.rows(person)).distinct().order_by("pk")
    )
    return rows


def data_export_build(*, person: User) -> IO[bytes]:
    """The ZIP as a temporary file, positioned at its start. Files are read through the storage
    API, a chunk at a time; the ZIP spills to disk past a few megabytes."""
    buffer = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 -- returned open
    data: dict[str, Any] = {
        "format": FORMAT_VERSION,
        "made_at": timezone.now().isoformat(),
        "person": person.email,
        "sections": {},
        "left_out": EXCLUDED,
    }
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for section in SECTIONS:
            rows = []
            for instance in section_rows(section=section, person=person):
                rows.append(_row(instance, section, person, archive))
            data["sections"][section.label] = {
                "left_out_fields": list(section.left_out),
                "rows": rows,
            }
        archive.writestr("data.json", json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False))
        archive.writestr("README.txt", readme_text())
    buffer.seek(0)
    return buffer


def _row(instance: models.Model, section: Section, person: User, archive: zipfile.ZipFile) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if field.name in section.left_out:
            continue
        value = getattr(instance, field.attname)
        if isinstance(field, models.ForeignKey) and field.related_model is User:
            row[field.name] = _user_value(value, person, name_viewers=section.name_viewers)
        elif isinstance(field, models.FileField):
            row[field.name] = _file_into(archive, getattr(instance, field.name), section.label, instance.pk)
        else:
            row[field.name] = _plain(value)
    return row


def _user_value(user_id: int | None, person: User, *, name_viewers: bool) -> Any:
    if user_id is None:
        return None
    if user_id == person.pk:
        return SELF
    if name_viewers:
        viewer = User.objects.filter(pk=user_id).values("full_name", "email").first()
        return (viewer["full_name"] or viewer["email"]) if viewer else SOMEONE_ELSE
    return SOMEONE_ELSE


def _file_into(archive: zipfile.ZipFile, file: FieldFile, label: str, pk: object) -> str | None:
    """Copy a stored file into the ZIP under files/; returns its path there."""
    if not file or not file.name:
        return None
    if not file.storage.exists(file.name):
        return None
    path = f"files/{label}/{pk}-{PurePosixPath(file.name).name}"
    with file.storage.open(file.name, "rb") as source, archive.open(path, "w") as target:
        for chunk in iter(lambda: source.read(1024 * 1024), b""):
            target.write(chunk)
    return path


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal | UUID):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    return value


def readme_text() -> str:
    """What the ZIP holds and leaves out, in Chinese then English (not translated at request
    time: both languages are always in the file)."""
    included = "\n".join(
        f"  - {section.label}"
        + (f" (不含/without: {', '.join(section.left_out)})" if section.left_out else "")
        for section in SECTIONS
    )
    excluded = "\n".join(f"  - {label}: {reason}" for label, reason in EXCLUDED.items())
    return README_TEMPLATE.format(
        site=getattr(settings, "ENGCERT_SITE_NAME", "engcert"), included=included, excluded=excluded
    )


README_TEMPLATE = """\
{site} — 个人数据副本 / Copy of your personal data
==================================================

【中文】
本压缩包是您在本平台上的个人数据副本，依据《个人信息保护法》第四十五条提供。
  - data.json：按数据表分组的全部记录（"sections"），每组注明不含的字段（"left_out_fields"）。
    "you" 表示您本人，"another person" 表示学会工作人员、考官等其他人（不提供其个人信息）；
    证件号码查看记录中会列出查看人的姓名，因为您有权知道谁查看了您的证件号码。
  - files/：您上传的全部文件（申请材料、继续教育证明、申诉证据）及已签发证书的 PDF，与平台存储的文件逐字节相同。
  - 不包含：考官的评分和内部意见、审议委员的投票、其他申请人的信息、认证器密钥等安全凭据。
    各项不包含的数据及原因见 data.json 的 "left_out" 和下面的英文清单。
如需更正或删除数据，请在“我的数据”页面提出。

[English]
This archive is a copy of your personal data on the platform (PIPL article 45).
  - data.json: every record, grouped by table ("sections"), each naming the fields left out
    ("left_out_fields"). "you" is you; "another person" is staff, examiners or anyone else,
    whose personal data is not given - except the names of those shown your full
    identity-document number, which you are entitled to know.
  - files/: every file you uploaded (application documents, CPD evidence, appeal evidence) and the
    PDFs of certificates issued to you, byte for byte as stored.
  - Not included: examiners' grades and private notes, committee votes, other applicants' data,
    security credentials such as authenticator secrets. What is left out and why is in
    data.json ("left_out") and listed below.
To correct or erase your data, use the "My data" page.

Included tables / 包含的数据表:
{included}

Left out, and why / 不包含的数据及原因:
{excluded}
"""
