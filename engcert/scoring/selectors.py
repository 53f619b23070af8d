"""Reads that the examiner's pages, the staff pages and the reminders share."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from engcert.accounts.models import User
from engcert.applications.enums import ApplicationState, AssessmentPath
from engcert.applications.models import Application
from engcert.examiners.enums import ACTIVE_SEATS, InterviewStatus, SeatStatus
from engcert.examiners.models import EvaluationPolicy, Interview, PanelSeat
from engcert.frameworks.models import CompetencyArea, Grade
from engcert.organisations.models import Organisation
from engcert.scoring.enums import PanelProgress, SheetStatus
from engcert.scoring.models import ScoreSheet
from engcert.scoring.rules import examiner_role_held

# Interviews that count: a cancelled (moved) one is history, not the candidate's interview.
LIVE_INTERVIEWS = (InterviewStatus.SCHEDULED, InterviewStatus.HELD, InterviewStatus.NO_SHOW)
LIVE_SEAT_VALUES = [status.value for status in ACTIVE_SEATS]


def scored_areas(*, application: Application, policy: EvaluationPolicy) -> list[CompetencyArea]:
    """The areas the panel grades: all of them, or the policy's few on the simplified path."""
    areas = list(application.framework_version.areas.all())
    if application.assessment_path == AssessmentPath.SIMPLIFIED:
        numbers = {int(number) for number in policy.simplified_scored_areas}
        return [area for area in areas if area.number in numbers]
    return areas


def accepted_areas(*, application: Application, policy: EvaluationPolicy) -> list[CompetencyArea]:
    """Areas not graded because the verified international title stands for them."""
    scored = {area.pk for area in scored_areas(application=application, policy=policy)}
    return [area for area in application.framework_version.areas.all() if area.pk not in scored]


def lower_grades(*, application: Application) -> QuerySet[Grade]:
    """Grades of the same framework version below the one applied for."""
    grade = application.grade
    if grade is None:
        return Grade.objects.none()
    return Grade.objects.filter(
        framework_version_id=application.framework_version_id, position__lt=grade.position
    ).order_by("-position")


def interviews_live() -> QuerySet[Interview]:
    return Interview.objects.filter(status__in=LIVE_INTERVIEWS).select_related("room").order_by("-starts_at")


def interview_current(*, application: Application) -> Interview | None:
    """The candidate's interview: the latest one not cancelled (uses a prefetched list when there is one)."""
    prefetched: list[Interview] | None = getattr(application, "live_interviews", None)
    if prefetched is not None:
        return prefetched[0] if prefetched else None
    return interviews_live().filter(application=application).first()


def sheet_due_at(*, interview: Interview | None, policy: EvaluationPolicy) -> datetime | None:
    if interview is None:
        return None
    return interview.ends_at + timedelta(hours=policy.score_sheet_due_hours)


def sheet_status(*, sheet: ScoreSheet | None, due_at: datetime | None, now: datetime) -> SheetStatus:
    if sheet is not None and sheet.submitted_at is not None:
        return SheetStatus.SUBMITTED
    if due_at is not None and now > due_at:
        return SheetStatus.OVERDUE
    if sheet is None:
        return SheetStatus.NOT_STARTED
    return SheetStatus.DRAFT


def seat_sheet(seat: PanelSeat) -> ScoreSheet | None:
    """The seat's sheet, or None; reads the select_related cache without a query when it is there."""
    try:
        return seat.score_sheet
    except ScoreSheet.DoesNotExist:
        return None


@dataclass(frozen=True)
class PanelState:
    """Counts that say where a panel stands."""

    live: int
    declared: int
    submitted: int
    required: int
    agreed: bool

    @property
    def short_by(self) -> int:
        return max(0, self.required - self.live)

    @property
    def progress(self) -> PanelProgress:
        if self.agreed:
            return PanelProgress.AGREED
        if self.short_by:
            return PanelProgress.SHORT
        if self.declared < self.live:
            return PanelProgress.DECLARATIONS
        if self.submitted < self.live:
            return PanelProgress.SCORING
        return PanelProgress.READY

    @property
    def all_submitted(self) -> bool:
        return self.live > 0 and self.submitted == self.live and not self.short_by


def panel_state_of(*, seats: Iterable[PanelSeat], policy: EvaluationPolicy, agreed: bool) -> PanelState:
    """From a panel's seats in memory (with their sheets select_related or prefetched)."""
    live = [seat for seat in seats if seat.status in ACTIVE_SEATS]
    submitted = 0
    for seat in live:
        sheet = seat_sheet(seat)
        if sheet is not None and sheet.submitted_at is not None:
            submitted += 1
    return PanelState(
        live=len(live),
        declared=sum(1 for seat in live if seat.status == SeatStatus.CONFIRMED),
        submitted=submitted,
        required=policy.min_panel_size,
        agreed=agreed,
    )


def _count_seats(**filters: object) -> Coalesce:
    counted = (
        PanelSeat.objects.filter(panel=OuterRef("panel"), **filters)
        .order_by()
        .values("panel")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def examiner_seats(*, user: User) -> QuerySet[PanelSeat]:
    """Every seat of this person on a panel of a society where they hold the examiner role."""
    return PanelSeat.objects.filter(
        examiner__user=user, panel__application__batch__society=F("examiner__society")
    ).filter(examiner_role_held(user.pk))


def examiner_candidate_list(*, user: User) -> QuerySet[PanelSeat]:
    """The examiner's live seats with all a row of "my candidates" shows, in a fixed number of queries."""
    return (
        examiner_seats(user=user)
        .filter(status__in=LIVE_SEAT_VALUES)
        .select_related(
            "examiner",
            "score_sheet",
            "panel__application__grade",
            "panel__application__discipline__parent",
            "panel__application__unit",
            "panel__application__batch__society__evaluation_policy",
            "panel__application__panel_assessment",
        )
        .prefetch_related(
            Prefetch("panel__application__interviews", queryset=interviews_live(), to_attr="live_interviews")
        )
        .annotate(
            panel_live=_count_seats(status__in=LIVE_SEAT_VALUES),
            panel_declared=_count_seats(status=SeatStatus.CONFIRMED),
            panel_submitted=_count_seats(
                status__in=LIVE_SEAT_VALUES, score_sheet__submitted_at__isnull=False
            ),
        )
        .order_by("panel__application__full_name", "pk")
    )


def panel_state_annotated(seat: PanelSeat, *, policy: EvaluationPolicy, agreed: bool) -> PanelState:
    """From the counts `examiner_candidate_list` annotates on each seat."""
    return PanelState(
        live=seat.panel_live,  # type: ignore[attr-defined]
        declared=seat.panel_declared,  # type: ignore[attr-defined]
        submitted=seat.panel_submitted,  # type: ignore[attr-defined]
        required=policy.min_panel_size,
        agreed=agreed,
    )


def panel_seats_with_sheets(*, application: Application) -> list[PanelSeat]:
    """Every seat of the candidate's panel, live ones first, with examiner, person and sheet."""
    seats = (
        PanelSeat.objects.filter(panel__application=application)
        .select_related("examiner__user", "score_sheet", "score_sheet__recommended_grade")
        .prefetch_related("score_sheet__area_scores__level")
        .order_by("-is_chair", "assigned_at", "pk")
    )
    return sorted(seats, key=lambda seat: seat.status not in ACTIVE_SEATS)


def society_panel_list(*, society: Organisation) -> QuerySet[Application]:
    """Candidates of the society who have a panel, with what the staff overview shows."""
    return (
        Application.objects.filter(batch__society=society, panel__isnull=False)
        .select_related("grade", "unit", "batch", "panel_assessment")
        .prefetch_related(
            Prefetch("interviews", queryset=interviews_live(), to_attr="live_interviews"),
            Prefetch(
                "panel__seats",
                queryset=PanelSeat.objects.select_related("examiner__user", "score_sheet").order_by(
                    "-is_chair", "assigned_at", "pk"
                ),
            ),
        )
        .filter(
            Q(state__in=[ApplicationState.INTERVIEW_SCHEDULED, ApplicationState.INTERVIEWED])
            | Q(panel_assessment__isnull=False)
        )
        .order_by("-state_changed_at", "pk")
    )
