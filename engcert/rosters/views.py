"""Staff pages of rosters: a batch's rosters (export, upload), a job's progress, a reconciliation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from engcert.accounts.models import User
from engcert.applications.enums import INACTIVE
from engcert.batches.models import Batch
from engcert.jobs import job_progress as progress_of
from engcert.organisations.enums import OrganisationKind
from engcert.organisations.models import Organisation
from engcert.rosters.domain.export import roster_export, roster_identity_numbers_viewed
from engcert.rosters.domain.jobs import (
    RosterError,
    roster_export_all_start,
    roster_import_start,
    roster_job_is_stale,
    roster_job_resume,
)
from engcert.rosters.domain.reconcile import roster_reconcile
from engcert.rosters.enums import BUSY, RosterJobKind, RosterJobStatus
from engcert.rosters.forms import RosterUploadForm
from engcert.rosters.models import RosterImport, RosterJob

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RECENT = 20


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _batch_for(request: HttpRequest, society: str, batch: int) -> Batch:
    """404 unless the person is staff of the society that runs the batch."""
    found = Batch.objects.select_related("society").filter(pk=batch, society__code=society).first()
    if found is None or not _user(request).has_perm("rosters.manage_rosters", found.society):
        raise Http404
    return found


def _units(batch: Batch) -> list[Organisation]:
    submitted = Q(
        nominated_applications__batch=batch, nominated_applications__submitted_at__isnull=False
    ) & ~Q(nominated_applications__state__in=[s.value for s in INACTIVE])
    return list(
        Organisation.objects.filter(society=batch.society, kind=OrganisationKind.UNIT)
        .annotate(submitted=Count("nominated_applications", filter=submitted))
        .order_by("name")
    )


@login_required
def batch_rosters(request: HttpRequest, society: str, batch: int) -> HttpResponse:
    the_batch = _batch_for(request, society, batch)
    units = _units(the_batch)
    form = RosterUploadForm(
        request.POST or None,
        request.FILES or None,
        units=Organisation.objects.filter(society=the_batch.society, kind=OrganisationKind.UNIT).order_by(
            "name"
        ),
    )
    if request.method == "POST" and form.is_valid():
        try:
            job = roster_import_start(
                batch=the_batch,
                unit=form.cleaned_data["unit"],
                uploaded=form.cleaned_data["file"],
                only_valid=form.cleaned_data["only_valid"],
                by=_user(request),
            )
        except RosterError as error:
            form.add_error("file", str(error))
        else:
            return redirect("rosters:job", society=society, batch=the_batch.pk, pk=job.pk)
    jobs = list(RosterJob.objects.filter(batch=the_batch).select_related("unit", "requested_by")[:RECENT])
    imports = list(
        RosterImport.objects.filter(batch=the_batch)
        .select_related("unit", "imported_by")
        .annotate(row_count=Count("rows"))[:RECENT]
    )
    return render(
        request,
        "rosters/batch_rosters.html",
        {
            "batch": the_batch,
            "society": the_batch.society,
            "units": units,
            "form": form,
            "jobs": [(job, roster_job_is_stale(job)) for job in jobs],
            "imports": imports,
        },
        status=400 if form.errors else 200,
    )


@login_required
def export_unit(request: HttpRequest, society: str, batch: int, unit: int) -> HttpResponse:
    the_batch = _batch_for(request, society, batch)
    the_unit = get_object_or_404(Organisation, pk=unit, society=the_batch.society, kind=OrganisationKind.UNIT)
    roster_identity_numbers_viewed(batch=the_batch, unit=the_unit, by=_user(request))
    data = roster_export(batch=the_batch, unit=the_unit)
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="roster-{the_batch.code}-{the_unit.code}.xlsx"'
    return response


@login_required
@require_POST
def export_all(request: HttpRequest, society: str, batch: int) -> HttpResponse:
    the_batch = _batch_for(request, society, batch)
    try:
        job = roster_export_all_start(batch=the_batch, by=_user(request))
    except RosterError as error:
        messages.error(request, str(error))
        return redirect("rosters:batch", society=society, batch=the_batch.pk)
    return redirect("rosters:job", society=society, batch=the_batch.pk, pk=job.pk)


def _job_for(request: HttpRequest, society: str, batch: int, pk: int) -> tuple[Batch, RosterJob]:
    the_batch = _batch_for(request, society, batch)
    job = get_object_or_404(RosterJob.objects.select_related("unit", "requested_by"), pk=pk, batch=the_batch)
    return the_batch, job


def _progress(job: RosterJob) -> dict[str, object]:
    return progress_of(
        job, busy=BUSY, label=str(RosterJobStatus(job.status).label), done=job.done, total=job.total
    )


@login_required
def job(request: HttpRequest, society: str, batch: int, pk: int) -> HttpResponse:
    the_batch, the_job = _job_for(request, society, batch, pk)
    roster_import = RosterImport.objects.filter(job=the_job).first()
    return render(
        request,
        "rosters/job.html",
        {
            "batch": the_batch,
            "society": the_batch.society,
            "job": the_job,
            "progress": _progress(the_job),
            "roster_import": roster_import,
        },
    )


@login_required
def job_progress(request: HttpRequest, society: str, batch: int, pk: int) -> JsonResponse:
    _batch, the_job = _job_for(request, society, batch, pk)
    response = JsonResponse(_progress(the_job))
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def job_resume(request: HttpRequest, society: str, batch: int, pk: int) -> HttpResponse:
    the_batch, the_job = _job_for(request, society, batch, pk)
    try:
        roster_job_resume(job=the_job, by=_user(request))
    except RosterError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The job starts again."))
    return redirect("rosters:job", society=society, batch=the_batch.pk, pk=the_job.pk)


@login_required
def job_download(request: HttpRequest, society: str, batch: int, pk: int) -> FileResponse:
    the_batch, the_job = _job_for(request, society, batch, pk)
    if the_job.status != RosterJobStatus.DONE or not the_job.result:
        raise Http404
    if the_job.kind == RosterJobKind.EXPORT_ALL:
        # The file lists the batch's roster as it was made; those applications are logged.
        roster_identity_numbers_viewed(batch=the_batch, by=_user(request))
    return FileResponse(
        the_job.result.open("rb"),
        as_attachment=True,
        filename=f"rosters-{the_batch.code}.xlsx",
        content_type=XLSX,
    )


@login_required
def reconciliation(request: HttpRequest, society: str, batch: int, pk: int) -> HttpResponse:
    the_batch = _batch_for(request, society, batch)
    roster_import = get_object_or_404(
        RosterImport.objects.select_related("unit", "imported_by", "batch"), pk=pk, batch=the_batch
    )
    return render(
        request,
        "rosters/reconciliation.html",
        {
            "batch": the_batch,
            "society": the_batch.society,
            "roster_import": roster_import,
            "result": roster_reconcile(roster_import=roster_import),
        },
    )
