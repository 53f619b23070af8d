"""The staff's pages: the society's reminder settings and reminder runs, and a batch's deadlines
and extensions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from engcert.accounts.models import User
from engcert.batches.access import get_society_for_staff
from engcert.batches.models import Batch
from engcert.deadlines.domain.policy import (
    DeadlineError,
    deadline_extension_grant,
    deadline_extension_list,
    deadline_policy_get,
    deadline_policy_save,
)
from engcert.deadlines.domain.runs import (
    reminder_run_is_stale,
    reminder_run_list,
    reminder_run_resume,
    reminder_run_start,
)
from engcert.deadlines.enums import BUSY, ReminderRunStatus
from engcert.deadlines.forms import ExtensionForm, PolicyForm
from engcert.deadlines.models import ReminderRun
from engcert.jobs import job_progress


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@login_required
def policy(request: HttpRequest, society: str) -> HttpResponse:
    org = get_society_for_staff(user=_user(request), code=society)
    current = deadline_policy_get(society=org)
    form = PolicyForm(
        request.POST if request.method == "POST" else None,
        initial={
            "application_reminder_days": current.application_reminder_days,
            "roster_reminder_days": current.roster_reminder_days,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            deadline_policy_save(society=org, by=_user(request), **form.cleaned_data)
        except DeadlineError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The reminders are saved."))
            return redirect("deadlines:policy", org.code)
    return render(
        request,
        "deadlines/policy.html",
        {
            "society": org,
            "form": form,
            "policy": current,
            "runs": [(run, reminder_run_is_stale(run)) for run in reminder_run_list(society=org)],
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
def batch_deadlines(request: HttpRequest, society: str, pk: int) -> HttpResponse:
    org = get_society_for_staff(user=_user(request), code=society)
    batch = Batch.objects.filter(society=org, pk=pk).first()
    if batch is None:
        raise Http404
    form = ExtensionForm(request.POST if request.method == "POST" else None, society=org)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        applicant = None
        if data["who"] == "applicant":
            applicant = User.objects.filter(email__iexact=data["applicant_email"]).first()
        try:
            if data["who"] == "applicant" and applicant is None:
                raise DeadlineError(_("This person has no application in this batch."))
            deadline_extension_grant(
                batch=batch,
                applicant=applicant,
                unit=data["unit"] if data["who"] == "unit" else None,
                until=data["until"],
                reason=data["reason"],
                by=_user(request),
            )
        except DeadlineError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The extension is recorded."))
            return redirect("deadlines:batch", org.code, batch.pk)
    return render(
        request,
        "deadlines/batch.html",
        {
            "society": org,
            "batch": batch,
            "form": form,
            "extensions": list(deadline_extension_list(batch=batch)),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_POST
def run_start(request: HttpRequest, society: str) -> HttpResponse:
    org = get_society_for_staff(user=_user(request), code=society)
    try:
        run = reminder_run_start(society=org, by=_user(request))
    except DeadlineError as error:
        messages.error(request, str(error))
        return redirect("deadlines:policy", org.code)
    return redirect("deadlines:run", org.code, run.pk)


def _run_for(request: HttpRequest, society: str, pk: int) -> ReminderRun:
    """404 unless the person is staff of the society whose run it is."""
    org = get_society_for_staff(user=_user(request), code=society)
    return get_object_or_404(ReminderRun.objects.select_related("society", "started_by"), pk=pk, society=org)


def _progress(run: ReminderRun) -> dict[str, object]:
    return job_progress(
        run,
        busy=BUSY,
        label=str(ReminderRunStatus(run.status).label),
        done=run.done,
        total=run.total,
        sent=run.sent,
    )


@login_required
def run(request: HttpRequest, society: str, pk: int) -> HttpResponse:
    the_run = _run_for(request, society, pk)
    return render(
        request,
        "deadlines/run.html",
        {"society": the_run.society, "run": the_run, "progress": _progress(the_run)},
    )


@login_required
def run_progress(request: HttpRequest, society: str, pk: int) -> JsonResponse:
    response = JsonResponse(_progress(_run_for(request, society, pk)))
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def run_resume(request: HttpRequest, society: str, pk: int) -> HttpResponse:
    the_run = _run_for(request, society, pk)
    try:
        reminder_run_resume(run=the_run, by=_user(request))
    except DeadlineError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The run starts again; no reminder is sent twice."))
    return redirect("deadlines:run", society, the_run.pk)
