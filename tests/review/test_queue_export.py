"""The work queue's "export all filtered" runs in the background: a job keeps the page's
filters, counts the rows as it writes them (the progress page and its JSON read the count),
and can be resumed after its worker stopped, making one file and one audit event."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from engcert.applications.enums import ApplicationState
from engcert.audit.models import AuditEvent
from engcert.review.enums import QueueExportStatus
from engcert.review.exports_queue_jobs import (
    QueueExportError,
    queue_export_execute,
    queue_export_is_stale,
    queue_export_resume,
    queue_export_start,
)
from engcert.review.models import QueueExport
from tests.conftest import World
from tests.review.queue_fixtures import queue_file

S = ApplicationState


def _base(world: World) -> str:
    return f"/staff/{world.society.code}/batches/{world.batch.pk}/queue/"


def _job_url(world: World, job: QueueExport, suffix: str = "") -> str:
    return f"{_base(world)}exports/{job.pk}/{suffix}"


def _start(world: World, capture: Any, filters: dict[str, Any], *, execute: bool) -> QueueExport:
    with capture(execute=execute):
        response = world.client_for(world.staff).post(
            _base(world) + "bulk/", {"action": "export_all", "filters": urlencode(filters, doseq=True)}
        )
    assert response.status_code == 302
    job = QueueExport.objects.get()
    assert response["Location"] == _job_url(world, job)
    return job


def _numbers(job: QueueExport) -> list[object]:
    with job.result.open("rb") as handle:
        book = load_workbook(io.BytesIO(handle.read()))
    return [row[0] for row in book.active.iter_rows(min_row=2, values_only=True)]


def test_export_all_keeps_the_filters_and_writes_exactly_the_filtered_rows(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    wanted = [queue_file(world, unit=world.other_unit, state=S.SUBMITTED) for _ in range(3)]
    queue_file(world, unit=world.other_unit, state=S.INTERVIEWED)  # another stage
    queue_file(world, unit=world.unit, state=S.SUBMITTED)  # another unit

    job = _start(
        world,
        django_capture_on_commit_callbacks,
        {"unit": world.other_unit.pk, "stage": "review", "sort": "number"},
        execute=True,
    )
    job.refresh_from_db()

    assert (job.status, job.done, job.total, job.society, job.batch, job.started_by) == (
        QueueExportStatus.DONE,
        3,
        3,
        world.society,
        world.batch,
        world.staff,
    )
    assert job.filters == f"unit={world.other_unit.pk}&stage=review&sort=number"
    assert job.task_id != ""
    assert _numbers(job) == sorted(w.number for w in wanted)
    event = AuditEvent.objects.get(action="queue.export")
    assert (event.actor, event.subject_id, event.data) == (
        world.staff,
        str(world.batch.pk),
        {"rows": 3, "scope": "filtered", "filters": job.filters},
    )


def test_the_progress_json_gives_percent_counts_and_whether_it_is_busy(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    queue_file(world)
    job = _start(world, django_capture_on_commit_callbacks, {}, execute=False)  # no worker yet
    client = world.client_for(world.staff)

    waiting = client.get(_job_url(world, job, "progress/"))
    QueueExport.objects.filter(pk=job.pk).update(
        status=QueueExportStatus.RUNNING, done=150, total=600, heartbeat_at=timezone.now()
    )
    running = client.get(_job_url(world, job, "progress/"))

    assert waiting["Cache-Control"] == "no-store"
    assert waiting.json() == {
        "status": "queued",
        "status_label": "Waiting to start",
        "done": 0,
        "total": 0,
        "percent": 0,
        "busy": True,
        "stale": False,
    }
    assert running.json() == {
        "status": "running",
        "status_label": "Working",
        "done": 150,
        "total": 600,
        "percent": 25,
        "busy": True,
        "stale": False,
    }
    page = client.get(_job_url(world, job))
    assert page.status_code == 200
    html = page.content.decode()
    assert f'data-progress-url="{_job_url(world, job, "progress/")}"' in html
    assert '<span data-bar class="pct-25">' in html
    assert 'http-equiv="refresh"' in html
    assert "engcert/progress.js" in html
    assert client.get(_job_url(world, job, "download/")).status_code == 404  # not made yet


def test_a_stale_export_is_resumed_and_makes_one_file_and_one_audit_event(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    files = [queue_file(world) for _ in range(2)]
    job = _start(world, django_capture_on_commit_callbacks, {}, execute=False)
    # The worker claimed it, then died: no sign of life for five minutes.
    QueueExport.objects.filter(pk=job.pk).update(
        status=QueueExportStatus.RUNNING, heartbeat_at=timezone.now() - timedelta(minutes=5)
    )
    job.refresh_from_db()
    assert queue_export_is_stale(job)
    client = world.client_for(world.staff)
    assert client.get(_job_url(world, job, "progress/")).json()["busy"] is False
    assert "Resume the export" in client.get(_job_url(world, job)).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_job_url(world, job, "resume/"))
    queue_export_execute(export_id=job.pk)  # the same task delivered twice does nothing more
    job.refresh_from_db()

    assert response.status_code == 302
    assert (job.status, job.done, job.total) == (QueueExportStatus.DONE, 2, 2)
    assert sorted(str(n) for n in _numbers(job)) == sorted(f.number for f in files)
    assert AuditEvent.objects.filter(action="queue.export").count() == 1
    assert AuditEvent.objects.filter(action="queue.export_resumed").count() == 1
    download = client.get(_job_url(world, job, "download/"))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith(f'attachment; filename="{world.batch.code}-')


def test_an_export_that_already_wrote_its_file_is_not_written_twice(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    queue_file(world)
    job = _start(world, django_capture_on_commit_callbacks, {}, execute=True)
    job.refresh_from_db()
    first = job.result.name
    QueueExport.objects.filter(pk=job.pk).update(status=QueueExportStatus.QUEUED)

    queue_export_execute(export_id=job.pk)
    job.refresh_from_db()

    assert (job.status, job.result.name) == (QueueExportStatus.DONE, first)
    assert AuditEvent.objects.filter(action="queue.export").count() == 1


def test_a_working_or_finished_export_cannot_be_resumed(world: World) -> None:
    job = QueueExport.objects.create(
        society=world.society,
        batch=world.batch,
        started_by=world.staff,
        status=QueueExportStatus.RUNNING,
        heartbeat_at=timezone.now(),
    )
    with pytest.raises(QueueExportError) as working:
        queue_export_resume(export=job, by=world.staff)
    QueueExport.objects.filter(pk=job.pk).update(status=QueueExportStatus.DONE)
    job.refresh_from_db()
    with pytest.raises(QueueExportError) as finished:
        queue_export_resume(export=job, by=world.staff)

    assert str(working.value) == "This export is still working; it can be resumed only once it has stopped."
    assert str(finished.value) == "This export has finished."


def test_only_the_societys_staff_may_start_an_export(world: World) -> None:
    with pytest.raises(QueueExportError):
        queue_export_start(batch=world.batch, filters="", by=world.unit_admin)
    assert not QueueExport.objects.exists()


@pytest.mark.parametrize(
    "persona", ["applicant", "outsider", "unit_admin", "examiner", "committee", "reviewer"]
)
def test_nobody_but_the_societys_staff_sees_resumes_or_downloads_an_export(
    world: World, django_capture_on_commit_callbacks: Any, persona: str
) -> None:
    queue_file(world)
    job = _start(world, django_capture_on_commit_callbacks, {}, execute=True)
    client = world.client_for(getattr(world, persona))

    answers = [
        client.get(_job_url(world, job, suffix)).status_code for suffix in ("", "progress/", "download/")
    ]
    answers.append(client.post(_job_url(world, job, "resume/")).status_code)

    assert answers == [404, 404, 404, 404]


def test_staff_of_another_society_cannot_see_or_download_an_export(
    world: World, django_capture_on_commit_callbacks: Any, other_society_staff: Any
) -> None:
    queue_file(world)
    job = _start(world, django_capture_on_commit_callbacks, {}, execute=True)
    client = world.client_for(other_society_staff)
    # Neither through this society's address nor through their own society's.
    other_base = f"/staff/other/batches/{world.batch.pk}/queue/exports/{job.pk}/"
    answers = [
        client.get(_job_url(world, job)).status_code,
        client.get(_job_url(world, job, "download/")).status_code,
        client.get(other_base).status_code,
        client.get(other_base + "download/").status_code,
    ]
    assert answers == [404, 404, 404, 404]


def test_exporting_the_selected_rows_stays_immediate(world: World) -> None:
    application = queue_file(world)
    response = world.client_for(world.staff).post(
        _base(world) + "bulk/", {"action": "export", "selected": [f"{application.uid}:{application.state}"]}
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert not QueueExport.objects.exists()


def test_the_workbook_reports_its_progress_to_the_callback(world: World) -> None:
    from engcert.review.exports_queue import queue_workbook
    from engcert.review.selectors_queue import QueueFilters, queue_received, queue_rows

    for _ in range(2):
        queue_file(world)
    calls: list[tuple[int, int]] = []

    _content, count = queue_workbook(
        rows=queue_rows(queue_received(batch=world.batch), filters=QueueFilters()),
        progress=lambda done, total: calls.append((done, total)),
    )

    assert (count, calls) == (2, [(0, 2), (2, 2)])
