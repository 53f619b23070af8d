"""The whole application as plain data, kept at every submission.

A snapshot holds what the applicant handed in, section by section: the application's own fields,
each row of the repeating sections under a stable key (its id), the competency statements by
area, the attachments by name and SHA-256 and the pledge signed. Values are stored raw (choice
values, ISO dates, a reference's id with its names at the time) so that two snapshots compare
exactly and a reader sees them in their own language later. The identity document number is kept
masked, with the blind index to tell a change: a snapshot never holds the number in clear.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import Max
from django.utils import timezone

from engcert.accounts.models import User
from engcert.applications.models import (
    Achievement,
    Application,
    ApplicationSnapshot,
    Attachment,
    CompetencyStatement,
    CpdRecord,
    Education,
    InternationalTitle,
    PledgeSignature,
    Project,
    WorkEntry,
)
from engcert.applications.sections import SECTION_KEYS
from engcert.frameworks.models import CompetencyArea, Grade
from engcert.organisations.models import Discipline, Organisation

SNAPSHOT_FORMAT = 1

REFEREE_FIELDS = (
    "referee_name",
    "referee_position",
    "referee_organisation",
    "referee_email",
    "referee_phone",
)
PERSONAL_FIELDS = (
    "full_name",
    "full_name_en",
    "gender",
    "birth_date",
    "nationality",
    "id_type",
    "id_number",
    "phone",
    "email",
    "address",
    "employer",
    "department_position",
)


@dataclass(frozen=True)
class RowsSpec:
    """A repeating section: where its rows live and which of their fields the file shows."""

    related_name: str
    model: type[models.Model]
    fields: tuple[str, ...]
    title_fields: tuple[str, ...]


# The application's own fields, by the section of the form that edits them.
APPLICATION_FIELDS: dict[str, tuple[str, ...]] = {
    "application": ("grade", "discipline", "unit", "eligibility_explanation"),
    "personal": PERSONAL_FIELDS,
    "international": ("simplified_requested",),
}

ROW_SECTIONS: dict[str, RowsSpec] = {
    "education": RowsSpec(
        "education",
        Education,
        ("degree", "institution", "major", "start_date", "end_date", "accredited", "certificate"),
        ("institution", "major"),
    ),
    "work": RowsSpec(
        "work_entries",
        WorkEntry,
        (
            "employer",
            "department",
            "position",
            "start_date",
            "end_date",
            "is_engineering_practice",
            "is_responsible_charge",
            "description",
            *REFEREE_FIELDS,
        ),
        ("employer", "position"),
    ),
    "projects": RowsSpec(
        "projects",
        Project,
        (
            "name",
            "start_date",
            "end_date",
            "role",
            "scale",
            "responsibilities",
            "results",
            *REFEREE_FIELDS,
        ),
        ("name",),
    ),
    "achievements": RowsSpec(
        "achievements",
        Achievement,
        ("kind", "title", "issuer", "date", "reference", "detail"),
        ("title",),
    ),
    "international": RowsSpec(
        "international_titles",
        InternationalTitle,
        ("kind", "other_name", "number", "issuer", "issued_on", "expires_on", "evidence"),
        ("kind", "number"),
    ),
    "cpd": RowsSpec(
        "cpd_records",
        CpdRecord,
        ("activity_type", "title", "date", "hours", "provider"),
        ("title",),
    ),
    "attachments": RowsSpec(
        "attachments",
        Attachment,
        ("original_name", "kind", "description", "size", "sha256"),
        ("original_name",),
    ),
}
COMPETENCY_FIELDS = ("area", "text", "projects")
PLEDGE_FIELDS = ("version", "typed_name", "consents_to_verification", "signed_at")

Value = Any  # str | int | bool | None | list[str] | dict[str, str]


def _plain(raw: Any) -> Value:
    if raw is None or isinstance(raw, (bool, int, str)):
        return raw
    if isinstance(raw, datetime):
        return (
            timezone.localtime(raw).isoformat(timespec="minutes")
            if timezone.is_aware(raw)
            else raw.isoformat()
        )
    if isinstance(raw, date):
        return raw.isoformat()
    if isinstance(raw, Decimal):
        return str(raw)
    return str(raw)


def _named(obj: Grade | Organisation | CompetencyArea | None) -> Value:
    if obj is None:
        return None
    return {"id": str(obj.pk), "text": obj.name, "text_en": obj.name_en}


def _discipline(obj: Discipline | None) -> Value:
    if obj is None:
        return None
    parent = obj.parent
    if parent is None:
        return {"id": str(obj.pk), "text": obj.name, "text_en": obj.name_en}
    # As `Discipline.path_name` reads in English: each level falls back to its Chinese name.
    return {
        "id": str(obj.pk),
        "text": f"{parent.name} / {obj.name}",
        "text_en": f"{parent.name_en or parent.name} / {obj.name_en or obj.name}",
    }


def _file(attachment: Attachment | None) -> Value:
    if attachment is None:
        return None
    return {"id": str(attachment.uid), "text": attachment.original_name, "sha256": attachment.sha256}


def _row(instance: models.Model, fields: tuple[str, ...], files: dict[int, Attachment]) -> dict[str, Value]:
    values: dict[str, Value] = {}
    for name in fields:
        field = instance._meta.get_field(name)
        if isinstance(field, models.ForeignKey) and field.related_model is Attachment:
            values[name] = _file(files.get(getattr(instance, field.attname)))
        else:
            values[name] = _plain(getattr(instance, name))
    return values


def _pledge_signature(application: Application) -> PledgeSignature | None:
    if Application.pledge_signature.is_cached(application):  # type: ignore[attr-defined]
        try:
            return application.pledge_signature
        except PledgeSignature.DoesNotExist:
            return None
    return PledgeSignature.objects.filter(application=application).select_related("pledge").first()


def _section(
    fields: dict[str, Value] | None = None, rows: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    return {"fields": fields or {}, "rows": rows or []}


def application_snapshot_data(*, application: Application) -> dict[str, Any]:
    """Every section of the application as plain data; reads what `application_get_full` prefetches."""
    files = {attachment.pk: attachment for attachment in application.attachments.all()}
    sections: dict[str, dict[str, Any]] = {}

    sections["application"] = _section(
        {
            "grade": _named(application.grade),
            "discipline": _discipline(application.discipline),
            "unit": _named(application.unit),
            "eligibility_explanation": application.eligibility_explanation,
        }
    )
    personal = {name: _plain(getattr(application, name)) for name in PERSONAL_FIELDS if name != "id_number"}
    personal["id_number"] = (
        {"text": application.id_number_masked, "index": application.id_number_index}
        if application.id_number
        else None
    )
    sections["personal"] = _section({name: personal[name] for name in PERSONAL_FIELDS})

    for key, spec in ROW_SECTIONS.items():
        rows = [
            {
                "key": str(instance.uid) if isinstance(instance, Attachment) else str(instance.pk),
                "values": _row(instance, spec.fields, files),
            }
            for instance in getattr(application, spec.related_name).all()
        ]
        sections[key] = _section(rows=rows)
    sections["international"]["fields"] = {"simplified_requested": application.simplified_requested}

    areas = {area.pk: area for area in application.framework_version.areas.all()}
    statements: list[CompetencyStatement] = sorted(
        application.statements.all(), key=lambda s: areas[s.area_id].number if s.area_id in areas else 0
    )
    sections["competency"] = _section(
        rows=[
            {
                "key": str(areas[s.area_id].number) if s.area_id in areas else f"area-{s.area_id}",
                "values": {
                    "area": _named(areas.get(s.area_id)),
                    "text": s.text,
                    "projects": [p.name for p in sorted(s.projects.all(), key=lambda p: p.pk)],
                },
            }
            for s in statements
        ]
    )
    signature = _pledge_signature(application)
    sections["pledge"] = _section(
        {
            "version": signature.pledge.version,
            "typed_name": signature.typed_name,
            "consents_to_verification": signature.consents_to_verification,
            "signed_at": _plain(signature.signed_at),
        }
        if signature is not None
        else {}
    )
    # In the order of the form.
    return {
        "format": SNAPSHOT_FORMAT,
        "sections": {key: sections[key] for key in SECTION_KEYS if key in sections},
    }


def application_snapshot_take(
    *, application: Application, by: User, state: str, sequence: int | None = None
) -> ApplicationSnapshot:
    """Keep the application as it is now; called inside the submission's transaction."""
    if sequence is None:
        last = application.snapshots.aggregate(last=Max("sequence"))["last"] or 0
        sequence = last + 1
    return ApplicationSnapshot.objects.create(
        application=application,
        sequence=sequence,
        state=state,
        taken_at=timezone.now(),
        taken_by=by,
        data=application_snapshot_data(application=application),
    )
