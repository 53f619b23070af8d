"""Background work of referee confirmation: emailing a referee their link, and the reminders."""

from __future__ import annotations

from django_tasks import task

from engcert.referees.domain.requests import referee_reminders_send, referee_request_deliver
from engcert.tasks_queue import rerunnable


@rerunnable
@task()
def referee_request_deliver_task(*, request_id: int) -> str:
    return str(referee_request_deliver(request_id=request_id))


@task()
def referee_reminders_task() -> int:
    return referee_reminders_send()
