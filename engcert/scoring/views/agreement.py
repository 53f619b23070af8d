"""The agreed-assessment form, shared by the panel's chair and the society's staff."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from engcert.applications.models import Application
from engcert.examiners.enums import ACTIVE_SEATS
from engcert.examiners.models import PanelSeat
from engcert.examiners.selectors import evaluation_policy_for
from engcert.scoring.domain.assessment import (
    panel_assessment_blockers,
    panel_assessment_prefill,
    panel_assessment_record,
)
from engcert.scoring.domain.comparison import Comparison, submitted_sheets_compare
from engcert.scoring.domain.errors import Incomplete, ScoringError
from engcert.scoring.forms import AgreementForm
from engcert.scoring.models import PanelAssessment
from engcert.scoring.selectors import (
    PanelState,
    accepted_areas,
    lower_grades,
    panel_seats_with_sheets,
    panel_state_of,
    scored_areas,
)
from engcert.scoring.views.common import request_user


def panel_overview(*, application: Application) -> dict[str, Any]:
    """The panel's seats, its state and the submitted sheets side by side."""
    policy = evaluation_policy_for(society=application.batch.society)
    seats = panel_seats_with_sheets(application=application)
    live: list[PanelSeat] = [seat for seat in seats if seat.status in ACTIVE_SEATS]
    assessment = (
        PanelAssessment.objects.filter(application=application)
        .select_related("recorded_by", "recommended_grade")
        .prefetch_related("area_scores__level", "area_scores__area")
        .first()
    )
    state: PanelState = panel_state_of(seats=seats, policy=policy, agreed=assessment is not None)
    areas = scored_areas(application=application, policy=policy)
    comparison: Comparison = submitted_sheets_compare(seats=live, areas=areas)
    return {
        "policy": policy,
        "seats": seats,
        "live_seats": live,
        "state": state,
        "areas": areas,
        "accepted": accepted_areas(application=application, policy=policy),
        "comparison": comparison,
        "assessment": assessment,
        "blockers": panel_assessment_blockers(application=application, state=state),
    }


def agreement_page(
    request: HttpRequest, *, application: Application, context: dict[str, Any], done_url: str
) -> HttpResponse:
    overview = panel_overview(application=application)
    if overview["assessment"] is not None:
        return redirect(done_url)
    form = AgreementForm(
        request.POST or None,
        initial=panel_assessment_prefill(comparison=overview["comparison"]),
        areas=overview["areas"],
        scale=list(application.framework_version.scale.all()),
        grade_applied=application.grade,
        lower_grades=list(lower_grades(application=application)),
    )
    if request.method == "POST" and form.is_valid():
        try:
            panel_assessment_record(application=application, by=request_user(request), values=form.values())
        except Incomplete as incomplete:
            form.add_problems(incomplete.problems)
            messages.error(request, str(incomplete))
        except ScoringError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, _("The panel's agreed assessment is recorded; the candidate is now “Interviewed”.")
            )
            return redirect(done_url)
    context.update(overview)
    context.update(
        {
            "form": form,
            # Each area's fields beside what the members gave it, so nobody scrolls to compare.
            "rows": list(zip(form.area_rows(), overview["comparison"].areas, strict=True)),
            "application": application,
            "done_url": done_url,
        }
    )
    return render(request, "scoring/agreement.html", context)
