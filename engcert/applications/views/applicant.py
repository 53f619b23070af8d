"""The applicant's own pages: list, overview with timeline, review and submit, withdraw, PDF."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from engcert.accounts.models import User
from engcert.applications.access import get_application_for_user
from engcert.applications.domain.application import (
    FIELD_SECTIONS,
    ApplicationError,
    SubmissionBlocked,
    application_create,
    application_submit,
    application_update,
    application_withdraw,
)
from engcert.applications.domain.completeness import application_problems
from engcert.applications.domain.eligibility import application_eligibility
from engcert.applications.enums import (
    EDITABLE_BY_APPLICANT,
    NEXT_STEPS,
    PUBLIC_LABELS,
    WITHDRAWABLE,
    ApplicationState,
    AssessmentPath,
)
from engcert.applications.forms import EligibilityExplanationForm, WithdrawForm
from engcert.applications.models import Application
from engcert.applications.rules import any_section_open, section_open
from engcert.applications.sections import SECTION_BY_KEY, SECTION_KEYS, SECTIONS
from engcert.applications.selectors import application_list_for_applicant
from engcert.applications.transitions import Actor, allowed_targets
from engcert.applications.views.sections import problem_field_label, section_steps
from engcert.audit.models import AuditEvent
from engcert.batches.models import Batch
from engcert.privacy.domain import identity_number_view_record
from engcert.review.selectors import revision_reasons, title_verification_latest

REGISTERED_STATES = frozenset({ApplicationState.REGISTERED, ApplicationState.CERTIFICATE_ISSUED})


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


@dataclass(frozen=True)
class TimelineEntry:
    """One step of the application's life as the applicant reads it."""

    at: datetime
    actor: str
    title: str
    from_label: str
    to_label: str
    reason: str


EVENT_TITLES = {
    "application.create": gettext_lazy("Application started"),
    "application.transition": gettext_lazy("Status changed"),
    "application.pledge_signed": gettext_lazy("Integrity pledge signed"),
}


def _state_label(value: str, *, plain: bool) -> str:
    if value not in ApplicationState.values:
        return value
    return str(PUBLIC_LABELS[value] if plain else ApplicationState(value).label)


def _actor_for_applicant(event: AuditEvent, application: Application) -> str:
    """The applicant reads who acted as an organisation, never as a person: examiners and staff
    stay anonymous to the people they assess."""
    if event.actor_id is None:
        return _("the system")
    if event.actor_id == application.applicant_id:
        return _("you")
    if event.from_state and event.to_state:
        allowed = allowed_targets(event.from_state).get(ApplicationState(event.to_state), frozenset())
        if allowed == {Actor.ALLIANCE}:
            return _("the alliance")
    return _("the society")


def application_timeline(*, application: Application, for_applicant: bool) -> list[TimelineEntry]:
    """The history of the file: the applicant reads plain labels and organisations; staff read
    the staff labels and who acted."""
    events = (
        application.audit_events.filter(action__in=list(EVENT_TITLES))
        .select_related("actor")
        .order_by("position")
    )
    return [
        TimelineEntry(
            at=event.created_at,
            actor=(
                _actor_for_applicant(event, application)
                if for_applicant
                else str(event.actor)
                if event.actor is not None
                else _("the system")
            ),
            title=str(EVENT_TITLES[event.action]),
            from_label=_state_label(event.from_state, plain=for_applicant) if event.from_state else "",
            to_label=_state_label(event.to_state, plain=for_applicant) if event.to_state else "",
            reason=event.reason,
        )
        for event in events
    ]


@login_required
def application_detail(request: HttpRequest, uid: UUID) -> HttpResponse:
    user = _user(request)
    application = get_application_for_user(user=user, uid=uid, full=True)
    editable = application.state in EDITABLE_BY_APPLICANT
    problems = application_problems(application=application) if editable else []
    reasons = revision_reasons(application=application)
    steps = section_steps(problems=problems, application=application, reasons=reasons)
    done = sum(1 for step in steps if step.done)
    is_applicant = application.applicant_id == user.pk
    return render(
        request,
        "applications/detail.html",
        {
            "application": application,
            "steps": steps,
            "done": done,
            "percent": round(100 * done / len(steps)),
            "problem_count": len(problems),
            "editable": editable,
            "timeline": application_timeline(application=application, for_applicant=is_applicant),
            "is_applicant": is_applicant,
            "can_edit": user.has_perm("applications.edit_application", application),
            "can_withdraw": is_applicant and application.state in WITHDRAWABLE,
            "can_view_id": user.has_perm("applications.view_identity_number", application),
            "revision_count": len(reasons),
            "edit_from": next(
                (key for key in SECTION_KEYS if section_open(application, key)), SECTION_KEYS[0]
            ),
            "title_check": _title_check(application),
            "next_step": NEXT_STEPS.get(application.state, "") if is_applicant else "",
            "registration": _registration(application),
        },
    )


def _registration(application: Application) -> object | None:
    if application.state not in REGISTERED_STATES:
        return None
    # Registration depends on applications; it is read here, at run time, not at import.
    from engcert.registration.selectors import registration_for

    return registration_for(application=application)


def _title_check(application: Application) -> dict[str, object] | None:
    """What the applicant who asked for simplified assessment is told about their title."""
    if not (application.simplified_requested and application.batch.offers_simplified_assessment):
        return None
    latest = title_verification_latest(application=application)
    return {
        "simplified": application.assessment_path == AssessmentPath.SIMPLIFIED,
        "not_verified": latest is not None and not latest.verified,
        "note": latest.note if latest is not None and not latest.verified else "",
    }


@login_required
def application_review(request: HttpRequest, uid: UUID) -> HttpResponse:
    """Check everything before submitting: problems by section, eligibility, explanation."""
    application = get_application_for_user(user=_user(request), uid=uid, full=True)
    if not request.user.has_perm("applications.edit_application", application):
        return redirect("applications:detail", uid=uid)
    problems = application_problems(application=application)
    eligibility = application_eligibility(application=application)
    # While returned, the explanation reopens with the grade, the education or the work history.
    explanation_open = any_section_open(application, FIELD_SECTIONS["eligibility_explanation"])
    form = EligibilityExplanationForm(
        request.POST or None, initial={"eligibility_explanation": application.eligibility_explanation}
    )
    if request.method == "POST" and form.is_valid():
        try:
            application_update(application=application, by=_user(request), values=form.cleaned_data)
        except ApplicationError as error:
            form.add_error("eligibility_explanation", str(error))
        else:
            messages.success(request, _("Your explanation was saved."))
            return redirect("applications:review", uid=uid)
    by_section = [
        (s, [(p, problem_field_label(p)) for p in problems if p.section == s.key]) for s in SECTIONS
    ]
    explanation_missing = not eligibility.met and not application.eligibility_explanation.strip()
    # A first submission needs the call to be open (or the applicant's deadline extended); a
    # resubmission after revision does not.
    from engcert.deadlines.domain.checks import application_deadline_get

    can_submit = application.state == ApplicationState.RETURNED or (
        application.batch.opens_at
        <= timezone.now()
        < application_deadline_get(batch=application.batch, applicant_id=application.applicant_id)
    )
    return render(
        request,
        "applications/review.html",
        {
            "application": application,
            "by_section": by_section,
            "problem_count": len(problems) + (1 if explanation_missing else 0),
            "eligibility": eligibility,
            "explanation_missing": explanation_missing,
            "form": form,
            "explanation_open": explanation_open,
            "open": can_submit,
            "revision_sections": [
                SECTION_BY_KEY[key] for key in application.revision_sections if key in SECTION_BY_KEY
            ]
            if application.state == ApplicationState.RETURNED
            else [],
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
        messages.error(
            request,
            _("Please fix the %(count)d problem(s) listed below, then submit again.")
            % {"count": len(blocked.problems)},
        )
        return redirect("applications:review", uid=uid)
    except ApplicationError as error:
        messages.error(request, str(error))
        return redirect("applications:review", uid=uid)
    messages.success(
        request, _("Your application was submitted. You will be told by email of each next step.")
    )
    return redirect("applications:detail", uid=uid)


@login_required
def application_withdraw_view(request: HttpRequest, uid: UUID) -> HttpResponse:
    application = get_application_for_user(user=_user(request), uid=uid)
    if application.applicant_id != request.user.pk or application.state not in WITHDRAWABLE:
        raise PermissionDenied
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            application_withdraw(
                application=application, by=_user(request), reason=form.cleaned_data["reason"]
            )
        except ApplicationError as error:
            form.add_error("reason", str(error))
        else:
            messages.success(request, _("Your application was withdrawn."))
            return redirect("applications:detail", uid=uid)
    return render(request, "applications/withdraw.html", {"application": application, "form": form})


@login_required
def application_pdf(request: HttpRequest, uid: UUID) -> HttpResponse:
    from engcert.applications.pdf import MissingGlyphError, application_form_pdf

    application = get_application_for_user(user=_user(request), uid=uid, full=True)
    try:
        content = application_form_pdf(application=application)
    except MissingGlyphError as error:
        # A character no installed font has: say which and where, rather than print empty boxes.
        return render(
            request,
            "applications/pdf/missing_glyph.html",
            {"application": application, "problems": error.problems},
            status=422,
        )
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
