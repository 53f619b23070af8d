"""Reads of notices for the public pages and the staff's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from django.db.models import Count, Max, Q, QuerySet

from engcert.applications.enums import ApplicationState as S
from engcert.frameworks.models import Grade
from engcert.notices.enums import ObjectionStatus
from engcert.notices.models import Notice, Objection
from engcert.organisations.models import Discipline, Organisation

# How long an ended notice stays on the public list of notices.
RECENT_DAYS = 90

# Candidates a notice still lists: not those an upheld objection removed from it.
LISTED_STATES = [
    S.PUBLIC_NOTICE,
    S.OBJECTION,
    S.NOTICE_PASSED,
    S.WITH_ALLIANCE,
    S.REGISTERED,
    S.CERTIFICATE_ISSUED,
]
LISTED = Q(application__state__in=LISTED_STATES)


def notice_public_list(*, now: datetime) -> QuerySet[Notice]:
    """Notices that have begun and are running, or ended within the last ``RECENT_DAYS`` days."""
    return (
        Notice.objects.filter(starts_at__lte=now, ends_at__gte=now - timedelta(days=RECENT_DAYS))
        .select_related("batch__society")
        .annotate(listed=Count("entries", filter=Q(entries__application__state__in=LISTED_STATES)))
        .order_by("-starts_at", "-pk")
    )


def notice_public_get(*, uid: UUID, now: datetime) -> Notice | None:
    return (
        Notice.objects.filter(uid=uid, starts_at__lte=now, ends_at__gte=now - timedelta(days=RECENT_DAYS))
        .select_related("batch__society")
        .first()
    )


@dataclass(frozen=True)
class PublicRow:
    """One candidate as the public page lists them, in the reader's language."""

    uid: UUID
    name: str
    unit: str
    grade: str
    field: str


def notice_public_rows(*, notice: Notice) -> list[PublicRow]:
    """The public page's rows as plain values: a notice lists a whole batch (a thousand
    candidates), so no model instance is built per row; the few units, grades and fields are
    read once each and named once each."""
    rows = list(
        notice.entries.filter(LISTED)
        .order_by("position")
        .values_list(
            "uid",
            "application__full_name",
            "application__unit_id",
            "application__awarded_grade_id",
            "application__grade_id",
            "application__discipline_id",
        )
    )
    units = {
        unit.pk: unit.display_name for unit in Organisation.objects.filter(pk__in={row[2] for row in rows})
    }
    grades = {
        grade.pk: grade.display_name
        for grade in Grade.objects.filter(pk__in={row[3] for row in rows} | {row[4] for row in rows})
    }
    fields = {
        field.pk: field.path_name
        for field in Discipline.objects.filter(pk__in={row[5] for row in rows}).select_related("parent")
    }
    return [
        PublicRow(
            uid=uid,
            name=name,
            unit=units.get(unit_id, ""),
            grade=grades.get(awarded_id or grade_id, ""),
            field=fields.get(field_id, ""),
        )
        for uid, name, unit_id, awarded_id, grade_id, field_id in rows
    ]


def notice_listing_version(*, notice: Notice) -> str:
    """Changes whenever a candidate joins, leaves or moves on the notice's list."""
    summary = notice.entries.aggregate(
        listed=Count("pk", filter=LISTED), changed=Max("application__state_changed_at")
    )
    changed = summary["changed"]
    return f"{summary['listed']}-{changed.timestamp() if changed else 0}"


def notice_staff_list(*, society: Organisation) -> QuerySet[Notice]:
    return (
        Notice.objects.filter(batch__society=society)
        .select_related("batch")
        .annotate(
            candidates=Count("entries", distinct=True),
            open_objections=Count(
                "entries__objections",
                filter=Q(entries__objections__status=ObjectionStatus.OPEN),
                distinct=True,
            ),
        )
        .order_by("-starts_at", "-pk")
    )


def notice_objections(*, notice: Notice) -> QuerySet[Objection]:
    return (
        Objection.objects.filter(entry__notice=notice)
        .select_related("entry__application")
        .defer("objector_name", "objector_phone", "objector_email", "investigation_notes")
        .order_by("received_at", "pk")
    )
