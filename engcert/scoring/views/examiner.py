"""The examiner's score sheet and, for the panel's chair, the agreed assessment."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from engcert.applications.enums import ApplicationState
from engcert.applications.models import CompetencyStatement
from engcert.examiners.enums import SeatStatus
from engcert.examiners.models import PanelSeat
from engcert.scoring.domain.assessment import may_record_assessment
from engcert.scoring.domain.errors import Incomplete, ScoringError
from engcert.scoring.domain.sheets import score_sheet_save, score_sheet_submit
from engcert.scoring.enums import Recommendation
from engcert.scoring.forms import ScoreSheetForm
from engcert.scoring.models import ScoreSheet
from engcert.scoring.selectors import lower_grades, scored_areas, seat_sheet
from engcert.scoring.views.agreement import agreement_page, panel_overview
from engcert.scoring.views.common import candidate_header, examiner_page, request_user


def sheet_initial(sheet: ScoreSheet | None) -> dict[str, Any]:
    if sheet is None:
        return {}
    initial: dict[str, Any] = {
        "recommendation": sheet.recommendation,
        "comment": sheet.comment,
    }
    if sheet.recommendation == Recommendation.LOWER_GRADE:
        initial["lower_grade"] = sheet.recommended_grade_id
    for score in sheet.area_scores.all():
        initial[f"level_{score.area.number}"] = score.level_id
        initial[f"justification_{score.area.number}"] = score.justification
    return initial


@examiner_page
def score_sheet(request: HttpRequest, seat: PanelSeat) -> HttpResponse:
    uid = seat.panel.application.uid
    if seat.status != SeatStatus.CONFIRMED:
        return redirect("examiner:candidate", uid=uid)
    context = candidate_header(seat, tab="sheet")
    application = seat.panel.application
    sheet = (
        ScoreSheet.objects.filter(seat=seat)
        .select_related("recommended_grade")
        .prefetch_related("area_scores__area", "area_scores__level")
        .first()
    )
    if sheet is not None and sheet.submitted_at is not None:
        if request.method == "POST":
            messages.error(
                request,
                _("You submitted this sheet on %(date)s; a submitted sheet cannot be changed.")
                % {"date": timezone.localtime(sheet.submitted_at).strftime("%Y-%m-%d %H:%M")},
            )
            return redirect("scoring:sheet", uid=uid)
        # Only now, with their own sheet in, may the examiner read the other members' sheets.
        context.update(panel_overview(application=application))
        context.update(
            {
                "own_sheet": sheet,
                "may_agree": may_record_assessment(user=request_user(request), application=application),
            }
        )
        return render(request, "scoring/sheet_submitted.html", context)
    prefetch_related_objects([application.framework_version], "areas__indicators", "scale")
    areas = scored_areas(application=application, policy=context["policy"])
    form = ScoreSheetForm(
        request.POST or None,
        initial=sheet_initial(sheet),
        areas=areas,
        scale=list(application.framework_version.scale.all()),
        grade_applied=application.grade,
        lower_grades=list(lower_grades(application=application)),
    )
    if request.method == "POST" and form.is_valid():
        submitting = request.POST.get("action") == "submit"
        try:
            if submitting:
                score_sheet_submit(seat=seat, by=request_user(request), values=form.values())
            else:
                score_sheet_save(seat=seat, by=request_user(request), values=form.values())
        except Incomplete as incomplete:
            form.add_problems(incomplete.problems)
            messages.error(
                request,
                ngettext(
                    "Your draft is saved. To submit it, complete the item marked below.",
                    "Your draft is saved. To submit it, complete the %(count)d items marked below.",
                    len(incomplete.problems),
                )
                % {"count": len(incomplete.problems)},
            )
        except ScoringError as error:
            messages.error(request, str(error))
        else:
            if submitting:
                messages.success(
                    request,
                    _("Your sheet is submitted. You can now read the other members' submitted sheets."),
                )
            else:
                messages.success(
                    request,
                    _("Draft saved at %(time)s.") % {"time": timezone.localtime().strftime("%H:%M")},
                )
            return redirect("scoring:sheet", uid=uid)
    statements = {
        statement.area_id: statement
        for statement in CompetencyStatement.objects.filter(application=application).prefetch_related(
            "projects"
        )
    }
    context.update(
        {
            "form": form,
            "rows": [(row, statements.get(row.area.pk)) for row in form.area_rows()],
            "accepted": [area for area in application.framework_version.areas.all() if area not in areas],
            "titles": list(application.international_titles.all()),
            "open_for_scoring": application.state == ApplicationState.INTERVIEW_SCHEDULED,
        }
    )
    return render(request, "scoring/sheet.html", context)


@examiner_page
def agreement(request: HttpRequest, seat: PanelSeat) -> HttpResponse:
    application = seat.panel.application
    if seat.status != SeatStatus.CONFIRMED:
        return redirect("examiner:candidate", uid=application.uid)
    if not may_record_assessment(user=request_user(request), application=application):
        raise PermissionDenied(_("Only the panel's chair records the agreed assessment."))
    own = seat_sheet(seat)
    if own is None or own.submitted_at is None:
        # The comparison on the agreement page would show the others' sheets before one's own is in.
        messages.error(request, _("Submit your own sheet first; then the panel's sheets open to you."))
        return redirect("scoring:sheet", uid=application.uid)
    return agreement_page(
        request,
        application=application,
        context=candidate_header(seat, tab="agreement"),
        done_url=reverse("scoring:sheet", kwargs={"uid": application.uid}),
    )
