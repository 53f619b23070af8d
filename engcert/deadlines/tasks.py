"""Background work for deadlines: the reminders, for a scheduler that runs tasks, and the runs
staff start."""

from __future__ import annotations

from django_tasks import task


@task()
def deadline_reminders_send_task() -> dict[str, int]:
    """The scheduled sending, recorded as runs like the management command's."""
    from engcert.deadlines.domain.runs import reminder_runs_scheduled

    runs = reminder_runs_scheduled()
    return {
        "applicants": sum(run.sent_applicants for run in runs),
        "unit_admins": sum(run.sent_unit_admins for run in runs),
    }


@task()
def reminder_run_task(*, run_id: int) -> None:
    from engcert.deadlines.domain.runs import reminder_run_execute

    reminder_run_execute(run_id=run_id)
