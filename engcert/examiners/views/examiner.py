"""The examiner's own pages: my candidates, the declaration of interest, the candidate's file."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from engcert.accounts.second_factor import account_facts_for_request
from engcert.applications.enums import AttachmentKind
from engcert.applications.models import Attachment, WorkEntry
from engcert.applications.selectors import application_get_full
from engcert.examiners.domain.conflicts import conflicts_for
from engcert.examiners.enums import SeatStatus
from engcert.examiners.models import PanelSeat
from engcert.examiners.selectors import evaluation_policy_for
from engcert.organisations.enums import Role
from engcert.scoring.domain.declarations import seat_declare
from engcert.scoring.domain.errors import ScoringError
from engcert.scoring.forms import DeclarationForm
from engcert.scoring.selectors import (
    examiner_candidate_list,
    interview_current,
    panel_state_annotated,
    scored_areas,
    seat_sheet,
    sheet_due_at,
    sheet_status,
)
from engcert.scoring.views.common import candidate_header, examiner_page, request_user

# Attachments an examiner never opens: they carry the identity-document number.
HIDDEN_FROM_EXAMINERS = frozenset({AttachmentKind.IDENTITY_DOCUMENT})


@login_required
def candidate_list(request: HttpRequest) -> HttpResponse:
    """Every candidate on whose panel the person holds a live seat, across societies."""
    facts = account_facts_for_request(request)
    if facts is None or Role.EXAMINER not in facts.roles:
        # Like the staff pages: someone who examines nowhere learns nothing here.
        raise Http404
    now = timezone.now()
    rows = []
    for seat in examiner_candidate_list(user=request_user(request)):
        application = seat.panel.application
        policy = evaluation_policy_for(society=application.batch.society)
        interview = interview_current(application=application)
        due_at = sheet_due_at(interview=interview, policy=policy)
        agreed = hasattr(application, "panel_assessment")
        rows.append(
            {
                "seat": seat,
                "application": application,
                "interview": interview,
                "due_at": due_at,
                "sheet_status": sheet_status(sheet=seat_sheet(seat), due_at=due_at, now=now),
                "panel": panel_state_annotated(seat, policy=policy, agreed=agreed),
            }
        )
    return render(request, "examiners/examiner_candidates.html", {"rows": rows})


def _declaration_facts(seat: PanelSeat) -> dict[str, Any]:
    """The employers of the candidate's work history (oldest first, each once) and what the
    platform's own conflict checks find between this examiner and this candidate."""
    rows = WorkEntry.objects.filter(application_id=seat.panel.application_id).order_by("start_date", "pk")
    return {
        "employers": list(dict.fromkeys(rows.values_list("employer", flat=True))),
        "found": conflicts_for(examiner=seat.examiner, application=seat.panel.application),
    }


@examiner_page
def candidate(request: HttpRequest, seat: PanelSeat) -> HttpResponse:
    """Before the declaration: just enough to know whether there is a conflict. After: the file."""
    if seat.status == SeatStatus.ASSIGNED:
        application = seat.panel.application
        context = candidate_header(seat, tab="file")
        context.update({"form": DeclarationForm(), **_declaration_facts(seat)})
        return render(request, "examiners/examiner_declaration.html", context)
    application = application_get_full(pk=seat.panel.application_id)
    seat.panel.application = application
    context = candidate_header(seat, tab="file")
    policy = context["policy"]
    statements = {statement.area_id: statement for statement in application.statements.all()}
    scored = {area.pk for area in scored_areas(application=application, policy=policy)}
    context.update(
        {
            "statements": [
                (area, statements.get(area.pk), area.pk in scored)
                for area in application.framework_version.areas.all()
            ],
            "attachments": [a for a in application.attachments.all() if a.kind not in HIDDEN_FROM_EXAMINERS],
            "conflict_form": DeclarationForm(initial={"declaration": DeclarationForm.CONFLICT}),
            "can_declare_conflict": context["sheet"] is None or context["sheet"].submitted_at is None,
        }
    )
    return render(request, "examiners/examiner_file.html", context)


@require_POST
@examiner_page
def declare(request: HttpRequest, seat: PanelSeat) -> HttpResponse:
    form = DeclarationForm(request.POST)
    if form.is_valid():
        try:
            seat_declare(
                seat=seat, by=request_user(request), conflict=form.conflict, note=form.cleaned_data["note"]
            )
        except ScoringError as error:
            messages.error(request, str(error))
            return redirect("examiner:candidate", uid=seat.panel.application.uid)
        if form.conflict:
            messages.success(
                request,
                _(
                    "Your declaration of a conflict is recorded and the society's staff are told; the candidate is no longer on your list."
                ),
            )
            return redirect("examiner:candidates")
        messages.success(request, _("Declared no conflict of interest. The file is open to you."))
        return redirect("examiner:candidate", uid=seat.panel.application.uid)
    if seat.status != SeatStatus.ASSIGNED:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("examiner:candidate", uid=seat.panel.application.uid)
    context = candidate_header(seat, tab="file")
    context.update({"form": form, **_declaration_facts(seat)})
    return render(request, "examiners/examiner_declaration.html", context, status=400)


@examiner_page
def attachment_download(request: HttpRequest, seat: PanelSeat, file_uid: UUID) -> HttpResponseBase:
    if seat.status != SeatStatus.CONFIRMED:
        return redirect("examiner:candidate", uid=seat.panel.application.uid)
    attachment = (
        Attachment.objects.filter(application_id=seat.panel.application_id, uid=file_uid)
        .exclude(kind__in=HIDDEN_FROM_EXAMINERS)
        .first()
    )
    if attachment is None:
        raise Http404
    response = FileResponse(
        attachment.file.open("rb"),
        content_type=attachment.content_type,
        as_attachment=attachment.content_type == "application/pdf",
        filename=attachment.original_name,
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    return response
