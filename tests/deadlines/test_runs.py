"""Reminder runs: staff send the reminders due now in the background and follow the progress;
a run whose worker stopped is resumed and sends no reminder twice; cron's runs are listed too."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from engcert.accounts.models import User
from engcert.audit.models import AuditEvent
from engcert.batches.models import Batch
from engcert.deadlines.domain.policy import DeadlineError
from engcert.deadlines.domain.reminders import reminder_send, reminders_due
from engcert.deadlines.domain.runs import (
    reminder_run_execute,
    reminder_run_is_stale,
    reminder_run_resume,
    reminder_run_start,
)
from engcert.deadlines.enums import ReminderRunStatus
from engcert.deadlines.models import ReminderRun, SentReminder
from tests.conftest import World
from tests.units.helpers import engineer_application

pytestmark = pytest.mark.usefixtures("english")


def _drafts_closing_in_two_days(world: World, count: int = 3) -> list[User]:
    """`count` applicants with a draft; the call closes in two days (the 3-day reminder is due)."""
    applicants = []
    for index in range(1, count + 1):
        applicant = engineer_application(world, index=index, unit=world.unit, submit=False).applicant
        applicant.language = "en"
        applicant.save(update_fields=["language"])
        applicants.append(applicant)
    Batch.objects.filter(pk=world.batch.pk).update(
        closes_at=timezone.now() + timedelta(days=2), roster_deadline=None
    )
    return applicants


def _run_url(world: World, run: ReminderRun, name: str = "run") -> str:
    return reverse(f"deadlines:{name}", args=[world.society.code, run.pk])


def test_staff_start_a_run_that_counts_the_reminders_due_and_sends_each_once(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    _drafts_closing_in_two_days(world)
    client = world.client_for(world.staff)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("deadlines:run_start", args=[world.society.code]))

    run = ReminderRun.objects.get()
    assert response["Location"] == _run_url(world, run)
    assert (run.status, run.total, run.done, run.sent_applicants, run.sent_unit_admins, run.started_by) == (
        ReminderRunStatus.DONE,
        3,
        3,
        3,
        0,
        world.staff,
    )
    assert run.task_id != ""
    assert sorted(m.to[0] for m in mail.outbox) == [
        "engineer1@example.com",
        "engineer2@example.com",
        "engineer3@example.com",
    ]
    assert list(
        AuditEvent.objects.filter(action="deadlines.reminder_run_started").values_list("actor", "data")
    ) == [(world.staff.pk, {"society": world.society.code})]
    page = client.get(_run_url(world, run))
    assert "Reminders sent to applicants: 3; to unit administrators: 0." in page.content.decode()


def test_a_second_run_sends_nothing_already_sent(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    _drafts_closing_in_two_days(world, count=2)
    with django_capture_on_commit_callbacks(execute=True):
        reminder_run_start(society=world.society, by=world.staff)
    with django_capture_on_commit_callbacks(execute=True):
        second = reminder_run_start(society=world.society, by=world.staff)
    second.refresh_from_db()

    assert (second.status, second.total, second.done, second.sent) == (ReminderRunStatus.DONE, 2, 2, 0)
    assert len(mail.outbox) == 2


def test_the_progress_endpoint_reports_how_far_the_run_has_come(world: World) -> None:
    run = ReminderRun.objects.create(
        society=world.society,
        started_by=world.staff,
        status=ReminderRunStatus.RUNNING,
        total=4,
        done=1,
        sent_applicants=1,
        heartbeat_at=timezone.now(),
    )

    response = world.client_for(world.staff).get(_run_url(world, run, "run_progress"))

    assert response["Cache-Control"] == "no-store"
    assert response.json() == {
        "status": "running",
        "status_label": "Sending",
        "done": 1,
        "total": 4,
        "sent": 1,
        "percent": 25,
        "busy": True,
        "stale": False,
    }


def test_a_run_whose_worker_died_part_way_is_resumed_and_sends_no_reminder_twice(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    _drafts_closing_in_two_days(world)
    with django_capture_on_commit_callbacks(execute=False):  # the worker never picks it up
        run = reminder_run_start(society=world.society, by=world.staff)
    # A worker claimed it, sent the first two of the three reminders, then died.
    due = reminders_due(now=timezone.now(), society=world.society)
    assert [reminder_send(due=reminder) for reminder in due[:2]] == [True, True]
    ReminderRun.objects.filter(pk=run.pk).update(
        status=ReminderRunStatus.RUNNING,
        total=3,
        done=2,
        sent_applicants=2,
        started_at=timezone.now() - timedelta(minutes=6),
        heartbeat_at=timezone.now() - timedelta(minutes=5),
    )
    run.refresh_from_db()
    assert reminder_run_is_stale(run)
    client = world.client_for(world.staff)
    assert client.get(_run_url(world, run, "run_progress")).json()["stale"] is True
    assert "Resume" in client.get(_run_url(world, run)).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_run_url(world, run, "run_resume"))
    reminder_run_execute(run_id=run.pk)  # the same task delivered twice does nothing more
    run.refresh_from_db()

    assert response["Location"] == _run_url(world, run)
    assert (run.status, run.total, run.done, run.sent_applicants) == (ReminderRunStatus.DONE, 3, 3, 3)
    assert sorted(m.to[0] for m in mail.outbox) == [
        "engineer1@example.com",
        "engineer2@example.com",
        "engineer3@example.com",
    ]
    assert SentReminder.objects.count() == 3
    assert list(
        AuditEvent.objects.filter(action="deadlines.reminder_run_resumed").values_list("actor", "data")
    ) == [(world.staff.pk, {"society": world.society.code, "done": 2, "sent": 2})]


def test_a_working_or_finished_run_cannot_be_resumed(world: World) -> None:
    working = ReminderRun.objects.create(
        society=world.society, status=ReminderRunStatus.RUNNING, heartbeat_at=timezone.now()
    )
    finished = ReminderRun.objects.create(society=world.society, status=ReminderRunStatus.DONE)

    with pytest.raises(DeadlineError, match="still working"):
        reminder_run_resume(run=working, by=world.staff)
    with pytest.raises(DeadlineError, match="has finished"):
        reminder_run_resume(run=finished, by=world.staff)
    assert AuditEvent.objects.filter(action="deadlines.reminder_run_resumed").count() == 0


def test_only_the_societys_staff_may_start_a_run(world: World, other_society_staff: User) -> None:
    with pytest.raises(DeadlineError):
        reminder_run_start(society=world.society, by=other_society_staff)
    assert ReminderRun.objects.count() == 0


@pytest.mark.parametrize("who", ["outsider", "applicant", "unit_admin", "examiner", "other_society_staff"])
def test_runs_are_hidden_from_everyone_but_the_societys_staff(
    world: World, who: str, request: pytest.FixtureRequest
) -> None:
    user = (
        request.getfixturevalue("other_society_staff")
        if who == "other_society_staff"
        else getattr(world, who)
    )
    run = ReminderRun.objects.create(
        society=world.society,
        status=ReminderRunStatus.RUNNING,
        heartbeat_at=timezone.now() - timedelta(minutes=5),
    )
    client = world.client_for(user)

    statuses = [
        client.get(_run_url(world, run)).status_code,
        client.get(_run_url(world, run, "run_progress")).status_code,
        client.post(_run_url(world, run, "run_resume")).status_code,
        client.post(reverse("deadlines:run_start", args=[world.society.code])).status_code,
    ]

    assert statuses == [404, 404, 404, 404]
    assert ReminderRun.objects.get().status == ReminderRunStatus.RUNNING
    assert ReminderRun.objects.count() == 1


def test_another_societys_run_is_not_found_under_this_society(
    world: World, other_society_staff: User
) -> None:
    other_society = other_society_staff.memberships.get().organisation
    run = ReminderRun.objects.create(society=other_society, status=ReminderRunStatus.DONE)

    response = world.client_for(world.staff).get(_run_url(world, run))

    assert response.status_code == 404


def test_cron_records_a_run_per_society_with_reminders_due(world: World) -> None:
    _drafts_closing_in_two_days(world, count=2)
    out = StringIO()

    call_command("send_deadline_reminders", stdout=out)
    call_command("send_deadline_reminders", stdout=out)

    assert out.getvalue() == "applicants: 2, unit administrators: 0\napplicants: 0, unit administrators: 0\n"
    runs = list(ReminderRun.objects.order_by("pk").values_list("started_by", "status", "total", "done"))
    assert runs == [(None, ReminderRunStatus.DONE, 2, 2), (None, ReminderRunStatus.DONE, 2, 2)]
    assert [run.sent for run in ReminderRun.objects.order_by("pk")] == [2, 0]
    page = world.client_for(world.staff).get(reverse("deadlines:policy", args=[world.society.code]))
    assert page.content.decode().count("Automatic (cron)</td>") == 2


def test_cron_records_no_run_when_nothing_is_due(world: World) -> None:
    Batch.objects.filter(pk=world.batch.pk).update(
        closes_at=timezone.now() + timedelta(days=30), roster_deadline=None
    )

    call_command("send_deadline_reminders", stdout=StringIO())

    assert ReminderRun.objects.count() == 0


def _count_policy_page_queries(world: World) -> int:
    client = world.client_for(world.staff)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("deadlines:policy", args=[world.society.code]))
    assert page.status_code == 200
    return len(queries)


def test_the_runs_list_reads_as_many_queries_for_three_runs_as_for_one(
    world: World, other_society_staff: User
) -> None:
    ReminderRun.objects.create(society=world.society, started_by=world.staff, status=ReminderRunStatus.DONE)
    one = _count_policy_page_queries(world)
    ReminderRun.objects.create(society=world.society, started_by=None, status=ReminderRunStatus.DONE)
    ReminderRun.objects.create(
        society=world.society,
        started_by=other_society_staff,
        status=ReminderRunStatus.RUNNING,
        heartbeat_at=timezone.now(),
    )
    three = _count_policy_page_queries(world)

    assert one == three
    page = world.client_for(world.staff).get(reverse("deadlines:policy", args=[world.society.code]))
    assert len(page.context["runs"]) == 3


def test_the_scheduled_task_records_its_runs_too(world: World) -> None:
    from engcert.deadlines.tasks import deadline_reminders_send_task

    _drafts_closing_in_two_days(world, count=1)

    result = deadline_reminders_send_task.call()

    assert result == {"applicants": 1, "unit_admins": 0}
    assert list(ReminderRun.objects.values_list("started_by", "status", "sent_applicants")) == [
        (None, ReminderRunStatus.DONE, 1)
    ]
