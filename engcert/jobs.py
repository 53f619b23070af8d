"""What every background job with a progress page shares (certificate issuance runs, roster jobs,
reminder runs, work-queue exports): when a job's worker is presumed dead, and the progress its
page polls (read by engcert/static/engcert/progress.js)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta
from typing import Any, Protocol

from django.db import models
from django.utils import timezone
from django_tasks import TaskResult
from django_tasks.base import Task

from engcert.tasks_queue import task_enqueue_with_work

# A worker beats at least every few seconds while it works; two minutes of silence means it died.
STALE_AFTER = timedelta(minutes=2)


class Job(Protocol):
    status: Any
    heartbeat_at: datetime | None
    started_at: datetime | None
    created_at: datetime


def job_is_stale(job: Job, *, busy: Collection[str], now: datetime | None = None) -> bool:
    """A job that says it is working but has shown no sign of life for a while: its worker died."""
    if job.status not in busy:
        return False
    last = job.heartbeat_at or job.started_at or job.created_at
    return bool(last < (now or timezone.now()) - STALE_AFTER)


def job_progress(
    job: Job, *, busy: Collection[str], label: str, done: int, total: int, **counts: int
) -> dict[str, object]:
    """The JSON a job's page polls: how far it has come, and whether it is still working."""
    stale = job_is_stale(job, busy=busy)
    return {
        "status": job.status,
        "status_label": label,
        "done": done,
        "total": total,
        **counts,
        "percent": round(100 * done / total) if total else 0,
        "busy": job.status in busy and not stale,
        "stale": stale,
    }


def job_task_enqueue(task: Task[..., Any], *, model: type[models.Model], pk: int, **kwargs: Any) -> None:
    """Queue the job's task with the work that starts or resumes it (see engcert/tasks_queue.py)
    and keep the task's id on the job: the first one, which a resumed job keeps."""

    def record(result: TaskResult[Any]) -> None:
        model._default_manager.filter(pk=pk, task_id="").update(task_id=str(result.id)[:64])

    task_enqueue_with_work(task, then=record, **kwargs)
