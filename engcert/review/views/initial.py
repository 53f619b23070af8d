"""Staff pages of the initial review (初审): the whole file with its checklist, the decisions, the
check of international titles, and what changed since the previous submission."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from engcert.accounts.models import User
from engcert.applications.domain.snapshot import application_snapshot_data
from engcert.applications.file_view import file_sections, snapshot_diff
from engcert.applications.models import Application, ApplicationSnapshot, InternationalTitle, PledgeSignature
from engcert.organisations.models import Organisation
from engcert.review.access import get_application_for_review
from engcert.review.domain import (
    TITLE_CHECK_STATES,
    UNDER_REVIEW,
    ReviewError,
    checklist_lines,
    eligibility_figures,
    initial_review_checklist_save,
    initial_review_current,
    initial_review_pass,
    initial_review_reject,
    initial_review_return,
    international_title_verify,
    simplified_assessment_applies,
    title_is_expired,
)
from engcert.review.forms import ChecklistForm, RejectForm, ReturnForm, TitleVerificationForm
from engcert.review.models import TitleVerification
from engcert.review.selectors import initial_review_list, revision_request_list, title_verifications_latest


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@dataclass(frozen=True)
class TitleCheck:
    """One international title as staff check it, with its latest check and the form for the next."""

    title: InternationalTitle
    evidence_uid: str
    evidence_name: str
    expired: bool
    latest: TitleVerification | None
    form: TitleVerificationForm


def _title_checks(
    application: Application, bound: dict[int, TitleVerificationForm] | None = None
) -> list[TitleCheck]:
    files = {attachment.pk: attachment for attachment in application.attachments.all()}
    latest = title_verifications_latest(application=application)
    today = timezone.localdate()
    checks = []
    for title in application.international_titles.all():
        evidence = files.get(title.evidence_id) if title.evidence_id else None
        expired = title_is_expired(title, today=today)
        checks.append(
            TitleCheck(
                title=title,
                evidence_uid=str(evidence.uid) if evidence else "",
                evidence_name=evidence.original_name if evidence else "",
                expired=expired,
                latest=latest.get(title.pk),
                form=(bound or {}).get(title.pk)
                or TitleVerificationForm(prefix=f"title{title.pk}", expired=expired),
            )
        )
    return checks


def _render(
    request: HttpRequest,
    society: Organisation,
    application: Application,
    *,
    checklist_form: ChecklistForm | None = None,
    return_form: ReturnForm | None = None,
    reject_form: RejectForm | None = None,
    title_forms: dict[int, TitleVerificationForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    review = initial_review_current(application=application)
    signature = PledgeSignature.objects.filter(application=application).select_related("pledge").first()
    # The file below reads the same signature.
    Application.pledge_signature.related.set_cached_value(application, signature)  # type: ignore[attr-defined]
    lines = checklist_lines(review=review, application=application, signature=signature)
    endorsement = application.batch.requires_unit_endorsement
    state = {"expected_state": application.state}
    checklist_form = checklist_form or ChecklistForm(
        initial={
            **state,
            "documents_complete": review.documents_complete,
            "documents_legible": review.documents_legible,
            "eligibility_confirmed": review.eligibility_confirmed,
            "unit_endorsement_received": review.unit_endorsement_received,
            "notes": review.notes,
        },
        endorsement_applies=endorsement,
    )
    snapshot_count = ApplicationSnapshot.objects.filter(application=application).count()
    return render(
        request,
        "review/initial_review.html",
        {
            "society": society,
            "application": application,
            "review": review,
            "under_review": application.state in UNDER_REVIEW,
            "lines": lines,
            "missing": [line for line in lines if not line.ticked],
            "signature": signature,
            "figures": eligibility_figures(application=application),
            "file": file_sections(application_snapshot_data(application=application)),
            "checklist_form": checklist_form,
            "return_form": return_form or ReturnForm(initial=state),
            "reject_form": reject_form or RejectForm(initial=state),
            "revisions": list(revision_request_list(application=application)),
            "rounds": [r for r in initial_review_list(application=application) if r.outcome],
            "snapshot_count": snapshot_count,
            "simplified": simplified_assessment_applies(application),
            "titles_checkable": application.state in TITLE_CHECK_STATES,
            "title_checks": _title_checks(application, title_forms),
            # A form sent back with errors: said at the top, as the form may be far down the page.
            "failed": status == 400,
        },
        status=status,
    )


def _back(society: Organisation, application: Application) -> HttpResponse:
    return redirect("review:application", society=society.code, uid=application.uid)


@login_required
def application_review(request: HttpRequest, society: str, uid: UUID) -> HttpResponse:
    org, application = get_application_for_review(user=_user(request), society_code=society, uid=uid)
    return _render(request, org, application)


@login_required
@require_POST
def checklist_save(request: HttpRequest, society: str, uid: UUID) -> HttpResponse:
    org, application = get_application_for_review(user=_user(request), society_code=society, uid=uid)
    form = ChecklistForm(request.POST, endorsement_applies=application.batch.requires_unit_endorsement)
    if not form.is_valid():
        return _render(request, org, application, checklist_form=form, status=400)
    passing = request.POST.get("action") == "pass"
    try:
        initial_review_checklist_save(
            application=application,
            by=_user(request),
            ticked=form.ticked(),
            notes=form.cleaned_data["notes"],
            expected_state=form.cleaned_data["expected_state"],
        )
        if passing:
            initial_review_pass(
                application=application, by=_user(request), expected_state=form.cleaned_data["expected_state"]
            )
    except ReviewError as error:
        messages.error(request, str(error))
        return _back(org, application)
    if passing:
        messages.success(
            request, _("The application passed the initial review; the applicant has been told.")
        )
    else:
        messages.success(request, _("The checklist was saved."))
    return _back(org, application)


@login_required
@require_POST
def application_return(request: HttpRequest, society: str, uid: UUID) -> HttpResponse:
    org, application = get_application_for_review(user=_user(request), society_code=society, uid=uid)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        return _render(request, org, application, return_form=form, status=400)
    try:
        initial_review_return(
            application=application,
            by=_user(request),
            items=form.items(),
            expected_state=form.cleaned_data["expected_state"],
        )
    except ReviewError as error:
        messages.error(request, str(error))
        return _back(org, application)
    messages.success(
        request, _("The application was returned for revision; the applicant has been told what to change.")
    )
    return _back(org, application)


@login_required
@require_POST
def application_reject(request: HttpRequest, society: str, uid: UUID) -> HttpResponse:
    org, application = get_application_for_review(user=_user(request), society_code=society, uid=uid)
    form = RejectForm(request.POST)
    if not form.is_valid():
        return _render(request, org, application, reject_form=form, status=400)
    try:
        initial_review_reject(
            application=application,
            by=_user(request),
            reason=form.cleaned_data["reason"],
            expected_state=form.cleaned_data["expected_state"],
        )
    except ReviewError as error:
        messages.error(request, str(error))
        return _back(org, application)
    messages.success(request, _("The application was rejected; the applicant has been told why."))
    return _back(org, application)


@login_required
@require_POST
def title_verify(request: HttpRequest, society: str, uid: UUID, title_id: int) -> HttpResponse:
    org, application = get_application_for_review(user=_user(request), society_code=society, uid=uid)
    title = next((t for t in application.international_titles.all() if t.pk == title_id), None)
    if title is None:
        raise Http404
    form = TitleVerificationForm(request.POST, prefix=f"title{title.pk}", expired=title_is_expired(title))
    if not form.is_valid():
        return _render(request, org, application, title_forms={title.pk: form}, status=400)
    try:
        international_title_verify(
            application=application,
            title=title,
            by=_user(request),
            verified=form.verified,
            note=form.cleaned_data["note"],
        )
    except ReviewError as error:
        messages.error(request, str(error))
        return _back(org, application)
    if form.verified:
        messages.success(request, _("The title was verified: the applicant takes the simplified assessment."))
    else:
        messages.success(
            request, _("The title was recorded as not verified; the applicant has been told on their page.")
        )
    return _back(org, application)


@login_required
def application_changes(request: HttpRequest, society: str, uid: UUID) -> HttpResponse:
    """What changed between a submission and the one before it (the latest, unless ?round= says)."""
    org, application = get_application_for_review(user=_user(request), society_code=society, uid=uid)
    snapshots = list(ApplicationSnapshot.objects.filter(application=application).order_by("sequence"))
    context: dict[str, Any] = {"society": org, "application": application, "snapshots": snapshots}
    if len(snapshots) >= 2:
        wanted = request.GET.get("round", "")
        by_sequence = {snapshot.sequence: snapshot for snapshot in snapshots}
        newer = by_sequence.get(int(wanted)) if wanted.isdigit() else snapshots[-1]
        if newer is None or newer is snapshots[0]:
            raise Http404
        older = snapshots[snapshots.index(newer) - 1]
        diffs = snapshot_diff(older.data, newer.data)
        # Unchanged sections are shown folded, as they read in the newer submission.
        shown = {section.section.key: section for section in file_sections(newer.data)}
        context.update(
            {
                "older": older,
                "newer": newer,
                "diffs": diffs,
                "changed_count": sum(1 for diff in diffs if diff.changed),
                "unchanged": [(diff, shown[diff.section.key]) for diff in diffs if not diff.changed],
            }
        )
    return render(request, "review/initial_changes.html", context)
