"""A follow-up task left "running" by a task worker that died (killed, out of memory, its host
lost) is queued again by `manage.py requeue_stalled_tasks` when it is safe to run twice, and runs
once more on a live worker; background runs and tasks still within their time are left alone."""

from __future__ import annotations

from datetime import timedelta
from importlib import import_module
from io import StringIO
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks.base import Task
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult, get_date_max

import engcert
from engcert.applications.domain.application import application_submit
from engcert.applications.models import Application
from engcert.tasks_queue import RERUNNABLE_TASKS, stalled_tasks_requeue
from tests.conftest import World

pytestmark = pytest.mark.django_db

NOTIFY = "engcert.applications.tasks.application_notify_state_change"
ISSUANCE = "engcert.certificates.tasks.issuance_run_task"


@pytest.fixture
def database_queue(settings) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def claimed_by_a_dead_worker(result: DBTaskResult, *, minutes_ago: int) -> DBTaskResult:
    """What a worker leaves when it is killed in the middle of the task: claimed, never finished."""
    result.claim("worker-killed")
    DBTaskResult.objects.filter(pk=result.pk).update(
        started_at=timezone.now() - timedelta(minutes=minutes_ago)
    )
    result.refresh_from_db()
    return result


def a_task_row(path: str, **kwargs: object) -> DBTaskResult:
    return DBTaskResult.objects.create(
        task_path=path,
        args_kwargs={"args": [], "kwargs": kwargs},
        backend_name="default",
        queue_name="default",
        run_after=get_date_max(),
    )


@pytest.mark.usefixtures("database_queue")
def test_a_notification_left_running_by_a_dead_worker_is_queued_again_and_sent_once(
    world: World, complete_draft: Application
):
    application_submit(application=complete_draft, by=world.applicant)
    notice = DBTaskResult.objects.get(task_path=NOTIFY)
    claimed_by_a_dead_worker(notice, minutes_ago=45)
    mail.outbox.clear()

    out = StringIO()
    call_command("requeue_stalled_tasks", stdout=out)
    notice.refresh_from_db()
    assert notice.status == TaskResultStatus.READY
    assert f"queued again: {notice.pk} {NOTIFY}" in out.getvalue()

    # A live worker takes it from the queue, as db_worker's loop does, and the applicant gets
    # the email, once. (The loop itself closes the test's connection between tasks.)
    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="worker-alive",
        excluded_queue_names=[],
    )
    taken = DBTaskResult.objects.ready().get_locked()
    assert taken is not None and taken.pk == notice.pk
    taken.claim(worker.worker_id)
    worker.run_task(taken)
    notice.refresh_from_db()
    assert notice.status == TaskResultStatus.SUCCESSFUL
    assert notice.worker_ids == ["worker-killed", "worker-alive"]
    sent = [m for m in mail.outbox if complete_draft.applicant.email in m.to]
    assert len(sent) == 1


@pytest.mark.usefixtures("database_queue")
def test_a_task_still_within_its_time_is_left_running():
    result = claimed_by_a_dead_worker(a_task_row(NOTIFY, application_id=1), minutes_ago=5)
    found = stalled_tasks_requeue(older_than=timedelta(minutes=30))
    result.refresh_from_db()
    assert result.status == TaskResultStatus.RUNNING
    assert found.requeued == [] and found.left == []


@pytest.mark.usefixtures("database_queue")
def test_a_background_run_is_listed_not_queued_again():
    # Issuance records its own progress and offers Resume on its page: running it twice is its call.
    assert ISSUANCE not in RERUNNABLE_TASKS
    result = claimed_by_a_dead_worker(a_task_row(ISSUANCE, run_id=1), minutes_ago=90)
    out = StringIO()
    call_command("requeue_stalled_tasks", stdout=out)
    result.refresh_from_db()
    assert result.status == TaskResultStatus.RUNNING
    assert (
        f"left running (not safe to run twice; a background run offers Resume): {result.pk}" in out.getvalue()
    )


@pytest.mark.usefixtures("database_queue")
def test_a_task_that_no_longer_exists_is_left_alone():
    result = claimed_by_a_dead_worker(a_task_row("engcert.nowhere.tasks.gone"), minutes_ago=90)
    found = stalled_tasks_requeue()
    result.refresh_from_db()
    assert result.status == TaskResultStatus.RUNNING
    assert [label.split()[0] for label in found.left] == [str(result.pk)]


@pytest.mark.usefixtures("database_queue")
def test_a_task_that_finished_meanwhile_keeps_its_result(monkeypatch):
    result = claimed_by_a_dead_worker(a_task_row(NOTIFY, application_id=1), minutes_ago=45)
    # The worker was only slow: it records success between the listing and the change.
    real_values_list = DBTaskResult.objects.running().values_list

    def listing_then_finish(*fields, **kwargs):
        rows = list(real_values_list(*fields, **kwargs))
        DBTaskResult.objects.filter(pk=result.pk).update(status=TaskResultStatus.SUCCESSFUL)
        return rows

    stalled = DBTaskResult.objects.running().filter(pk=result.pk).order_by("started_at")
    monkeypatch.setattr(type(stalled), "values_list", lambda self, *f, **k: listing_then_finish(*f, **k))
    found = stalled_tasks_requeue()
    result.refresh_from_db()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert found.requeued == []


@pytest.mark.usefixtures("database_queue")
def test_a_dry_run_changes_nothing_and_a_threshold_under_a_minute_is_refused():
    result = claimed_by_a_dead_worker(a_task_row(NOTIFY, application_id=1), minutes_ago=45)
    out = StringIO()
    call_command("requeue_stalled_tasks", "--dry-run", stdout=out)
    result.refresh_from_db()
    assert result.status == TaskResultStatus.RUNNING
    assert "would queue again: 1, left: 0" in out.getvalue()
    with pytest.raises(CommandError, match="at least 1 minute"):
        call_command("requeue_stalled_tasks", "--older-than", "0")


# Every other task, and why it is not queued again after its worker died.
NOT_RERUNNABLE = {
    # Background runs: they record their progress, show a stopped run and offer Resume.
    "engcert.certificates.tasks.certificate_issue_task": "background run",
    "engcert.certificates.tasks.issuance_run_task": "background run",
    "engcert.rosters.tasks.roster_job_task": "background run",
    "engcert.review.tasks.queue_export_task": "background run",
    "engcert.examiners.tasks.schedule_run_solve": "background run",
    "engcert.examiners.tasks.schedule_run_confirm_task": "background run",
    "engcert.deadlines.tasks.reminder_run_task": "background run",
    # Sweeps the schedule runs again on its own within minutes.
    "engcert.referees.tasks.referee_reminders_task": "scheduled sweep",
    "engcert.scoring.tasks.score_sheet_reminders_send": "scheduled sweep",
    "engcert.notices.tasks.notice_periods_close_task": "scheduled sweep",
    "engcert.deadlines.tasks.deadline_reminders_send_task": "scheduled sweep",
    # The outbox's row is the record; `send_outbox` sends what no task took.
    "engcert.outbox.tasks.outbox_deliver_task": "outbox",
}


def engcert_tasks() -> set[str]:
    """Every task engcert defines, from the modules that declare one."""
    root = Path(engcert.__file__).parent
    found = set()
    for path in root.rglob("*.py"):
        if "@task(" not in path.read_text(encoding="utf-8"):
            continue
        module = import_module(".".join(path.relative_to(root.parent).with_suffix("").parts))
        found |= {value.module_path for value in vars(module).values() if isinstance(value, Task)}
    return found


def test_every_task_is_either_safe_to_run_again_or_says_why_not():
    """A new follow-up task must be classified, or a dead worker would lose it without a word."""
    tasks = engcert_tasks()
    assert tasks == RERUNNABLE_TASKS | set(NOT_RERUNNABLE)
    assert not RERUNNABLE_TASKS & set(NOT_RERUNNABLE)
    assert {
        "engcert.accounts.tasks.sign_in_lock_notify",
        "engcert.applications.tasks.application_notify_state_change",
        "engcert.applications.tasks.application_after_submit",
        "engcert.certificates.tasks.certificate_notify_ready",
    } <= RERUNNABLE_TASKS
