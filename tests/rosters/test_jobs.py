from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from engcert.audit.models import AuditEvent
from engcert.rosters.domain.jobs import (
    RosterError,
    roster_export_all_start,
    roster_job_execute,
    roster_job_is_stale,
    roster_job_resume,
)
from engcert.rosters.enums import RosterJobKind, RosterJobStatus
from engcert.rosters.models import RosterImport, RosterJob
from tests.conftest import World
from tests.rosters.conftest import row_of, sheet_values, submitted, workbook_bytes
from tests.rosters.test_import import run_import


def test_the_export_of_every_unit_runs_in_the_background_and_keeps_its_file(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    submitted(world, index=1)
    submitted(world, index=2, unit=world.other_unit)
    with django_capture_on_commit_callbacks(execute=True):
        job = roster_export_all_start(batch=world.batch, by=world.staff)
    job.refresh_from_db()

    assert (job.kind, job.status, job.done, job.total) == (
        RosterJobKind.EXPORT_ALL,
        RosterJobStatus.DONE,
        2,
        2,
    )
    with job.result.open("rb") as handle:
        assert len(sheet_values(handle.read())) == 2
    assert list(
        AuditEvent.objects.filter(action="rosters.export_all_started").values_list("actor", flat=True)
    ) == [world.staff.pk]


def test_a_job_whose_worker_died_is_resumed_and_does_its_work_once(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    application = submitted(world, index=1)
    with django_capture_on_commit_callbacks(execute=False):  # the worker never picks it up
        from engcert.rosters.domain.jobs import roster_import_start
        from tests.rosters.conftest import upload

        job = roster_import_start(
            batch=world.batch,
            unit=world.unit,
            uploaded=upload(workbook_bytes([row_of(application)])),
            only_valid=False,
            by=world.staff,
        )
    # The worker claimed it, then died: no sign of life for five minutes.
    RosterJob.objects.filter(pk=job.pk).update(
        status=RosterJobStatus.RUNNING, heartbeat_at=timezone.now() - timedelta(minutes=5)
    )
    job.refresh_from_db()
    assert roster_job_is_stale(job)

    with django_capture_on_commit_callbacks(execute=True):
        roster_job_resume(job=job, by=world.staff)
    job.refresh_from_db()
    roster_job_execute(job_id=job.pk)  # the same task delivered twice does nothing more

    assert job.status == RosterJobStatus.DONE
    assert RosterImport.objects.get(job=job).rows.count() == 1


def test_a_working_job_cannot_be_resumed(world: World, django_capture_on_commit_callbacks: Any) -> None:
    job = RosterJob.objects.create(
        kind=RosterJobKind.EXPORT_ALL,
        batch=world.batch,
        requested_by=world.staff,
        status=RosterJobStatus.RUNNING,
        heartbeat_at=timezone.now(),
    )

    with pytest.raises(RosterError) as error:
        roster_job_resume(job=job, by=world.staff)

    assert str(error.value) == "This job is still working; it can be resumed only once it has stopped."


def test_an_import_interrupted_after_writing_is_not_written_twice(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    application = submitted(world, index=1)
    job = run_import(world, workbook_bytes([row_of(application)]), django_capture_on_commit_callbacks)
    RosterJob.objects.filter(pk=job.pk).update(status=RosterJobStatus.QUEUED)

    roster_job_execute(job_id=job.pk)

    assert RosterImport.objects.filter(job=job).count() == 1
    assert RosterImport.objects.get(job=job).rows.count() == 1


def test_only_staff_may_export_every_unit(world: World) -> None:
    with pytest.raises(RosterError):
        roster_export_all_start(batch=world.batch, by=world.unit_admin)
    assert RosterJob.objects.count() == 0
