"""Reminders before the application deadline (to applicants with a draft or a returned
application) and before the roster deadline (to each unit's administrators). Safe to run from
cron on several hosts: each reminder is claimed by a unique row in the transaction that sends it.
A late run sends only the reminder due now, never the ones it missed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from engcert.accounts.models import User
from engcert.applications.enums import ApplicationState
from engcert.applications.models import Application
from engcert.batches.enums import BatchStatus
from engcert.batches.models import Batch
from engcert.deadlines.domain.checks import when_text
from engcert.deadlines.domain.policy import deadline_policy_get
from engcert.deadlines.enums import ReminderKind
from engcert.deadlines.models import SentReminder
from engcert.organisations.enums import Role
from engcert.organisations.models import Membership, Organisation
from engcert.units.enums import ENDORSABLE_STATES, EndorsementDecision

REMINDED_STATES = (ApplicationState.DRAFT, ApplicationState.RETURNED)


def threshold_due(*, deadline: datetime, now: datetime, days: list[int]) -> int | None:
    """The one threshold due now: the smallest number of days that still covers the time left.
    With 7,3,1 and two days left that is 3 (the 7-day reminder is past, the 1-day one to come)."""
    left = deadline - now
    if left <= timedelta(0):
        return None
    covering = [day for day in days if left <= timedelta(days=day)]
    return min(covering) if covering else None


@dataclass
class ReminderCounts:
    applicants: int = 0
    unit_admins: int = 0


@dataclass(frozen=True)
class DueReminder:
    """One reminder due now, not yet claimed: listing them all first gives a run its total."""

    kind: ReminderKind
    batch: Batch
    recipient: User
    unit: Organisation | None
    deadline: datetime
    days: int
    template: str
    context: dict[str, object]


def reminder_send(*, due: DueReminder) -> bool:
    """Write the reminder's row and send its email in one transaction: a failed email leaves no
    row (the next run tries again); a second host blocks on the row, then skips. True if sent."""
    recipient = due.recipient
    try:
        with transaction.atomic():
            SentReminder.objects.create(
                kind=due.kind,
                batch=due.batch,
                recipient=recipient,
                unit=due.unit,
                deadline_at=due.deadline,
                days_before=due.days,
            )
            with translation.override(recipient.language):
                full = {
                    **due.context,
                    "recipient": recipient,
                    "batch": due.batch,
                    "unit": due.unit,
                    "deadline": when_text(due.deadline),
                    "days": due.days,
                }
                subject = render_to_string(f"deadlines/email/{due.template}_subject.txt", full).strip()
                body = render_to_string(f"deadlines/email/{due.template}_body.txt", full)
            send_mail(subject, body, None, [recipient.email])
    except IntegrityError:
        return False
    return True


def _batches(now: datetime, society: Organisation | None) -> list[Batch]:
    batches = (
        Batch.objects.filter(status=BatchStatus.PUBLISHED)
        .filter(Q(closes_at__gt=now) | Q(roster_deadline__gt=now))
        .select_related("society")
        .order_by("society_id", "pk")
    )
    if society is not None:
        batches = batches.filter(society=society)
    return list(batches)


def _due_applicants(*, batch: Batch, now: datetime, days: list[int]) -> list[DueReminder]:
    due = threshold_due(deadline=batch.closes_at, now=now, days=days)
    if due is None:
        return []
    applications = (
        Application.objects.filter(batch=batch, state__in=REMINDED_STATES)
        .select_related("applicant")
        .order_by("pk")
    )
    return [
        DueReminder(
            kind=ReminderKind.APPLICATION,
            batch=batch,
            recipient=application.applicant,
            unit=None,
            deadline=batch.closes_at,
            days=due,
            template="applicant",
            context={
                "application": application,
                "returned": application.state == ApplicationState.RETURNED,
                "url": f"{settings.SITE_URL}/applications/{application.uid}/",
            },
        )
        for application in applications
    ]


def unit_roster_counts(*, batch: Batch) -> dict[int, tuple[int, int]]:
    """Per unit naming applications in the batch: (submitted, waiting for the unit's endorsement)."""
    waiting = Q(state__in=list(ENDORSABLE_STATES)) & (
        Q(unit_endorsement__isnull=True) | Q(unit_endorsement__decision=EndorsementDecision.PENDING)
    )
    rows = (
        Application.objects.filter(batch=batch, unit__isnull=False)
        .exclude(state__in=[ApplicationState.DRAFT, ApplicationState.WITHDRAWN])
        .values("unit_id")
        .annotate(submitted=Count("pk"), waiting=Count("pk", filter=waiting))
    )
    return {row["unit_id"]: (row["submitted"], row["waiting"]) for row in rows}


def _due_units(*, batch: Batch, now: datetime, days: list[int]) -> list[DueReminder]:
    if batch.roster_deadline is None:
        return []
    due = threshold_due(deadline=batch.roster_deadline, now=now, days=days)
    if due is None:
        return []
    counts = unit_roster_counts(batch=batch)
    if not counts:
        return []
    reminders: list[DueReminder] = []
    memberships = (
        Membership.objects.filter(organisation_id__in=counts, role=Role.UNIT_ADMIN, is_active=True)
        .select_related("user", "organisation")
        .order_by("organisation_id", "user_id")
    )
    for membership in memberships:
        submitted, waiting = counts[membership.organisation_id]
        reminders.append(
            DueReminder(
                kind=ReminderKind.ROSTER,
                batch=batch,
                recipient=membership.user,
                unit=membership.organisation,
                deadline=batch.roster_deadline,
                days=due,
                template="unit",
                context={
                    "submitted": submitted,
                    "waiting": waiting,
                    "url": f"{settings.SITE_URL}/unit/{membership.organisation.code}/",
                },
            )
        )
    return reminders


def reminders_due(*, now: datetime, society: Organisation | None = None) -> list[DueReminder]:
    """Every reminder due now (of one society, or of all), sent or not: sending skips those
    already claimed."""
    due: list[DueReminder] = []
    for batch in _batches(now, society):
        policy = deadline_policy_get(society=batch.society)
        due += _due_applicants(batch=batch, now=now, days=policy.days_for(ReminderKind.APPLICATION))
        due += _due_units(batch=batch, now=now, days=policy.days_for(ReminderKind.ROSTER))
    return due


def deadline_reminders_send(*, now: datetime | None = None) -> ReminderCounts:
    """Send every reminder due now, once."""
    counts = ReminderCounts()
    for due in reminders_due(now=now or timezone.now()):
        if reminder_send(due=due):
            if due.kind == ReminderKind.APPLICATION:
                counts.applicants += 1
            else:
                counts.unit_admins += 1
    return counts
