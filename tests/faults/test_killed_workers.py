"""A task worker killed (SIGKILL) in the middle of a certificate issuance run or of a bulk
reminder run: the run stops with its progress as it was, is resumed by staff once its worker is
presumed dead (no sign of life for two minutes, engcert/jobs.py), and a new worker finishes it:
every certificate issued once with its own number, every recipient mailed once.

Real `manage.py db_worker` processes share the database with the test, so these tests commit
(transactional) and run on PostgreSQL only."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection, connections, transaction
from django.db.models import Count
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from engcert.accounts.models import User
from engcert.applications.domain.application import application_create
from engcert.batches.models import Batch
from engcert.certificates.domain import issuance_run_start
from engcert.certificates.enums import IssuanceStatus
from engcert.certificates.models import Certificate, IssuanceRun
from engcert.deadlines.domain.reminders import reminders_due
from engcert.deadlines.domain.runs import reminder_run_resume, reminder_run_start
from engcert.deadlines.enums import ReminderRunStatus
from engcert.deadlines.models import ReminderRun, SentReminder
from engcert.demo import builders
from engcert.jobs import STALE_AFTER
from engcert.outbox.domain import outbox_deliver
from engcert.outbox.enums import OutboxStatus
from engcert.outbox.models import OutboxMessage
from tests.certificates.issue_helpers import registered_members
from tests.conftest import PASSWORD, World
from tests.faults.workers import wait_until, worker_env, worker_kill, worker_start, worker_stop
from tests.referees.smtp_sink import Sink, smtp_sink

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: a worker process sees the test's committed data; run with ENGCERT_DB=postgres",
    ),
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("english"),
]

MEMBERS = 8
RECIPIENTS = 20


@pytest.fixture
def sink(settings) -> Iterator[Sink]:
    with smtp_sink(refused=set()) as server:
        settings.EMAIL_BACKEND = "engcert.outbox.backend.OutboxBackend"
        settings.ENGCERT_EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = server.host, server.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        yield server


def _queue_in_database(settings) -> None:
    """From now on tasks go to the database queue, for the worker processes."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _presumed_dead(model: type[IssuanceRun] | type[ReminderRun], pk: int) -> None:
    """Two minutes pass without a sign of life from the killed worker."""
    model.objects.filter(pk=pk).update(heartbeat_at=timezone.now() - STALE_AFTER - timedelta(seconds=1))


def test_a_worker_killed_during_certificate_issuance_is_resumed_and_issues_each_certificate_once(
    settings, sink: Sink, world: World, tmp_path: Path
) -> None:
    # The members are registered without running the tasks registration sets going (the system
    # would issue each certificate on its own): the batch's run issues them all.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    registrations = registered_members(world, MEMBERS)
    _queue_in_database(settings)
    run = issuance_run_start(batch=world.batch, by=world.staff)
    log = tmp_path / "workers.log"
    env = worker_env(smtp_port=sink.port)

    first = worker_start(env=env, log=log)
    try:
        wait_until(
            lambda: IssuanceRun.objects.get(pk=run.pk).done >= 2,
            timeout=120,
            what="the first worker has issued two certificates",
            log=log,
        )
        worker_kill(first)
    finally:
        worker_stop(first)

    killed = IssuanceRun.objects.get(pk=run.pk)
    assert killed.status == IssuanceStatus.RUNNING
    assert 2 <= killed.done < MEMBERS
    # The killed worker's task stays "running" in the queue: no worker takes it again by itself.
    assert DBTaskResult.objects.get(id=killed.task_id).status == "RUNNING"

    staff = world.client_for(world.staff)
    resume_url = f"/staff/{world.society.code}/certificates/issue/{run.pk}/resume/"
    refused = staff.post(resume_url, follow=True)
    assert (
        "This run is still working; it can be resumed only once it has stopped." in refused.content.decode()
    )
    _presumed_dead(IssuanceRun, run.pk)
    resumed = staff.post(resume_url, follow=True)
    assert "The run goes on with the members still waiting." in resumed.content.decode()

    second = worker_start(env=env, log=log)
    try:
        wait_until(
            lambda: IssuanceRun.objects.get(pk=run.pk).status == IssuanceStatus.DONE,
            timeout=180,
            what="the second worker has finished the run",
            log=log,
        )
    finally:
        worker_stop(second)

    run.refresh_from_db()
    assert (run.status, run.total, run.done, run.failed, run.problems) == (
        IssuanceStatus.DONE,
        MEMBERS,
        MEMBERS,
        0,
        [],
    )
    certificates = Certificate.objects.filter(registration__in=registrations)
    per_member = Counter(certificates.values_list("registration_id", flat=True))
    assert per_member == Counter({registration.pk: 1 for registration in registrations})
    numbers = list(certificates.values_list("number", flat=True))
    assert len(set(numbers)) == MEMBERS and "" not in numbers
    assert certificates.filter(issued_at__isnull=True).count() == 0
    assert certificates.exclude(pdf="").count() == MEMBERS


def _drafts_closing_in_two_days(world: World) -> list[User]:
    applicants = []
    for index in range(RECIPIENTS):
        applicant = builders.user_create(
            email=f"drafter{index:03d}@example.com", password=PASSWORD, full_name=f"起草人{index}"
        )
        application_create(batch=world.batch, applicant=applicant)
        applicants.append(applicant)
    Batch.objects.filter(pk=world.batch.pk).update(
        closes_at=timezone.now() + timedelta(days=2), roster_deadline=None
    )
    return applicants


def _hold_reminder(applicant: User, world: World, release: threading.Event, holding: threading.Event) -> None:
    """Another transaction writes the reminder row of one applicant and waits: the worker's own
    insert of that row waits on it, which stops the run at a known place to kill it."""
    try:
        with transaction.atomic():
            due = next(
                item
                for item in reminders_due(now=timezone.now(), society=world.society)
                if item.recipient == applicant
            )
            SentReminder.objects.create(
                kind=due.kind,
                batch=due.batch,
                recipient=applicant,
                unit=due.unit,
                deadline_at=due.deadline,
                days_before=due.days,
            )
            holding.set()
            release.wait(timeout=120)
            transaction.set_rollback(True)
    finally:
        connections.close_all()


def test_a_worker_killed_during_a_bulk_reminder_run_is_resumed_and_mails_each_recipient_once(
    settings, sink: Sink, world: World, tmp_path: Path
) -> None:
    applicants = _drafts_closing_in_two_days(world)
    _queue_in_database(settings)
    stop_at = applicants[RECIPIENTS // 2]
    release, holding = threading.Event(), threading.Event()
    holder = threading.Thread(target=_hold_reminder, args=(stop_at, world, release, holding))
    holder.start()
    assert holding.wait(timeout=30)
    log = tmp_path / "workers.log"
    env = worker_env(smtp_port=sink.port)

    run = reminder_run_start(society=world.society, by=world.staff)
    first = worker_start(env=env, log=log)
    try:
        wait_until(
            lambda: ReminderRun.objects.get(pk=run.pk).done == RECIPIENTS // 2,
            timeout=120,
            what="the first worker has sent half of the reminders and waits on the next",
            log=log,
        )
        worker_kill(first)
    finally:
        worker_stop(first)
        release.set()
        holder.join(timeout=30)

    killed = ReminderRun.objects.get(pk=run.pk)
    assert (killed.status, killed.total, killed.done, killed.sent_applicants) == (
        ReminderRunStatus.RUNNING,
        RECIPIENTS,
        RECIPIENTS // 2,
        RECIPIENTS // 2,
    )
    assert SentReminder.objects.count() == RECIPIENTS // 2

    _presumed_dead(ReminderRun, run.pk)
    reminder_run_resume(run=killed, by=world.staff)
    second = worker_start(env=env, log=log)
    try:
        wait_until(
            lambda: ReminderRun.objects.get(pk=run.pk).status == ReminderRunStatus.DONE,
            timeout=120,
            what="the second worker has finished the run",
            log=log,
        )
        wait_until(
            lambda: not OutboxMessage.objects.filter(status=OutboxStatus.QUEUED).exists()
            or len(sink.accepted) >= RECIPIENTS,
            timeout=60,
            what="the outbox is delivered",
            log=log,
        )
    finally:
        worker_stop(second)
    # A delivery task the killed worker held stays "running" in the queue; cron's send_outbox
    # sends what no task took.
    outbox_deliver()

    run.refresh_from_db()
    assert (run.status, run.sent_applicants) == (ReminderRunStatus.DONE, RECIPIENTS)
    expected = Counter({applicant.email: 1 for applicant in applicants})
    assert Counter(SentReminder.objects.values_list("recipient__email", flat=True)) == expected
    written = OutboxMessage.objects.values("recipients").annotate(n=Count("pk"))
    assert Counter({row["recipients"][0]: row["n"] for row in written}) == expected
    assert Counter(recipients[0] for recipients, _data in sink.accepted) == expected
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {OutboxStatus.SENT}
