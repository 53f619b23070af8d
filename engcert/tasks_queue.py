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
from typing import Any

from django.db import DEFAULT_DB_ALIAS, router, transaction
from django_tasks import TaskResult
from django_tasks.base import Task
from django_tasks_db import DatabaseBackend
from django_tasks_db.models import DBTaskResult


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
