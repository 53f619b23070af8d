"""Exports of every unit's roster and imports of a unit's roster, as background jobs that count
as they go and can be resumed after their worker stopped (the pattern of certificate issuance
runs). An import is all or nothing: its rows are written in one transaction at the end, and
only if no row has a problem, unless the valid rows alone were asked for."""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from engcert.accounts.models import User
from engcert.audit.domain import audit_event_append
from engcert.batches.models import Batch
from engcert.jobs import job_is_stale, job_task_enqueue
from engcert.organisations.models import Organisation
from engcert.privacy.crypto import blind_index
from engcert.rosters.domain.export import roster_export_all
from engcert.rosters.domain.reading import roster_file_kind, roster_file_read
from engcert.rosters.enums import BUSY, RosterJobKind, RosterJobStatus
from engcert.rosters.models import RosterImport, RosterJob, RosterRow
from engcert.spreadsheets.reading import ImportFileError, RowProblem
from engcert.uploads.domain import file_store, uploads_all_or_nothing
from engcert.uploads.errors import UploadNotStored

logger = logging.getLogger(__name__)
_ROW_FIELDS = (
    "seq", "full_name", "gender", "birth_month", "id_type", "id_number", "employer", "department_position",
    "title", "degree", "institution", "major", "grade_text", "grade", "discipline_text", "discipline",
    "simplified_requested", "phone", "email", "remarks",
)  # fmt: skip


class RosterError(Exception):
    """What staff asked cannot be done; the message is for people."""


def _check_staff(*, batch: Batch, by: User) -> None:
    if not by.has_perm("rosters.manage_rosters", batch.society):
        raise RosterError(_("Only the society's staff may export and import its rosters."))


def roster_job_is_stale(job: RosterJob, *, now: Any = None) -> bool:
    """A job that says it is working but has shown no sign of life for a while: its worker died."""
    return job_is_stale(job, busy=BUSY, now=now)


def _enqueue(job_id: int) -> None:
    from engcert.rosters.tasks import roster_job_task

    job_task_enqueue(roster_job_task, model=RosterJob, pk=job_id, job_id=job_id)


def roster_export_all_start(*, batch: Batch, by: User) -> RosterJob:
    """Make every unit's roster of the batch in the background."""
    _check_staff(batch=batch, by=by)
    with transaction.atomic():
        job = RosterJob.objects.create(kind=RosterJobKind.EXPORT_ALL, batch=batch, requested_by=by)
        audit_event_append(
            actor=by, action="rosters.export_all_started", subject=job, data={"batch": batch.code}
        )
        _enqueue(job.pk)
    return job


def roster_upload_check(*, uploaded: UploadedFile) -> None:
    """Refuse a file by its size before reading it, then by its content."""
    size = uploaded.size or 0
    limit = settings.ENGCERT_MAX_UPLOAD_BYTES
    if size > limit:
        raise RosterError(
            _("The file is %(size)s MB; a roster may be at most %(limit)s MB.")
            % {"size": round(size / 1048576, 1), "limit": limit // 1048576}
        )
    if size == 0:
        raise RosterError(_("The file is empty."))
    uploaded.seek(0)
    head = uploaded.read(16)
    uploaded.seek(0)
    try:
        roster_file_kind(head=head, name=uploaded.name or "")
    except ImportFileError as error:
        raise RosterError(str(error)) from None


def roster_import_start(
    *, batch: Batch, unit: Organisation, uploaded: UploadedFile, only_valid: bool, by: User
) -> RosterJob:
    """Keep the uploaded roster (storage API) and read and import it in the background."""
    _check_staff(batch=batch, by=by)
    if unit.society_id != batch.society_id:
        raise RosterError(_("The unit is not one of the society's units."))
    roster_upload_check(uploaded=uploaded)
    name = (uploaded.name or "roster")[:255]
    with uploads_all_or_nothing(), transaction.atomic():
        job = RosterJob(
            kind=RosterJobKind.IMPORT,
            batch=batch,
            unit=unit,
            original_name=name,
            only_valid=only_valid,
            requested_by=by,
        )
        suffix = ".xlsx" if roster_file_kind(head=uploaded.read(16), name=name) == "xlsx" else ".csv"
        uploaded.seek(0)
        try:
            file_store(file=job.upload, name=f"roster{suffix}", data=uploaded.read())
        except UploadNotStored as failure:
            raise RosterError(str(failure)) from failure
        job.save()
        audit_event_append(
            actor=by,
            action="rosters.import_started",
            subject=job,
            data={"batch": batch.code, "unit": unit.code, "file": name, "only_valid": only_valid},
        )
        _enqueue(job.pk)
    return job


def roster_job_resume(*, job: RosterJob, by: User) -> RosterJob:
    """Start again a job whose worker stopped; it does nothing twice."""
    _check_staff(batch=job.batch, by=by)
    with transaction.atomic():
        locked = RosterJob.objects.select_for_update().get(pk=job.pk)
        if not (locked.status == RosterJobStatus.FAILED or roster_job_is_stale(locked)):
            if locked.status in BUSY:
                raise RosterError(_("This job is still working; it can be resumed only once it has stopped."))
            raise RosterError(_("This job has finished."))
        locked.status = RosterJobStatus.QUEUED
        locked.heartbeat_at = timezone.now()
        locked.task_id = ""
        locked.message = ""
        locked.save(update_fields=["status", "heartbeat_at", "task_id", "message"])
        audit_event_append(actor=by, action="rosters.job_resumed", subject=locked, data={"kind": locked.kind})
        _enqueue(locked.pk)
    return locked


def _claim(job_id: int) -> bool:
    """QUEUED → RUNNING only once: a task delivered twice does the work once."""
    now = timezone.now()
    return bool(
        RosterJob.objects.filter(pk=job_id, status=RosterJobStatus.QUEUED).update(
            status=RosterJobStatus.RUNNING, started_at=now, heartbeat_at=now, done=0
        )
    )


def _progress(job_id: int) -> Any:
    def report(done: int, total: int) -> None:
        RosterJob.objects.filter(pk=job_id).update(done=done, total=total, heartbeat_at=timezone.now())

    return report


def _finish(job_id: int, status: RosterJobStatus, **values: Any) -> None:
    now = timezone.now()
    RosterJob.objects.filter(pk=job_id).update(status=status, finished_at=now, heartbeat_at=now, **values)


def _problem_dicts(problems: list[RowProblem]) -> list[dict[str, Any]]:
    return [{"row": p.row, "column": p.column, "letter": p.letter, "message": p.message} for p in problems]


def _execute_export(job: RosterJob) -> None:
    data = roster_export_all(batch=job.batch, progress=_progress(job.pk))
    job.result.save(f"roster-{job.batch.code}.xlsx", ContentFile(data), save=False)
    _finish(job.pk, RosterJobStatus.DONE, result=job.result.name)


def _execute_import(job: RosterJob) -> None:
    if RosterImport.objects.filter(job=job).exists():  # imported before the worker stopped
        _finish(job.pk, RosterJobStatus.DONE)
        return
    with job.upload.open("rb") as handle:
        data = handle.read()
    assert job.unit is not None
    try:
        reading = roster_file_read(
            data=data, name=job.original_name, batch=job.batch, progress=_progress(job.pk)
        )
    except ImportFileError as error:
        _finish(job.pk, RosterJobStatus.REFUSED, message=str(error))
        return
    problems = _problem_dicts(reading.problems)
    if reading.problems and not (job.only_valid and reading.entries):
        message = (
            _("No row is valid; nothing was imported.")
            if job.only_valid
            else _("Nothing was imported: correct the rows below, or choose to import the valid rows only.")
        )
        _finish(job.pk, RosterJobStatus.REFUSED, problems=problems, message=message)
        return
    with transaction.atomic():
        if RosterImport.objects.select_for_update().filter(job=job).exists():
            return
        roster_import = RosterImport.objects.create(
            batch=job.batch,
            unit=job.unit,
            job=job,
            original_name=job.original_name,
            sha256=hashlib.sha256(data).hexdigest(),
            rows_skipped=reading.rows_with_problems,
            imported_by=job.requested_by,
        )
        RosterRow.objects.bulk_create(
            [
                RosterRow(
                    roster_import=roster_import,
                    row_number=entry.row,
                    id_number_index=blind_index(entry.values["id_number"])
                    if entry.values["id_number"]
                    else "",
                    **{name: entry.values[name] for name in _ROW_FIELDS},
                )
                for entry in reading.entries
            ],
            batch_size=1000,
        )
        audit_event_append(
            actor=job.requested_by,
            action="rosters.imported",
            subject=roster_import,
            data={
                "rows": len(reading.entries),
                "skipped": reading.rows_with_problems,
                "file": job.original_name,
            },
        )
        _finish(job.pk, RosterJobStatus.DONE, problems=problems)


def roster_job_execute(*, job_id: int) -> RosterJob:
    """Do the job's work; the job ends DONE, REFUSED (an import with problems) or FAILED."""
    if not _claim(job_id):
        return RosterJob.objects.get(pk=job_id)
    job = RosterJob.objects.select_related("batch__society", "unit", "requested_by").get(pk=job_id)
    # The problems found are stored as text: in the language of the person who asked.
    language = job.requested_by.language or settings.LANGUAGE_CODE
    try:
        with translation.override(language):
            if job.kind == RosterJobKind.EXPORT_ALL:
                _execute_export(job)
            else:
                _execute_import(job)
    except Exception as error:  # the job must end in a state people can read, whatever broke
        logger.exception("roster job %s failed", job_id)
        _finish(job_id, RosterJobStatus.FAILED, message=str(error)[:1000])
        raise
    job.refresh_from_db()
    return job
