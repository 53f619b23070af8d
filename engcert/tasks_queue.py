"""Follow-up work queued with the work that asks for it: the checks and emails a submission sets
going, a certificate's notice, a background run.

With the database task backend (django-tasks-db, production) the task row is written in the
caller's own transaction: it commits with the work or not at all. Queued from an on_commit
callback instead, it would be lost when the process dies or the connection drops between COMMIT
and the callback: the submission acknowledged, its checks and emails never run.

The worker cannot take the task early: until the transaction commits, the row is invisible to
every other connection, the worker's included (neither PostgreSQL nor SQLite shows a connection
another's uncommitted rows), and rolled back it never existed.

Any other backend (the immediate backend of the tests, which runs the task on the spot; a
broker elsewhere) still queues it once the transaction has committed, so the task never runs
on, or sees, work that is then rolled back.

The outbox's delivery tasks stay on on_commit (engcert/outbox/domain.py): there the durable
record is the message row, written in the transaction, and the scheduled `send_outbox` sends
what no task took; its task only sends sooner, and must not undo committed work if it fails."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, ParamSpec, TypeVar

from django.db import DEFAULT_DB_ALIAS, router, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import TaskResult, TaskResultStatus
from django_tasks.base import Task
from django_tasks_db import DatabaseBackend
from django_tasks_db.models import DBTaskResult

P = ParamSpec("P")
T = TypeVar("T")


def task_enqueue_with_work(
    task: Task[..., Any],
    *,
    then: Callable[[TaskResult[Any]], object] | None = None,
    using: str = DEFAULT_DB_ALIAS,
    **kwargs: Any,
) -> None:
    """Queue `task(**kwargs)` with the caller's transaction on the database `using`: in it when the
    task queue lives there, else once it commits. `then` receives the queued task's result (e.g.
    to record its id)."""

    def enqueue() -> None:
        result = task.enqueue(**kwargs)
        if then is not None:
            then(result)

    if task_stored_with_work(task, using=using):
        enqueue()
    else:
        transaction.on_commit(enqueue, using=using)


def task_stored_with_work(task: Task[..., Any], *, using: str = DEFAULT_DB_ALIAS) -> bool:
    """Whether queuing the task writes a row in the database `using`, inside its transaction."""
    return isinstance(task.get_backend(), DatabaseBackend) and router.db_for_write(DBTaskResult) == using


# --- Follow-up tasks whose worker died ------------------------------------------------------

# The follow-up tasks that may simply run again when the worker running them died (killed, out
# of memory, its host lost): each sends its emails, or does work that first checks what is
# already done. Running one again costs at most a repeated email, when the worker died after
# sending and before recording the task as done; not running it loses the email for good.
# Background runs (issuance, reminder runs, roster and queue exports, interview schedules) are
# not here: they record their own progress, show a stopped run and offer Resume.
RERUNNABLE_TASKS: set[str] = set()

STALLED_AFTER = timedelta(minutes=30)


def rerunnable(task: Task[P, T]) -> Task[P, T]:
    """Mark a follow-up task as safe to run again after its worker died (see RERUNNABLE_TASKS)."""
    RERUNNABLE_TASKS.add(task.module_path)
    return task


def _rerunnable_path(path: str) -> bool:
    # Importing the task registers it when its module was not loaded yet in this process.
    try:
        import_string(path)
    except ImportError:
        return False
    return path in RERUNNABLE_TASKS


@dataclass(frozen=True)
class StalledTasks:
    requeued: list[str]
    left: list[str]


def stalled_tasks_requeue(
    *, older_than: timedelta = STALLED_AFTER, now: datetime | None = None, dry_run: bool = False
) -> StalledTasks:
    """Tasks marked running for longer than `older_than`: their worker died with them, as a
    follow-up task takes seconds. The rerunnable ones go back to the queue, for any worker to
    take; the others are listed (a background run shows itself as stopped on its own page). A
    task that finishes meanwhile is left as it finished: the change applies only to a row still
    running since the same moment."""
    cutoff = (now or timezone.now()) - older_than
    requeued: list[str] = []
    left: list[str] = []
    stalled = DBTaskResult.objects.running().filter(started_at__lt=cutoff).order_by("started_at")
    for pk, path, started_at in stalled.values_list("id", "task_path", "started_at"):
        label = f"{pk} {path} (running since {started_at:%Y-%m-%d %H:%M:%S %Z})"
        if not _rerunnable_path(path):
            left.append(label)
            continue
        if not dry_run:
            changed = DBTaskResult.objects.filter(
                pk=pk, status=TaskResultStatus.RUNNING, started_at=started_at
            ).update(status=TaskResultStatus.READY)
            if not changed:
                continue
        requeued.append(label)
    return StalledTasks(requeued=requeued, left=left)
