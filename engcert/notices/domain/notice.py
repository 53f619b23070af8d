"""Publishing a batch's public notice, the society's notice policy, and closing at the period's end."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from engcert.accounts.models import User
from engcert.applications.domain.transition import TransitionError, application_transition
from engcert.applications.enums import ApplicationState as S
from engcert.applications.models import Application
from engcert.audit.domain import audit_event_append
from engcert.batches.models import Batch
from engcert.notices.domain.calendar import notice_period_compute
from engcert.notices.domain.errors import NoticeError
from engcert.notices.enums import NoticeStatus, ObjectionStatus
from engcert.notices.models import MAX_NOTICE_WORKING_DAYS, Notice, NoticeEntry, NoticePolicy, Objection
from engcert.organisations.models import Organisation

DEFAULT_WORKING_DAYS = 5


def notice_policy_for(*, society: Organisation) -> NoticePolicy:
    """The society's notice policy; the defaults until staff change them (nothing is written)."""
    policy = NoticePolicy.objects.filter(society=society).first()
    return policy if policy is not None else NoticePolicy(society=society, working_days=DEFAULT_WORKING_DAYS)


def working_days_check(working_days: int) -> None:
    if working_days < 1:
        raise NoticeError(_("A public notice lasts at least one working day."), field="working_days")
    if working_days > MAX_NOTICE_WORKING_DAYS:
        raise NoticeError(
            _("A public notice lasts at most %(max)s working days.") % {"max": MAX_NOTICE_WORKING_DAYS},
            field="working_days",
        )


def notice_policy_update(*, society: Organisation, working_days: int, contact: str, by: User) -> NoticePolicy:
    working_days_check(working_days)
    with transaction.atomic():
        policy, _created = NoticePolicy.objects.select_for_update().get_or_create(society=society)
        before = {"working_days": policy.working_days, "contact": policy.contact}
        policy.working_days = working_days
        policy.contact = contact.strip()
        policy.save()
        audit_event_append(
            actor=by,
            action="notices.policy_update",
            subject=policy,
            data={"before": before, "after": {"working_days": working_days, "contact": policy.contact}},
        )
    return policy


def notice_candidates(*, batch: Batch) -> list[Application]:
    """The batch's approved candidates, who may be published in a notice."""
    return list(
        Application.objects.filter(batch=batch, state=S.APPROVED)
        .select_related("grade", "awarded_grade", "discipline__parent", "unit")
        .order_by("number", "pk")
    )


def notice_publish(
    *,
    batch: Batch,
    starts_on: date,
    by: User,
    application_ids: Sequence[int] | None = None,
    working_days: int | None = None,
    contact: str | None = None,
    now: datetime | None = None,
) -> Notice:
    """Publish a notice of the batch's approved candidates (all of them when ``application_ids``
    is None); each moves from approved to in public notice. The period is ``working_days`` (the
    society's policy when None) working days from ``starts_on``, ending at the end of the last
    working day, Beijing time."""
    now = now or timezone.now()
    policy = notice_policy_for(society=batch.society)
    days = policy.working_days if working_days is None else working_days
    working_days_check(days)
    candidates = notice_candidates(batch=batch)
    if application_ids is not None:
        wanted = set(application_ids)
        unknown = wanted - {c.pk for c in candidates}
        if unknown:
            raise NoticeError(
                _("Only candidates the committee approved in this batch can be published; choose again.")
            )
        candidates = [c for c in candidates if c.pk in wanted]
    if not candidates:
        raise NoticeError(_("Choose at least one approved candidate to publish."))
    last_day, starts_at, ends_at = notice_period_compute(starts_on=starts_on, working_days=days)
    with transaction.atomic():
        notice = Notice.objects.create(
            batch=batch,
            starts_on=starts_on,
            working_days=days,
            last_day=last_day,
            starts_at=starts_at,
            ends_at=ends_at,
            contact=(policy.contact if contact is None else contact).strip(),
            published_by=by,
            published_at=now,
        )
        for position, application in enumerate(candidates, start=1):
            try:
                application_transition(
                    application=application, to_state=S.PUBLIC_NOTICE, by=by, expected_state=S.APPROVED
                )
            except TransitionError as error:
                raise NoticeError(str(error)) from error
            NoticeEntry.objects.create(notice=notice, application=application, position=position)
        audit_event_append(
            actor=by,
            action="notices.publish",
            subject=notice,
            data={
                "batch": batch.pk,
                "starts_on": starts_on.isoformat(),
                "last_day": last_day.isoformat(),
                "working_days": days,
                "applications": [c.pk for c in candidates],
            },
        )
    return notice


def notice_is_running(notice: Notice, *, now: datetime) -> bool:
    return notice.starts_at <= now < notice.ends_at


def notice_close_if_done(*, notice: Notice, now: datetime) -> bool:
    """Mark an ended notice closed when none of its candidates waits on an objection. Runs
    inside the caller's transaction."""
    if notice.status == NoticeStatus.CLOSED or now < notice.ends_at:
        return False
    waiting = (
        notice.entries.filter(application__state__in=[S.PUBLIC_NOTICE, S.OBJECTION]).exists()
        or Objection.objects.filter(entry__notice=notice, status=ObjectionStatus.OPEN).exists()
    )
    if waiting:
        return False
    notice.status = NoticeStatus.CLOSED
    notice.closed_at = now
    notice.save(update_fields=["status", "closed_at"])
    audit_event_append(
        actor=None, action="notices.close", subject=notice, data={"ends_at": notice.ends_at.isoformat()}
    )
    return True


@dataclass(frozen=True)
class CloseReport:
    notices: int
    passed: int
    held: int
    closed: int


def notice_periods_close(*, now: datetime) -> CloseReport:
    """At the end of each notice's period: every candidate still in public notice has passed it
    (moved by the system); those with an objection under investigation wait for its outcome; a
    notice with nothing left open is closed. Safe to repeat and to run twice at once: each notice
    is taken under a row lock (skipped when another run holds it) and each move is idempotent."""
    due = list(
        Notice.objects.filter(status=NoticeStatus.OPEN, ends_at__lte=now)
        .order_by("ends_at")
        .values_list("pk", flat=True)
    )
    passed = held = closed = 0
    for notice_pk in due:
        with transaction.atomic():
            notice = (
                Notice.objects.select_for_update(skip_locked=True)
                .filter(pk=notice_pk, status=NoticeStatus.OPEN)
                .first()
            )
            if notice is None:
                continue
            entries = notice.entries.select_related("application").order_by("position")
            for entry in entries:
                application = entry.application
                if application.state == S.PUBLIC_NOTICE:
                    try:
                        result = application_transition(
                            application=application,
                            to_state=S.NOTICE_PASSED,
                            by=None,
                            data={"notice": notice.pk, "reason": "period_ended"},
                            expected_state=S.PUBLIC_NOTICE,
                        )
                    except TransitionError:
                        # An objection arrived at the last moment: the candidate waits for it.
                        held += 1
                        continue
                    passed += int(result.changed)
                elif application.state == S.OBJECTION:
                    held += 1
            closed += int(notice_close_if_done(notice=notice, now=now))
    return CloseReport(notices=len(due), passed=passed, held=held, closed=closed)
