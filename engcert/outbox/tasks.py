"""Delivering the outbox in the background."""

from __future__ import annotations

from django_tasks import task


@task()
def outbox_deliver_task(*, message_ids: list[int]) -> dict[str, int]:
    from engcert.outbox.domain import outbox_deliver

    counts = outbox_deliver(message_ids=message_ids)
    return {"sent": counts.sent, "retrying": counts.retrying, "failed": counts.failed}
