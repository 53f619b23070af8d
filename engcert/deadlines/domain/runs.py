"""Reminder runs: staff send the reminders due now in the background and follow a progress bar;
cron's runs are recorded the same way, so staff see every run. A run whose worker stopped is
resumed; no reminder goes twice, since each is claimed by its SentReminder row (the pattern of
roster jobs)."""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from engcert.accounts.models import User
from engcert.audit.domain import audit_event_append
from engcert.deadlines.domain.policy import DeadlineError
from engcert.deadlines.domain.reminders import reminder_send, reminders_due
from engcert.deadlines.enums import BUSY, ReminderKind, ReminderRunStatus
from engcert.deadlines.models import ReminderRun
from engcert.jobs import job_is_stale, job_task_enqueue
from engcert.organisations.enums import OrganisationKind
from engcert.organisations.models import Organisation

logger = logging.getLogger(__name__)
RECENT = 20

# from-status → the statuses a run may move to. A run is resumed (→ QUEUED) only once it has
# stopped: it failed, or it says it is working but its worker shows no sign of life.
TRANSITIONS: dict[str, frozenset[str]] = {
    ReminderRunStatus.QUEUED: frozenset({ReminderRunStatus.RUNNING, ReminderRunStatus.QUEUED}),
    ReminderRunStatus.RUNNING: frozenset(
        {ReminderRunStatus.DONE, ReminderRunStatus.FAILED, ReminderRunStatus.QUEUED}
    ),
    ReminderRunStatus.FAILED: frozenset({ReminderRunStatus.QUEUED}),
    ReminderRunStatus.DONE: frozenset(),
}


def _check_staff(*, society: Organisation, by: User) -> None:
    if not by.has_perm("batches.manage_batches", society):
        raise DeadlineError(_("Only the society's staff may send its reminders."))


def reminder_run_list(*, society: Organisation, limit: int = RECENT) -> QuerySet[ReminderRun]:
    """The society's most recent runs, newest first."""
    return ReminderRun.objects.filter(society=society).select_related("started_by")[:limit]


def reminder_run_is_stale(run: ReminderRun, *, now: datetime | None = None) -> bool:
    """A run that says it is working but has shown no sign of life for a while: its worker died."""
    return job_is_stale(run, busy=BUSY, now=now)


def _enqueue(run_id: int) -> None:
    from engcert.deadlines.tasks import reminder_run_task

    job_task_enqueue(reminder_run_task, model=ReminderRun, pk=run_id, run_id=run_id)


def reminder_run_start(*, society: Organisation, by: User) -> ReminderRun:
    """Send the society's reminders due now, in the background."""
    _check_staff(society=society, by=by)
    with transaction.atomic():
        run = ReminderRun.objects.create(society=society, started_by=by)
        audit_event_append(
            actor=by, action="deadlines.reminder_run_started", subject=run, data={"society": society.code}
        )
        _enqueue(run.pk)
    return run


def reminder_run_resume(*, run: ReminderRun, by: User) -> ReminderRun:
    """Start again a run whose worker stopped; it sends no reminder twice."""
    _check_staff(society=run.society, by=by)
    with transaction.atomic():
        locked = ReminderRun.objects.select_for_update().get(pk=run.pk)
        stopped = locked.status == ReminderRunStatus.FAILED or reminder_run_is_stale(locked)
        if not stopped or ReminderRunStatus.QUEUED not in TRANSITIONS[locked.status]:
            if locked.status in BUSY:
                raise DeadlineError(
                    _("This run is still working; it can be resumed only once it has stopped.")
                )
            raise DeadlineError(_("This run has finished."))
        locked.status = ReminderRunStatus.QUEUED
        locked.heartbeat_at = timezone.now()
        locked.task_id = ""
        locked.message = ""
        locked.save(update_fields=["status", "heartbeat_at", "task_id", "message"])
        audit_event_append(
            actor=by,
            action="deadlines.reminder_run_resumed",
            subject=locked,
            data={"society": locked.society.code, "done": locked.done, "sent": locked.sent},
        )
        _enqueue(locked.pk)
    return locked


def _claim(run_id: int) -> bool:
    """QUEUED → RUNNING only once: a task delivered twice does the work once. The emails sent
    stay counted across a resume (they went); `done` counts again from the start of the list."""
    now = timezone.now()
    return bool(
        ReminderRun.objects.filter(pk=run_id, status=ReminderRunStatus.QUEUED).update(
            status=ReminderRunStatus.RUNNING, started_at=now, heartbeat_at=now, done=0
        )
    )


def _finish(run_id: int, status: ReminderRunStatus, **values: object) -> None:
    now = timezone.now()
    ReminderRun.objects.filter(pk=run_id, status=ReminderRunStatus.RUNNING).update(
        status=status, finished_at=now, heartbeat_at=now, **values
    )


def reminder_run_execute(*, run_id: int, now: datetime | None = None) -> ReminderRun:
    """List the reminders due now, then send them one by one, counting as it goes."""
    if not _claim(run_id):
        return ReminderRun.objects.get(pk=run_id)
    run = ReminderRun.objects.select_related("society").get(pk=run_id)
    try:
        due = reminders_due(now=now or timezone.now(), society=run.society)
        ReminderRun.objects.filter(pk=run_id).update(total=len(due), heartbeat_at=timezone.now())
        for reminder in due:
            sent = int(reminder_send(due=reminder))
            to_applicant = reminder.kind == ReminderKind.APPLICATION
            ReminderRun.objects.filter(pk=run_id).update(
                done=F("done") + 1,
                sent_applicants=F("sent_applicants") + (sent if to_applicant else 0),
                sent_unit_admins=F("sent_unit_admins") + (0 if to_applicant else sent),
                heartbeat_at=timezone.now(),
            )
    except Exception as error:  # the run must end in a state people can read, whatever broke
        logger.exception("reminder run %s failed", run_id)
        _finish(run_id, ReminderRunStatus.FAILED, message=str(error)[:1000])
        raise
    _finish(run_id, ReminderRunStatus.DONE)
    run.refresh_from_db()
    return run


def reminder_runs_scheduled(*, now: datetime | None = None) -> list[ReminderRun]:
    """Cron's run: for each society with reminders due now, a run recorded and done inline.
    A society with nothing due gets no row (cron runs often; empty rows would hide the rest)."""
    now = now or timezone.now()
    runs: list[ReminderRun] = []
    for society in Organisation.objects.filter(kind=OrganisationKind.SOCIETY).order_by("pk"):
        if not reminders_due(now=now, society=society):
            continue
        with transaction.atomic():
            run = ReminderRun.objects.create(society=society, started_by=None)
            audit_event_append(
                actor=None,
                action="deadlines.reminder_run_started",
                subject=run,
                data={"society": society.code, "scheduled": True},
            )
        runs.append(reminder_run_execute(run_id=run.pk, now=now))
    return runs
