"""The person's data page (download, erasure), the staff's list of erasure requests, and the
log of who was shown an applicant's identity-document number."""

from __future__ import annotations

from uuid import UUID

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from engcert.accounts.models import User
from engcert.applications.access import get_application_for_user
from engcert.applications.models import Application
from engcert.audit.domain import audit_event_append
from engcert.batches.access import get_society_for_staff
from engcert.privacy.deletion import (
    ANSWER_WORKING_DAYS,
    DeletionError,
    deletion_blockers,
    deletion_request_cancel,
    deletion_request_carry_out,
    deletion_request_create,
    deletion_request_list_for_person,
    deletion_request_list_for_society,
    deletion_request_refuse,
    societies_holding_data_of,
)
from engcert.privacy.export import EXCLUDED, SECTIONS, data_export_build
from engcert.privacy.forms import DeletionAskForm, DeletionRefuseForm
from engcert.privacy.models import DeletionRequest, DeletionRequestState, IdentityNumberView


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def identity_number_views_of(*, person: User) -> list[IdentityNumberView]:
    ids = [str(pk) for pk in Application.objects.filter(applicant=person).values_list("pk", flat=True)]
    return list(
        IdentityNumberView.objects.filter(subject_type="application", subject_id__in=ids).select_related(
            "viewer"
        )[:200]
    )


@login_required
def my_data(request: HttpRequest) -> HttpResponse:
    person = _user(request)
    requests = list(deletion_request_list_for_person(person=person))
    pending = [r for r in requests if r.state == DeletionRequestState.PENDING]
    return render(
        request,
        "privacy/my_data.html",
        {
            "sections": SECTIONS,
            "excluded": EXCLUDED,
            "views": identity_number_views_of(person=person),
            "requests": requests,
            "pending": pending,
            "societies": societies_holding_data_of(person=person),
            "form": DeletionAskForm(),
            "answer_days": ANSWER_WORKING_DAYS,
        },
    )


@login_required
@require_POST
@reauthentication_required  # type: ignore[misc]  # allauth's decorator is untyped
def data_download(request: HttpRequest) -> FileResponse:
    person = _user(request)
    archive = data_export_build(person=person)
    with transaction.atomic():
        audit_event_append(actor=person, action="privacy.data_downloaded", subject=person)
    name = f"engcert-data-{timezone.localdate():%Y%m%d}.zip"
    response = FileResponse(archive, as_attachment=True, filename=name, content_type="application/zip")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
@reauthentication_required  # type: ignore[misc]  # allauth's decorator is untyped
def deletion_ask(request: HttpRequest) -> HttpResponse:
    person = _user(request)
    form = DeletionAskForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "privacy/my_data.html",
            {
                "sections": SECTIONS,
                "excluded": EXCLUDED,
                "views": identity_number_views_of(person=person),
                "requests": list(deletion_request_list_for_person(person=person)),
                "pending": [],
                "societies": societies_holding_data_of(person=person),
                "form": form,
                "answer_days": ANSWER_WORKING_DAYS,
            },
            status=400,
        )
    made = deletion_request_create(person=person, note=form.cleaned_data["note"])
    if all(r.state == DeletionRequestState.CARRIED_OUT for r in made):
        messages.success(request, _("Your account was closed and your data erased."))
        return redirect("home")
    messages.success(request, _("Your request was sent. You will be emailed each society's answer."))
    return redirect("privacy:my_data")


@login_required
@require_POST
def deletion_cancel(request: HttpRequest, uid: UUID) -> HttpResponse:
    deletion = get_object_or_404(DeletionRequest, uid=uid, person=_user(request))
    try:
        deletion_request_cancel(request=deletion, by=_user(request))
    except DeletionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Your request was cancelled."))
    return redirect("privacy:my_data")


@login_required
def staff_deletion_list(request: HttpRequest, society: str) -> HttpResponse:
    the_society = get_society_for_staff(user=_user(request), code=society)
    return render(
        request,
        "privacy/staff_list.html",
        {
            "society": the_society,
            "requests": list(deletion_request_list_for_society(society=the_society)[:500]),
            "today": timezone.localdate(),
        },
    )


@login_required
def staff_deletion_detail(request: HttpRequest, society: str, uid: UUID) -> HttpResponse:
    the_society = get_society_for_staff(user=_user(request), code=society)
    deletion = get_object_or_404(
        DeletionRequest.objects.select_related("person", "decided_by"), uid=uid, society=the_society
    )
    refuse_form = DeletionRefuseForm(request.POST if request.POST.get("action") == "refuse" else None)
    error = ""
    if request.method == "POST":
        try:
            if request.POST.get("action") == "carry_out":
                deletion_request_carry_out(request=deletion, by=_user(request))
                messages.success(request, _("The request was carried out and the person emailed."))
                return redirect("privacy:staff_detail", society=society, uid=uid)
            if request.POST.get("action") == "refuse" and refuse_form.is_valid():
                deletion_request_refuse(
                    request=deletion, by=_user(request), reason=refuse_form.cleaned_data["reason"]
                )
                messages.success(request, _("The request was refused and the person emailed."))
                return redirect("privacy:staff_detail", society=society, uid=uid)
        except DeletionError as problem:
            error = str(problem)
    return render(
        request,
        "privacy/staff_detail.html",
        {
            "society": the_society,
            "deletion": deletion,
            "blockers": deletion_blockers(request=deletion)
            if deletion.state == DeletionRequestState.PENDING
            else [],
            "applications": Application.objects.filter(applicant=deletion.person, batch__society=the_society)
            .select_related("batch")
            .order_by("pk"),
            "refuse_form": refuse_form,
            "error": error,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def identity_number_log(request: HttpRequest, uid: UUID) -> HttpResponse:
    """Who was shown this applicant's full identity-document number: the society's staff only."""
    application = get_application_for_user(user=_user(request), uid=uid)
    if not request.user.has_perm("applications.view_identity_number", application):
        raise PermissionDenied
    views = list(
        IdentityNumberView.objects.filter(
            subject_type="application", subject_id=str(application.pk)
        ).select_related("viewer")[:500]
    )
    return render(request, "privacy/identity_number_log.html", {"application": application, "views": views})
