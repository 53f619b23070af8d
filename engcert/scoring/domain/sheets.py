"""An examiner's own score sheet: drafts at any time, one submission, never changed after."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from engcert.accounts.models import User
from engcert.applications.enums import ApplicationState
from engcert.applications.models import Application
from engcert.audit.domain import audit_event_append
from engcert.examiners.enums import SeatStatus
from engcert.examiners.models import PanelSeat
from engcert.examiners.selectors import evaluation_policy_for
from engcert.frameworks.models import CompetencyArea, Grade, ScaleLevel
from engcert.scoring.domain.errors import Incomplete, Problem, ScoringError
from engcert.scoring.enums import Recommendation
from engcert.scoring.models import AreaScore, ScoreSheet
from engcert.scoring.selectors import interview_current, lower_grades, scored_areas

# A justification shorter than this says too little for the committee to follow the grade.
MIN_JUSTIFICATION_CHARS = 20


@dataclass(frozen=True)
class AreaEntry:
    level: ScaleLevel | None
    justification: str = ""


@dataclass(frozen=True)
class SheetValues:
    """What the examiner wrote, keyed by competency area number."""

    areas: dict[int, AreaEntry] = field(default_factory=dict)
    recommendation: str = ""
    lower_grade: Grade | None = None
    comment: str = ""


def justification_problem(text: str) -> str:
    """Why a justification is not enough yet, or "" when it is."""
    length = len(text.strip())
    if length == 0:
        return _("Write why you chose this level.")
    if length < MIN_JUSTIFICATION_CHARS:
        return _(
            "Write at least %(min)d characters: say what in the file or the interview shows this level."
        ) % {"min": MIN_JUSTIFICATION_CHARS}
    return ""


def recommendation_problems(
    *, recommendation: str, lower_grade: Grade | None, application: Application
) -> list[Problem]:
    problems: list[Problem] = []
    if recommendation not in Recommendation.values:
        problems.append(Problem("recommendation", _("Choose your overall recommendation.")))
    elif recommendation == Recommendation.LOWER_GRADE and lower_grade is None:
        if lower_grades(application=application).exists():
            problems.append(Problem("lower_grade", _("Choose which lower grade you recommend.")))
        else:
            problems.append(
                Problem(
                    "recommendation",
                    _("There is no grade below the one applied for; choose another recommendation."),
                )
            )
    return problems


def areas_problems(*, areas: Sequence[CompetencyArea], entries: dict[int, AreaEntry]) -> list[Problem]:
    problems: list[Problem] = []
    for area in areas:
        entry = entries.get(area.number, AreaEntry(level=None))
        if entry.level is None:
            problems.append(Problem("level", _("Choose a level for this area."), area.number))
        message = justification_problem(entry.justification)
        if message:
            problems.append(Problem("justification", message, area.number))
    return problems


def _check_shape(*, application: Application, areas: Sequence[CompetencyArea], values: SheetValues) -> None:
    """Values a form cannot produce: areas not on this sheet, levels or grades of another framework."""
    numbers = {area.number for area in areas}
    for number, entry in values.areas.items():
        if number not in numbers:
            raise ScoringError(_("Area %(number)d is not scored on this sheet.") % {"number": number})
        if entry.level is not None and entry.level.framework_version_id != application.framework_version_id:
            raise ScoringError(_("That level is not on this framework's scale."))
    if values.recommendation and values.recommendation not in Recommendation.values:
        raise ScoringError(_("Choose your overall recommendation."))
    if (
        values.recommendation == Recommendation.LOWER_GRADE
        and values.lower_grade is not None
        and not lower_grades(application=application).filter(pk=values.lower_grade.pk).exists()
    ):
        raise ScoringError(_("Choose a grade below the one applied for."))


def recommended_grade(
    *, recommendation: str, lower_grade: Grade | None, application: Application
) -> Grade | None:
    if recommendation == Recommendation.GRADE_APPLIED:
        return application.grade
    if recommendation == Recommendation.LOWER_GRADE:
        return lower_grade
    return None


def _lock_own_seat(*, seat: PanelSeat, by: User) -> PanelSeat:
    locked = (
        PanelSeat.objects.select_for_update(of=("self",))
        .select_related(
            "examiner",
            "panel__application__framework_version",
            "panel__application__grade",
            "panel__application__batch__society__evaluation_policy",
        )
        .get(pk=seat.pk)
    )
    if locked.examiner.user_id != by.pk:
        raise ScoringError(_("Only the examiner on this seat can fill in its sheet."))
    if locked.status != SeatStatus.CONFIRMED:
        raise ScoringError(
            _("Declare your interests first; the sheet opens once you have declared no conflict.")
        )
    if locked.panel.application.state != ApplicationState.INTERVIEW_SCHEDULED:
        raise ScoringError(_("This candidate's interview stage is over; the sheet can no longer be changed."))
    return locked


def score_sheet_save(*, seat: PanelSeat, by: User, values: SheetValues) -> ScoreSheet:
    """Keep a draft as it stands, however incomplete. A submitted sheet is never changed."""
    with transaction.atomic():
        locked = _lock_own_seat(seat=seat, by=by)
        application = locked.panel.application
        policy = evaluation_policy_for(society=application.batch.society)
        areas = scored_areas(application=application, policy=policy)
        _check_shape(application=application, areas=areas, values=values)
        sheet, _created = ScoreSheet.objects.get_or_create(seat=locked)
        if sheet.submitted_at is not None:
            raise ScoringError(
                _("You submitted this sheet on %(date)s; a submitted sheet cannot be changed.")
                % {"date": timezone.localtime(sheet.submitted_at).strftime("%Y-%m-%d %H:%M")}
            )
        by_area = {area.number: area for area in areas}
        existing = {score.area_id: score for score in sheet.area_scores.all()}
        for number, area in by_area.items():
            entry = values.areas.get(number, AreaEntry(level=None))
            justification = entry.justification.strip()
            score = existing.get(area.pk)
            if entry.level is None and not justification:
                if score is not None:
                    score.delete()
                continue
            if score is None:
                AreaScore.objects.create(
                    sheet=sheet, area=area, level=entry.level, justification=justification
                )
            elif (
                score.level_id != (entry.level.pk if entry.level else None)
                or score.justification != justification
            ):
                score.level = entry.level
                score.justification = justification
                score.save(update_fields=["level", "justification"])
        sheet.recommendation = values.recommendation
        sheet.recommended_grade = recommended_grade(
            recommendation=values.recommendation, lower_grade=values.lower_grade, application=application
        )
        sheet.comment = values.comment.strip()
        sheet.save(update_fields=["recommendation", "recommended_grade", "comment", "updated_at"])
    return sheet


def score_sheet_submit(*, seat: PanelSeat, by: User, values: SheetValues) -> ScoreSheet:
    """Save, then submit when complete. When something is missing the draft is kept and
    `Incomplete` names each missing item."""
    sheet = score_sheet_save(seat=seat, by=by, values=values)
    with transaction.atomic():
        locked = _lock_own_seat(seat=seat, by=by)
        application = locked.panel.application
        interview = interview_current(application=application)
        if interview is None or interview.starts_at > timezone.now():
            raise ScoringError(
                _("The sheet can be submitted once the interview has begun; until then, save it as a draft.")
            )
        sheet = ScoreSheet.objects.select_for_update().get(pk=sheet.pk)
        if sheet.submitted_at is not None:
            return sheet
        policy = evaluation_policy_for(society=application.batch.society)
        areas = scored_areas(application=application, policy=policy)
        stored = {score.area.number: score for score in sheet.area_scores.select_related("area", "level")}
        entries = {
            number: AreaEntry(level=score.level, justification=score.justification)
            for number, score in stored.items()
        }
        problems = areas_problems(areas=areas, entries=entries) + recommendation_problems(
            recommendation=sheet.recommendation,
            lower_grade=sheet.recommended_grade,
            application=application,
        )
        if problems:
            raise Incomplete(problems)
        sheet.submitted_at = timezone.now()
        sheet.save(update_fields=["submitted_at", "updated_at"])
        audit_event_append(
            actor=by,
            action="score_sheet.submit",
            subject=sheet,
            application=application,
            data={
                "seat": locked.pk,
                "levels": {str(number): score.level.value for number, score in stored.items() if score.level},
                "recommendation": sheet.recommendation,
                "grade": sheet.recommended_grade.code if sheet.recommended_grade else "",
            },
        )
    return sheet
