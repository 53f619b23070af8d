"""Background work of the review pages: the work queue's "export all filtered"."""

from __future__ import annotations

from django_tasks import task


@task()
def queue_export_task(*, export_id: int) -> None:
    from engcert.review.exports_queue_jobs import queue_export_execute

    queue_export_execute(export_id=export_id)
