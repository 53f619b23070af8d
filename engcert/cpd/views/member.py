"""The member's CPD pages: progress per registration year, and logging, changing and deleting
activities with their evidence."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from engcert.accounts.models import User
from engcert.cpd.access import get_activity_for_member
from engcert.cpd.domain import (
    CpdError,
    CpdEvidenceNotStored,
    cpd_activity_create,
    cpd_activity_delete,
    cpd_activity_update,
)
from engcert.cpd.forms import ActivityForm
from engcert.cpd.models import CpdActivity
from engcert.cpd.selectors import member_progress, member_registrations
from engcert.uploads.domain import storage_failure_message


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _status(form: ActivityForm) -> int:
    """503 when the server could not store the evidence, 400 for what the member must correct."""
    if not (form.is_bound and form.errors):
        return 200
    unstored = storage_failure_message()
    return 503 if unstored in form.errors.get("evidence", []) else 400


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    registrations = member_registrations(user=_user(request))
    return render(
        request,
        "cpd/mine.html",
        {"progresses": [member_progress(registration=r) for r in registrations]},
    )


@login_required
def add(request: HttpRequest) -> HttpResponse:
    registrations = member_registrations(user=_user(request))
    if not registrations:
        return render(request, "cpd/mine.html", {"progresses": []})
    form = ActivityForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        registrations=registrations,
    )
    if request.method == "POST" and form.is_valid():
        try:
            cpd_activity_create(
                registration=form.chosen_registration(),
                by=_user(request),
                values=form.values(),
                evidence=form.cleaned_data.get("evidence"),
            )
        except CpdError as error:
            form.add_error("evidence" if isinstance(error, CpdEvidenceNotStored) else None, str(error))
        else:
            messages.success(request, _("The activity is in your CPD record."))
            return redirect("cpd:mine")
    return render(
        request,
        "cpd/activity_form.html",
        {"form": form, "activity": None},
        status=_status(form),
    )


@login_required
def edit(request: HttpRequest, uid: UUID) -> HttpResponse:
    user = _user(request)
    activity = get_activity_for_member(user=user, uid=uid)
    form = ActivityForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        registrations=[activity.registration],
        activity=activity,
    )
    if request.method == "POST" and form.is_valid():
        try:
            cpd_activity_update(
                activity=activity,
                by=user,
                values=form.values(),
                evidence=form.cleaned_data.get("evidence"),
                remove_evidence=bool(form.cleaned_data.get("remove_evidence")),
            )
        except CpdError as error:
            form.add_error("evidence" if isinstance(error, CpdEvidenceNotStored) else None, str(error))
        else:
            messages.success(request, _("The activity is changed."))
            return redirect("cpd:mine")
    return render(
        request,
        "cpd/activity_form.html",
        {"form": form, "activity": activity},
        status=_status(form),
    )


@login_required
@require_POST
def delete(request: HttpRequest, uid: UUID) -> HttpResponse:
    activity = get_activity_for_member(user=_user(request), uid=uid)
    try:
        cpd_activity_delete(activity=activity, by=_user(request))
    except CpdError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The activity “%(title)s” is deleted.") % {"title": activity.title})
    return redirect("cpd:mine")


def evidence_response(activity: CpdActivity) -> FileResponse:
    if not activity.evidence:
        raise Http404
    response = FileResponse(
        activity.evidence.open("rb"),
        content_type=activity.evidence_type,
        as_attachment=activity.evidence_type == "application/pdf",
        filename=activity.evidence_name,
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    return response


@login_required
def evidence(request: HttpRequest, uid: UUID) -> FileResponse:
    return evidence_response(get_activity_for_member(user=_user(request), uid=uid))
