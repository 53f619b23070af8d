"""Issuing a batch's certificates: choose the batch, start, watch the progress, resume after a crash."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Exists, OuterRef
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from engcert.accounts.models import User
from engcert.applications.enums import ApplicationState
from engcert.batches.access import get_society_for_staff
from engcert.batches.models import Batch
from engcert.certificates.domain import (
    CertificateError,
    issuance_run_is_stale,
    issuance_run_resume,
    issuance_run_start,
)
from engcert.certificates.enums import IssuanceStatus
from engcert.certificates.forms import IssueStartForm
from engcert.certificates.models import Certificate, IssuanceRun
from engcert.jobs import job_progress
from engcert.organisations.models import Organisation
from engcert.registration.models import Registration

RECENT_RUNS = 20


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _batches_with_waiting(org: Organisation) -> list[Batch]:
    """The society's batches with registered members, each with `registered` and `waiting`
    (registered, no issued certificate yet) counts, in three queries."""
    issued = Certificate.objects.filter(registration=OuterRef("pk"), issued_at__isnull=False)
    of_society = Registration.objects.filter(society=org, application__isnull=False)
    registered = dict(of_society.values_list("application__batch").annotate(n=Count("pk")).order_by())
    waiting = dict(
        of_society.filter(application__state=ApplicationState.REGISTERED)
        .exclude(Exists(issued))
        .values_list("application__batch")
        .annotate(n=Count("pk"))
        .order_by()
    )
    batches = list(Batch.objects.filter(society=org, pk__in=registered).order_by("-opens_at", "-pk"))
    for batch in batches:
        batch.registered = registered.get(batch.pk, 0)  # type: ignore[attr-defined]
        batch.waiting = waiting.get(batch.pk, 0)  # type: ignore[attr-defined]
    return batches


@login_required
def issue(request: HttpRequest, society: str) -> HttpResponse:
    org = get_society_for_staff(user=_user(request), code=society)
    batches = _batches_with_waiting(org)
    waiting_ids = [b.pk for b in batches if b.waiting]  # type: ignore[attr-defined]
    startable = Batch.objects.filter(pk__in=waiting_ids).order_by("-opens_at", "-pk")
    form = IssueStartForm(request.POST or None, batches=startable)
    if request.method == "POST" and form.is_valid():
        try:
            run = issuance_run_start(batch=form.cleaned_data["batch"], by=_user(request))
        except CertificateError as error:
            form.add_error("batch", str(error))
        else:
            return redirect("certificates:issue_run", society=org.code, pk=run.pk)
    runs = list(IssuanceRun.objects.filter(society=org).select_related("batch", "requested_by")[:RECENT_RUNS])
    return render(
        request,
        "certificates/staff/issue.html",
        {
            "society": org,
            "form": form,
            "batches": batches,
            "runs": [(run, issuance_run_is_stale(run)) for run in runs],
        },
        status=400 if form.errors else 200,
    )


def _progress(run: IssuanceRun) -> dict[str, object]:
    progress = job_progress(
        run,
        busy=(IssuanceStatus.QUEUED, IssuanceStatus.RUNNING),
        label=str(IssuanceStatus(run.status).label),
        done=run.done + run.failed,
        total=run.total,
    )
    # The page counts issued and failed apart; the bar counts both.
    return {**progress, "done": run.done, "failed": run.failed}


def _run_for(request: HttpRequest, society: str, pk: int) -> tuple[Organisation, IssuanceRun]:
    org = get_society_for_staff(user=_user(request), code=society)
    run = get_object_or_404(IssuanceRun.objects.select_related("batch", "requested_by"), pk=pk, society=org)
    return org, run


@login_required
def issue_run(request: HttpRequest, society: str, pk: int) -> HttpResponse:
    org, run = _run_for(request, society, pk)
    return render(
        request,
        "certificates/staff/issue_run.html",
        {"society": org, "run": run, "progress": _progress(run)},
    )


@login_required
def issue_run_progress(request: HttpRequest, society: str, pk: int) -> JsonResponse:
    _org, run = _run_for(request, society, pk)
    response = JsonResponse(_progress(run))
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def issue_run_resume(request: HttpRequest, society: str, pk: int) -> HttpResponse:
    org, run = _run_for(request, society, pk)
    try:
        issuance_run_resume(run=run, by=_user(request))
    except CertificateError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The run goes on with the members still waiting."))
    return redirect("certificates:issue_run", society=org.code, pk=run.pk)
