"""Background work of rosters: exporting every unit's roster, importing a unit's."""

from __future__ import annotations

from django_tasks import task


@task()
def roster_job_task(*, job_id: int) -> None:
    from engcert.rosters.domain.jobs import roster_job_execute

    roster_job_execute(job_id=job_id)
