"""The panel's agreed assessment, recorded by its chair (or the society's staff) once every
member has submitted their own sheet, and the qualification criteria (合格准则) it is read against."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from engcert.accounts.models import User
from engcert.applications.domain.transition import TransitionError, application_transition
from engcert.applications.enums import ApplicationState
from engcert.applications.models import Application
from engcert.audit.domain import audit_event_append
from engcert.examiners.enums import InterviewStatus
from engcert.examiners.models import Interview, PanelSeat
from engcert.examiners.selectors import evaluation_policy_for
from engcert.frameworks.models import CompetencyArea, Grade
from engcert.scoring.domain.comparison import Comparison
from engcert.scoring.domain.errors import Incomplete, Problem, ScoringError
from engcert.scoring.domain.sheets import (
    AreaEntry,
    areas_problems,
    recommendation_problems,
    recommended_grade,
)
from engcert.scoring.enums import Recommendation
from engcert.scoring.models import AgreedAreaScore, PanelAssessment
from engcert.scoring.selectors import (
    PanelState,
    lower_grades,
    panel_seats_with_sheets,
    panel_state_of,
    scored_areas,
)


@dataclass(frozen=True)
class AgreedValues:
    areas: dict[int, AreaEntry] = field(default_factory=dict)
    recommendation: str = ""
    lower_grade: Grade | None = None
    summary: str = ""


def panel_assessment_blockers(*, application: Application, state: PanelState) -> list[str]:
    """Why the agreed assessment cannot be recorded yet; empty when it can."""
    if state.agreed:
        return [_("The panel's assessment has already been recorded.")]
    reasons: list[str] = []
    if application.state != ApplicationState.INTERVIEW_SCHEDULED:
        reasons.append(
            _("The candidate is not at the interview stage (status: %(state)s).")
            % {"state": ApplicationState(application.state).label}
        )
    if state.short_by:
        reasons.append(
            _("The society asks for at least %(required)d examiners on a panel; this one has %(live)d.")
            % {"live": state.live, "required": state.required}
        )
    if state.declared < state.live:
        reasons.append(
            ngettext(
                "%(count)d examiner has not declared their interests yet.",
                "%(count)d examiners have not declared their interests yet.",
                state.live - state.declared,
            )
            % {"count": state.live - state.declared}
        )
    if state.submitted < state.live:
        reasons.append(
            _("%(count)d of %(live)d sheets are not submitted yet.")
            % {"count": state.live - state.submitted, "live": state.live}
        )
    return reasons


def panel_assessment_prefill(*, comparison: Comparison) -> dict[str, object]:
    """Initial values for the agreement form: an area's level and the members' justifications
    where every sheet gives the same level; the recommendation where every sheet recommends
    the same. Everything stays editable."""
    initial: dict[str, object] = {}
    for compared in comparison.areas:
        if not compared.agreed:
            continue
        number = compared.area.number
        first = compared.scores[0]
        assert first is not None  # agreed means every sheet has a score
        initial[f"level_{number}"] = first.level_id
        texts: list[str] = []
        for score in compared.scores:
            if score is not None and score.justification not in texts:
                texts.append(score.justification)
        initial[f"justification_{number}"] = "\n\n".join(texts)
    if comparison.recommendations_agree:
        sheet = comparison.sheets[0]
        initial["recommendation"] = sheet.recommendation
        if sheet.recommendation == Recommendation.LOWER_GRADE:
            initial["lower_grade"] = sheet.recommended_grade_id
    return initial


def may_record_assessment(*, user: User, application: Application) -> bool:
    return user.has_perm("scoring.record_assessment", application)


def assessment_meets_criteria(*, assessment: PanelAssessment) -> bool:
    """The qualification criteria: every scored area at a level that meets the requirement, and
    the panel recommends the grade applied for."""
    if assessment.recommendation != Recommendation.GRADE_APPLIED:
        return False
    application = assessment.application or assessment.superseded_for
    if application is None or assessment.recommended_grade_id != application.grade_id:
        return False
    levels = [score.level for score in assessment.area_scores.select_related("level")]
    return bool(levels) and all(level.meets_requirement for level in levels)


def panel_assessment_record(*, application: Application, by: User, values: AgreedValues) -> PanelAssessment:
    """Record what the panel agreed; the candidate becomes "interviewed" and the interview "held"."""
    with transaction.atomic():
        locked = (
            Application.objects.select_for_update(of=("self",))
            .select_related("batch__society__evaluation_policy", "framework_version", "grade")
            .get(pk=application.pk)
        )
        if not may_record_assessment(user=by, application=locked):
            raise ScoringError(
                _("Only the panel's chair or the society's staff can record the agreed assessment.")
            )
        # Lock the seats too: a seat given up at this moment must not slip past the check.
        list(
            PanelSeat.objects.select_for_update(of=("self",))
            .filter(panel__application=locked)
            .values_list("pk")
        )
        policy = evaluation_policy_for(society=locked.batch.society)
        seats = panel_seats_with_sheets(application=locked)
        state = panel_state_of(
            seats=seats, policy=policy, agreed=PanelAssessment.objects.filter(application=locked).exists()
        )
        blockers = panel_assessment_blockers(application=locked, state=state)
        if blockers:
            raise ScoringError(" ".join(blockers))
        areas = scored_areas(application=locked, policy=policy)
        _check_areas(application=locked, areas=areas, values=values)
        problems = areas_problems(areas=areas, entries=values.areas) + recommendation_problems(
            recommendation=values.recommendation, lower_grade=values.lower_grade, application=locked
        )
        if not values.summary.strip():
            problems.append(Problem("summary", _("Summarise what the panel agreed and why.")))
        if problems:
            raise Incomplete(problems)
        assessment = PanelAssessment.objects.create(
            application=locked,
            recommendation=values.recommendation,
            recommended_grade=recommended_grade(
                recommendation=values.recommendation, lower_grade=values.lower_grade, application=locked
            ),
            summary=values.summary.strip(),
            recorded_by=by,
        )
        AgreedAreaScore.objects.bulk_create(
            AgreedAreaScore(
                assessment=assessment,
                area=area,
                level=values.areas[area.number].level,
                justification=values.areas[area.number].justification.strip(),
            )
            for area in areas
        )
        assessment.meets_criteria = assessment_meets_criteria(assessment=assessment)
        assessment.save(update_fields=["meets_criteria"])
        audit_event_append(
            actor=by,
            action="panel_assessment.record",
            subject=assessment,
            application=locked,
            data={
                "levels": {str(area.number): values.areas[area.number].level.value for area in areas},  # type: ignore[union-attr]
                "recommendation": assessment.recommendation,
                "grade": assessment.recommended_grade.code if assessment.recommended_grade else "",
                "meets_criteria": assessment.meets_criteria,
            },
        )
        try:
            application_transition(
                application=locked,
                to_state=ApplicationState.INTERVIEWED,
                by=by,
                data={"assessment": assessment.pk, "meets_criteria": assessment.meets_criteria},
                expected_state=ApplicationState.INTERVIEW_SCHEDULED,
            )
        except TransitionError as error:
            raise ScoringError(str(error)) from error
        _interviews_mark_held(application=locked, by=by)
    application.state = locked.state
    application.state_changed_at = locked.state_changed_at
    return assessment


def _check_areas(*, application: Application, areas: Sequence[CompetencyArea], values: AgreedValues) -> None:
    numbers = {area.number for area in areas}
    for number, entry in values.areas.items():
        if number not in numbers:
            raise ScoringError(_("Area %(number)d is not scored for this candidate.") % {"number": number})
        if entry.level is not None and entry.level.framework_version_id != application.framework_version_id:
            raise ScoringError(_("That level is not on this framework's scale."))
    if (
        values.recommendation == Recommendation.LOWER_GRADE
        and values.lower_grade is not None
        and not lower_grades(application=application).filter(pk=values.lower_grade.pk).exists()
    ):
        raise ScoringError(_("Choose a grade below the one applied for."))


def _interviews_mark_held(*, application: Application, by: User) -> None:
    for interview in Interview.objects.select_for_update().filter(
        application=application, status=InterviewStatus.SCHEDULED
    ):
        interview.status = InterviewStatus.HELD
        interview.save(update_fields=["status"])
        audit_event_append(
            actor=by,
            action="interview.held",
            subject=interview,
            application=application,
            from_state=InterviewStatus.SCHEDULED,
            to_state=InterviewStatus.HELD,
            data={"starts_at": timezone.localtime(interview.starts_at).isoformat()},
        )


def panel_assessment_supersede(*, application: Application, by: User, reason: str) -> PanelAssessment | None:
    """A new interview is to replace the panel's agreed assessment (an appeal sent the candidate
    back): the assessment stays, with its area scores, as the application's earlier one, and the
    next panel can record its own. Nothing to do when no assessment was recorded."""
    with transaction.atomic():
        current = PanelAssessment.objects.select_for_update().filter(application=application).first()
        if current is None:
            return None
        current.superseded_for = application
        current.superseded_at = timezone.now()
        current.application = None
        current.save(update_fields=["superseded_for", "superseded_at", "application"])
        audit_event_append(
            actor=by,
            action="panel_assessment.supersede",
            subject=current,
            application=application,
            reason=reason,
            data={"assessment": current.pk},
        )
    # The instance may carry the cached reverse relation from before.
    application._state.fields_cache.pop("panel_assessment", None)
    return current
