"""Keeping the society's examiner pool: appointments, earlier employers, available days,
declared relations, rooms and the evaluation policy. Every change is audited."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from engcert.accounts.models import User
from engcert.audit.domain import audit_event_append
from engcert.examiners.enums import InterviewStatus
from engcert.examiners.models import (
    DeclaredRelation,
    EvaluationPolicy,
    Examiner,
    ExaminerAvailability,
    ExaminerEmployment,
    Interview,
    Room,
)
from engcert.examiners.selectors import LIVE_SEAT_VALUES
from engcert.organisations.enums import Role
from engcert.organisations.models import Discipline, Membership, Organisation
from engcert.privacy.crypto import blind_index
from engcert.privacy.identity_documents import normalise_document_number

# More days than anyone plans interviews for at once; a typo in a year should not add thousands.
MAX_DAYS_AT_ONCE = 366


class PoolError(Exception):
    """A change to the pool that cannot be made; the message is for people."""


def _role_set(*, user: User, society: Organisation, active: bool) -> None:
    membership, created = Membership.objects.get_or_create(
        user=user, organisation=society, role=Role.EXAMINER, defaults={"is_active": active}
    )
    if not created and membership.is_active != active:
        membership.is_active = active
        membership.save(update_fields=["is_active"])


def examiner_create(
    *,
    society: Organisation,
    user: User,
    values: dict[str, Any],
    disciplines: Iterable[Discipline],
    by: User,
) -> Examiner:
    """Appoint a person with an account to the pool; they also get the examiner role at the society."""
    if Examiner.objects.filter(society=society, user=user).exists():
        raise PoolError(_("%(person)s is already in this society's examiner pool.") % {"person": user})
    with transaction.atomic():
        examiner = Examiner.objects.create(society=society, user=user, **values)
        examiner.disciplines.set(list(disciplines))
        _role_set(user=user, society=society, active=examiner.is_active)
        audit_event_append(
            actor=by,
            action="examiner.create",
            subject=examiner,
            data={"user": user.pk, "disciplines": sorted(d.pk for d in examiner.disciplines.all())},
        )
    return examiner


def examiner_update(
    *, examiner: Examiner, values: dict[str, Any], disciplines: Iterable[Discipline], by: User
) -> Examiner:
    with transaction.atomic():
        changed = sorted(name for name, value in values.items() if getattr(examiner, name) != value)
        for name, value in values.items():
            setattr(examiner, name, value)
        examiner.save()
        examiner.disciplines.set(list(disciplines))
        _role_set(user=examiner.user, society=examiner.society, active=examiner.is_active)
        audit_event_append(
            actor=by,
            action="examiner.update",
            subject=examiner,
            data={"changed": changed, "disciplines": sorted(d.pk for d in examiner.disciplines.all())},
        )
    return examiner


def examiner_set_active(*, examiner: Examiner, active: bool, by: User, reason: str = "") -> int:
    """Deactivate (or reactivate) an examiner; returns how many live seats they still hold.

    Seats are not taken away silently: the panels concerned show as short on the panels page,
    where staff replace the examiner with a reason.
    """
    reason = reason.strip()
    if not active and not reason:
        raise PoolError(_("Please give a reason."))
    with transaction.atomic():
        examiner.is_active = active
        examiner.save(update_fields=["is_active"])
        _role_set(user=examiner.user, society=examiner.society, active=active)
        audit_event_append(
            actor=by,
            action="examiner.activate" if active else "examiner.deactivate",
            subject=examiner,
            reason=reason,
        )
    return examiner.seats.filter(status__in=LIVE_SEAT_VALUES).count()


def examiner_employment_add(
    *, examiner: Examiner, employer: str, start_date: date | None, end_date: date | None, by: User
) -> ExaminerEmployment:
    employer = employer.strip()
    if not employer:
        raise PoolError(_("Please name the employer."))
    if start_date and end_date and end_date < start_date:
        raise PoolError(_("The end date must not be before the start date."))
    with transaction.atomic():
        row = ExaminerEmployment.objects.create(
            examiner=examiner, employer=employer, start_date=start_date, end_date=end_date
        )
        audit_event_append(
            actor=by, action="examiner.employment_add", subject=examiner, data={"employer": employer}
        )
    return row


def examiner_employment_remove(*, row: ExaminerEmployment, by: User) -> None:
    with transaction.atomic():
        audit_event_append(
            actor=by,
            action="examiner.employment_remove",
            subject=row.examiner,
            data={"employer": row.employer},
        )
        row.delete()


def dates_in_range(*, first: date, last: date, weekdays: Iterable[int]) -> list[date]:
    """The dates from first to last (both included) that fall on the given weekdays (Monday = 0)."""
    wanted = set(weekdays)
    count = (last - first).days + 1
    return [
        first + timedelta(days=i)
        for i in range(max(0, count))
        if (first + timedelta(days=i)).weekday() in wanted
    ]


def examiner_days_add(
    *, examiner: Examiner, first: date, last: date, weekdays: Iterable[int], by: User
) -> int:
    """Add every chosen weekday between two dates as an available day; returns how many were new."""
    if last < first:
        raise PoolError(_("The last day must not be before the first."))
    if (last - first).days >= MAX_DAYS_AT_ONCE:
        raise PoolError(_("Please add at most a year of days at once."))
    days = dates_in_range(first=first, last=last, weekdays=weekdays)
    if not days:
        raise PoolError(_("None of the chosen weekdays falls between these dates."))
    with transaction.atomic():
        existing = set(
            ExaminerAvailability.objects.filter(examiner=examiner, date__in=days).values_list(
                "date", flat=True
            )
        )
        new = [ExaminerAvailability(examiner=examiner, date=d) for d in days if d not in existing]
        ExaminerAvailability.objects.bulk_create(new)
        audit_event_append(
            actor=by,
            action="examiner.days_add",
            subject=examiner,
            data={"first": first.isoformat(), "last": last.isoformat(), "added": len(new)},
        )
    return len(new)


def examiner_days_remove(*, examiner: Examiner, days: Iterable[date], by: User) -> int:
    """Remove available days; a day on which the examiner sits on a scheduled interview stays."""
    days = sorted(set(days))
    with transaction.atomic():
        blocked = [d for d in days if d in examiner_interview_days(examiner=examiner)]
        if blocked:
            raise PoolError(
                _(
                    "The examiner sits on interviews on %(days)s; move those interviews or change the panel first."
                )
                % {"days": ", ".join(d.isoformat() for d in blocked)}
            )
        removed, _details = ExaminerAvailability.objects.filter(examiner=examiner, date__in=days).delete()
        audit_event_append(
            actor=by,
            action="examiner.days_remove",
            subject=examiner,
            data={"days": [d.isoformat() for d in days], "removed": removed},
        )
    return removed


def examiner_interview_days(*, examiner: Examiner) -> set[date]:
    """Local dates on which the examiner holds a live seat on a scheduled interview."""
    starts = Interview.objects.filter(
        status=InterviewStatus.SCHEDULED,
        application__panel__seats__examiner=examiner,
        application__panel__seats__status__in=LIVE_SEAT_VALUES,
    ).values_list("starts_at", flat=True)
    return {timezone.localtime(moment).date() for moment in starts}


def declared_relation_add(
    *,
    examiner: Examiner,
    relation: str,
    by: User,
    person_name: str = "",
    id_number: str = "",
    organisation: str = "",
) -> DeclaredRelation:
    """Record a relation the examiner declared. An identity-document number is kept only as its
    blind index, enough to recognise the person's application without storing the number."""
    person_name, organisation, relation = person_name.strip(), organisation.strip(), relation.strip()
    if not (person_name or organisation):
        raise PoolError(_("Please name the person or the organisation."))
    if id_number.strip() and not person_name:
        raise PoolError(_("Please give the person's name with the identity-document number."))
    if not relation:
        raise PoolError(_("Please say what the relation is."))
    number = normalise_document_number("", id_number)
    with transaction.atomic():
        row = DeclaredRelation.objects.create(
            examiner=examiner,
            person_name=person_name,
            id_number_index=blind_index(number) if number else "",
            organisation=organisation,
            relation=relation,
        )
        audit_event_append(
            actor=by,
            action="examiner.relation_add",
            subject=examiner,
            data={"relation": row.pk, "person": bool(person_name), "organisation": organisation},
        )
    return row


def declared_relation_remove(*, row: DeclaredRelation, by: User, reason: str) -> None:
    reason = reason.strip()
    if not reason:
        raise PoolError(_("Please give a reason."))
    with transaction.atomic():
        audit_event_append(
            actor=by,
            action="examiner.relation_remove",
            subject=row.examiner,
            reason=reason,
            data={"relation": row.pk, "text": row.relation},
        )
        row.delete()


def room_saved(*, room: Room, by: User, created: bool) -> None:
    audit_event_append(
        actor=by,
        action="room.create" if created else "room.update",
        subject=room,
        data={"name": room.name, "mode": room.mode, "active": room.is_active},
    )


def evaluation_policy_saved(*, policy: EvaluationPolicy, by: User, changed: list[str]) -> None:
    audit_event_append(actor=by, action="evaluation_policy.update", subject=policy, data={"changed": changed})
