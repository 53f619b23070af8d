"""Background work for deadlines: the reminders, for a scheduler that runs tasks, and the runs
staff start."""

from __future__ import annotations

from django_tasks import task

from engcert.deadlines.domain.reminders import deadline_reminders_send


@task()
def deadline_reminders_send_task() -> dict[str, int]:
    run = deadline_reminders_send()
    return {"applicants": run.applicants, "unit_admins": run.unit_admins}


@task()
def reminder_run_task(*, run_id: int) -> None:
    from engcert.deadlines.domain.runs import reminder_run_execute

    reminder_run_execute(run_id=run_id)
