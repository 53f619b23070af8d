"""Background work of the public notice."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from engcert.notices.domain.notice import notice_periods_close


@task()
def notice_periods_close_task() -> dict[str, int]:
    """The cron command's work, for a task worker or a scheduler that enqueues tasks."""
    report = notice_periods_close(now=timezone.now())
    return {"notices": report.notices, "passed": report.passed, "held": report.held, "closed": report.closed}
