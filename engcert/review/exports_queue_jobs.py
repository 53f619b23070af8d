"""The work queue's "export all filtered" as a background job that counts as it goes and can
be resumed after its worker stopped (the pattern of the rosters' all-units export): the job
keeps the filters the page had and applies them again; the file is written once, at the end."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from engcert.accounts.models import User
from engcert.audit.domain import audit_event_append
from engcert.batches.models import Batch
from engcert.jobs import job_is_stale, job_task_enqueue
from engcert.review.enums import EXPORT_BUSY, QueueExportStatus
from engcert.review.exports_queue import queue_workbook
from engcert.review.forms_queue import queue_filter_form
from engcert.review.models import QueueExport
from engcert.review.selectors_queue import queue_filter, queue_in_stage, queue_received, queue_rows

logger = logging.getLogger(__name__)
FILTERS_MAX = 2000


class QueueExportError(Exception):
    """What staff asked cannot be done; the message is for people."""


def _check_staff(*, batch: Batch, by: User) -> None:
    if not by.has_perm("batches.manage_batches", batch.society):
        raise QueueExportError(_("Only the society's staff may export its work queue."))


def queue_export_is_stale(export: QueueExport, *, now: datetime | None = None) -> bool:
    """An export that says it is working but has shown no sign of life for a while: its worker died."""
    return job_is_stale(export, busy=EXPORT_BUSY, now=now)


def _enqueue(export_id: int) -> None:
    from engcert.review.tasks import queue_export_task

    job_task_enqueue(queue_export_task, model=QueueExport, pk=export_id, export_id=export_id)


def queue_export_start(*, batch: Batch, filters: str, by: User) -> QueueExport:
    """Make the .xlsx of every row the filters leave, in the background."""
    _check_staff(batch=batch, by=by)
    with transaction.atomic():
        export = QueueExport.objects.create(
            society=batch.society, batch=batch, filters=filters[:FILTERS_MAX], started_by=by
        )
        _enqueue(export.pk)
    return export


def queue_export_resume(*, export: QueueExport, by: User) -> QueueExport:
    """Start again an export whose worker stopped; it makes one file, not two."""
    _check_staff(batch=export.batch, by=by)
    with transaction.atomic():
        locked = QueueExport.objects.select_for_update().get(pk=export.pk)
        if not (locked.status == QueueExportStatus.FAILED or queue_export_is_stale(locked)):
            if locked.status in EXPORT_BUSY:
                raise QueueExportError(
                    _("This export is still working; it can be resumed only once it has stopped.")
                )
            raise QueueExportError(_("This export has finished."))
        locked.status = QueueExportStatus.QUEUED
        locked.heartbeat_at = timezone.now()
        locked.task_id = ""
        locked.message = ""
        locked.save(update_fields=["status", "heartbeat_at", "task_id", "message"])
        audit_event_append(
            actor=by, action="queue.export_resumed", subject=locked.batch, data={"job": locked.pk}
        )
        _enqueue(locked.pk)
    return locked


def _claim(export_id: int) -> bool:
    """QUEUED → RUNNING only once: a task delivered twice does the work once."""
    now = timezone.now()
    return bool(
        QueueExport.objects.filter(pk=export_id, status=QueueExportStatus.QUEUED).update(
            status=QueueExportStatus.RUNNING, started_at=now, heartbeat_at=now, done=0
        )
    )


def _progress(export_id: int) -> Callable[[int, int], None]:
    def report(done: int, total: int) -> None:
        QueueExport.objects.filter(pk=export_id).update(done=done, total=total, heartbeat_at=timezone.now())

    return report


def _finish(export_id: int, status: QueueExportStatus, **values: object) -> None:
    now = timezone.now()
    QueueExport.objects.filter(pk=export_id).update(
        status=status, finished_at=now, heartbeat_at=now, **values
    )


def _make(export: QueueExport) -> None:
    if export.result:  # written before the worker stopped
        _finish(export.pk, QueueExportStatus.DONE)
        return
    query = QueryDict(export.filters)
    filters = queue_filter_form(society=export.society, batch=export.batch, query=query).filters()
    chosen = queue_in_stage(queue_filter(queue_received(batch=export.batch), filters), filters.stage)
    content, count = queue_workbook(rows=queue_rows(chosen, filters=filters), progress=_progress(export.pk))
    stamp = timezone.localtime(export.created_at).strftime("%Y%m%d-%H%M")
    with transaction.atomic():
        locked = QueueExport.objects.select_for_update().get(pk=export.pk)
        if locked.result:
            return
        locked.result.save(f"{export.batch.code}-{stamp}.xlsx", ContentFile(content), save=False)
        audit_event_append(
            actor=export.started_by,
            action="queue.export",
            subject=export.batch,
            data={"rows": count, "scope": "filtered", "filters": export.filters[:500]},
        )
        _finish(export.pk, QueueExportStatus.DONE, result=locked.result.name)


def queue_export_execute(*, export_id: int) -> QueueExport:
    """Do the export's work; it ends DONE or FAILED."""
    if not _claim(export_id):
        return QueueExport.objects.get(pk=export_id)
    export = QueueExport.objects.select_related("batch__society", "society", "started_by").get(pk=export_id)
    # Column headings and states are written in the language of the person who asked.
    language = export.started_by.language or settings.LANGUAGE_CODE
    try:
        with translation.override(language):
            _make(export)
    except Exception as error:  # the export must end in a state people can read, whatever broke
        logger.exception("work queue export %s failed", export_id)
        _finish(export_id, QueueExportStatus.FAILED, message=str(error)[:1000])
        raise
    export.refresh_from_db()
    return export
