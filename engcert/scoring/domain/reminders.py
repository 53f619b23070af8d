"""Reminding examiners of sheets that are overdue or due within a day, each reminder once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import OuterRef, Prefetch
from django.template.loader import render_to_string
from django.utils import translation

from engcert.accounts.models import User
from engcert.applications.enums import ApplicationState
from engcert.applications.models import Application
from engcert.examiners.enums import InterviewStatus
from engcert.examiners.models import Interview, PanelSeat
from engcert.examiners.selectors import evaluation_policy_for
from engcert.scoring.enums import ReminderKind
from engcert.scoring.models import ScoreSheetReminder
from engcert.scoring.rules import examiner_role_held
from engcert.scoring.selectors import LIVE_SEAT_VALUES, sheet_due_at

# A sheet due within this time earns a first reminder; an overdue one a second.
DUE_SOON_WINDOW = timedelta(hours=24)


@dataclass(frozen=True)
class DueSheet:
    seat: PanelSeat
    application: Application
    kind: ReminderKind
    due_at: datetime


def sheets_due(*, now: datetime) -> list[DueSheet]:
    """Unsubmitted sheets of live seats whose candidate's interview is on the schedule and
    whose due time is less than a day away or past."""
    seats = (
        PanelSeat.objects.filter(
            status__in=LIVE_SEAT_VALUES,
            panel__application__state=ApplicationState.INTERVIEW_SCHEDULED,
        )
        .exclude(score_sheet__submitted_at__isnull=False)
        .filter(examiner_role_held(OuterRef("examiner__user")))
        .select_related("examiner__user", "panel__application__batch__society__evaluation_policy")
        .prefetch_related(
            Prefetch(
                "panel__application__interviews",
                queryset=Interview.objects.filter(status=InterviewStatus.SCHEDULED).order_by("-starts_at"),
                to_attr="scheduled_interviews",
            )
        )
        .order_by("examiner__user_id", "pk")
    )
    due: list[DueSheet] = []
    for seat in seats:
        application = seat.panel.application
        interviews: list[Interview] = application.scheduled_interviews  # type: ignore[attr-defined]
        policy = evaluation_policy_for(society=application.batch.society)
        due_at = sheet_due_at(interview=interviews[0] if interviews else None, policy=policy)
        if due_at is None or now < due_at - DUE_SOON_WINDOW:
            continue
        kind = ReminderKind.OVERDUE if now > due_at else ReminderKind.DUE_SOON
        due.append(DueSheet(seat=seat, application=application, kind=kind, due_at=due_at))
    return due


def sheet_reminders_send(*, now: datetime) -> int:
    """Email each examiner once about their sheets not yet reminded of; returns the emails sent.

    A reminder is recorded in the same transaction as its email is sent, so a failed send is
    tried again on the next run and a sent one is never repeated.
    """
    by_person: dict[int, list[DueSheet]] = {}
    for item in sheets_due(now=now):
        by_person.setdefault(item.seat.examiner.user_id, []).append(item)
    sent = 0
    for items in by_person.values():
        with transaction.atomic():
            fresh = [
                item
                for item in items
                if ScoreSheetReminder.objects.get_or_create(
                    seat=item.seat, kind=item.kind, due_at=item.due_at
                )[1]
            ]
            if fresh:
                _send(person=fresh[0].seat.examiner.user, items=fresh)
                sent += 1
    return sent


def _send(*, person: User, items: list[DueSheet]) -> None:
    with translation.override(person.language):
        context = {
            "person": person,
            "items": [
                {
                    "application": item.application,
                    "kind": item.kind,
                    "overdue": item.kind == ReminderKind.OVERDUE,
                    "due_at": item.due_at,
                    "url": f"{settings.SITE_URL}/examiner/{item.application.uid}/score/",
                }
                for item in items
            ],
            "overdue": any(item.kind == ReminderKind.OVERDUE for item in items),
            "url": f"{settings.SITE_URL}/examiner/",
        }
        subject = render_to_string("scoring/email/reminder_subject.txt", context).strip()
        body = render_to_string("scoring/email/reminder_body.txt", context)
    send_mail(subject, body, None, [person.email])
