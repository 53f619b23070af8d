"""The applicant's own pages: list, overview with timeline, review and submit, withdraw, PDF."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from engcert.accounts.models import User
from engcert.applications.access import get_application_for_user
from engcert.applications.domain.application import (
    ApplicationError,
    SubmissionBlocked,
    application_create,
    application_submit,
    application_update,
    application_withdraw,
)
from engcert.applications.domain.completeness import application_problems
from engcert.applications.domain.eligibility import application_eligibility
from engcert.applications.enums import WITHDRAWABLE, ApplicationState
from engcert.applications.forms import EligibilityExplanationForm, WithdrawForm
from engcert.applications.sections import SECTIONS
from engcert.applications.selectors import application_list_for_applicant
from engcert.batches.models import Batch
from engcert.privacy.domain import identity_number_view_record


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@login_required
def my_applications(request: HttpRequest) -> HttpResponse:
    applications = application_list_for_applicant(user=_user(request))
    return render(request, "applications/mine.html", {"applications": applications})


@login_required
@require_POST
def application_start(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = get_object_or_404(Batch.objects.select_related("society", "framework_version"), pk=batch_id)
    try:
        application = application_create(batch=batch, applicant=_user(request))
    except ApplicationError as error:
        messages.error(request, str(error))
        return redirect("calls:list")
    return redirect("applications:section", uid=application.uid, section="application")


def section_status(application: object, problems: list) -> list[dict[str, object]]:  # type: ignore[type-arg]
    open_sections = {p.section for p in problems}
    return [{"section": s, "done": s.key not in open_sections} for s in SECTIONS]


def _timeline(application: object) -> list[object]:
    return list(
        application.audit_events.filter(action__in=["application.create", "application.transition", "application.pledge_signed"])  # type: ignore[attr-defined]
        .select_related("actor")
        .order_by("position")
    )


@login_required
def application_detail(request: HttpRequest, uid: UUID) -> HttpResponse:
    application = get_application_for_user(user=_user(request), uid=uid, full=True)
    problems = application_problems(application=application) if application.state in (ApplicationState.DRAFT, ApplicationState.RETURNED) else []
    steps = section_status(application, problems)
    done = sum(1 for s in steps if s["done"])
    return render(
        request,
        "applications/detail.html",
        {
            "application": application,
            "steps": steps,
            "done": done,
            "percent": round(100 * done / len(steps)),
            "timeline": _timeline(application),
            "is_applicant": application.applicant_id == request.user.pk,
            "can_edit": request.user.has_perm("applications.edit_application", application),
            "can_withdraw": application.applicant_id == request.user.pk and application.state in WITHDRAWABLE,
            "can_view_id": request.user.has_perm("applications.view_identity_number", application),
        },
    )


@login_required
def application_review(request: HttpRequest, uid: UUID) -> HttpResponse:
    """Check everything before submitting: problems by section, eligibility, explanation."""
    application = get_application_for_user(user=_user(request), uid=uid, full=True)
    if not request.user.has_perm("applications.edit_application", application):
        return redirect("applications:detail", uid=uid)
    problems = application_problems(application=application)
    eligibility = application_eligibility(application=application)
    form = EligibilityExplanationForm(request.POST or None, initial={"eligibility_explanation": application.eligibility_explanation})
    if request.method == "POST" and form.is_valid():
        application_update(application=application, by=_user(request), values=form.cleaned_data)
        messages.success(request, _("Your explanation was saved."))
        return redirect("applications:review", uid=uid)
    by_section = [(s, [p for p in problems if p.section == s.key]) for s in SECTIONS]
    return render(
        request,
        "applications/review.html",
        {
            "application": application,
            "by_section": by_section,
            "problem_count": len(problems),
            "eligibility": eligibility,
            "form": form,
            "open": application.batch.is_open(),
        },
    )


@login_required
@require_POST
def application_submit_view(request: HttpRequest, uid: UUID) -> HttpResponse:
    application = get_application_for_user(user=_user(request), uid=uid)
    if application.applicant_id != request.user.pk:
        raise PermissionDenied
    try:
        application = application_submit(application=application, by=_user(request))
    except SubmissionBlocked as blocked:
        messages.error(request, _("Please fix the %(count)d problem(s) listed below, then submit again.") % {"count": len(blocked.problems)})
        return redirect("applications:review", uid=uid)
    except ApplicationError as error:
        messages.error(request, str(error))
        return redirect("applications:review", uid=uid)
    messages.success(request, _("Your application was submitted. You will be told by email of each next step."))
    return redirect("applications:detail", uid=uid)


@login_required
def application_withdraw_view(request: HttpRequest, uid: UUID) -> HttpResponse:
    application = get_application_for_user(user=_user(request), uid=uid)
    if application.applicant_id != request.user.pk or application.state not in WITHDRAWABLE:
        raise PermissionDenied
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            application_withdraw(application=application, by=_user(request), reason=form.cleaned_data["reason"])
        except ApplicationError as error:
            form.add_error("reason", str(error))
        else:
            messages.success(request, _("Your application was withdrawn."))
            return redirect("applications:detail", uid=uid)
    return render(request, "applications/withdraw.html", {"application": application, "form": form})


@login_required
def application_pdf(request: HttpRequest, uid: UUID) -> HttpResponse:
    from engcert.applications.pdf import application_form_pdf

    application = get_application_for_user(user=_user(request), uid=uid, full=True)
    content = application_form_pdf(application=application)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{application.number}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def identity_number_reveal(request: HttpRequest, uid: UUID) -> HttpResponse:
    """Staff who need the full number ask for it; each look is logged."""
    application = get_application_for_user(user=_user(request), uid=uid)
    if not request.user.has_perm("applications.view_identity_number", application):
        raise PermissionDenied
    identity_number_view_record(
        viewer=_user(request),
        subject_type="application",
        subject_id=str(application.pk),
        purpose=request.POST.get("purpose", "").strip()[:200] or _("Staff review of the application"),
    )
    return JsonResponse({"id_number": application.id_number})
