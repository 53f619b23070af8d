"""The candidates' part of the JSON API: a candidate's evaluation record as the alliance verifies
it. Needs the scope `evaluations:read`.

What the record holds: name, grade, discipline, unit, the state and the dates of its history, the
initial review's outcome, the panel's agreed assessment of each competency area, the committee's
decision (with its tally, never a member's vote), the public notice's outcome and the alliance's
decision. What it never holds: identity-document numbers or any other personal detail, and the
names of examiners, reviewers or committee members."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.http import Http404, HttpRequest
from ninja import Field, Path, Query, Router, Schema

from engcert.apiclients.api_support import (
    AUTH_ERRORS,
    MAX_ID,
    ErrorOut,
    PageOut,
    PageQuery,
    client_with_scope,
    page_of,
    token_auth,
    token_throttle,
)
from engcert.apiclients.enums import ApiScope
from engcert.apiclients.models import ApiClient
from engcert.applications.enums import ApplicationState
from engcert.applications.models import Application
from engcert.audit.models import AuditEvent
from engcert.batches.api import batches_for_client
from engcert.committee.enums import DECIDED
from engcert.committee.models import AgendaItem
from engcert.frameworks.models import Grade
from engcert.notices.enums import ObjectionStatus
from engcert.notices.models import NoticeEntry, Objection
from engcert.registration.models import PackageItem
from engcert.review.models import InitialReview
from engcert.scoring.models import AgreedAreaScore

router = Router(tags=["candidates"], auth=token_auth, throttle=[token_throttle])


class NameOut(Schema):
    name: str
    name_en: str


class GradeOut(Schema):
    code: str = Field(..., examples=["PE"])
    name: str
    name_en: str


class DisciplineOut(Schema):
    code: str
    name: str
    name_en: str
    parent: NameOut | None


class BatchRefOut(Schema):
    id: int
    code: str
    society: str = Field(..., description="The society's code.", examples=["csee"])


class StepOut(Schema):
    at: datetime
    from_state: str | None
    to_state: str


class InitialReviewOut(Schema):
    round: int
    outcome: str = Field(..., description="passed, returned or rejected.")
    decided_at: datetime | None


class AreaOut(Schema):
    number: int
    name: str
    name_en: str
    level: int
    level_name: str
    level_name_en: str
    meets_requirement: bool
    justification: str


class AssessmentOut(Schema):
    recommendation: str
    recommended_grade: GradeOut | None
    meets_criteria: bool
    summary: str
    recorded_at: datetime
    areas: list[AreaOut]


class TallyOut(Schema):
    members: int
    voting: int
    approve: int
    not_approve: int
    abstain: int


class CommitteeOut(Schema):
    outcome: str = Field(..., description="approved or not_approved.")
    grade: GradeOut | None
    rationale: str
    departs_from_criteria: bool
    departure_reason: str
    decided_at: datetime | None
    meeting_at: datetime | None
    tally: TallyOut


class NoticeOut(Schema):
    starts_on: str
    last_day: str
    objections: int
    objections_upheld: int
    objections_dismissed: int
    objections_open: int
    outcome: str = Field(
        ...,
        description="in_notice (still running or an objection open), passed, or stopped (an objection was upheld).",
    )


class AllianceOut(Schema):
    item_id: int = Field(..., description="Use it with /registrations/{item}/confirm or /return.")
    package_id: int
    package_version: int
    outcome: str = Field(..., description="pending, confirmed, returned or superseded.")
    reason: str
    decided_at: datetime | None
    member_number: str | None


class CandidateOut(Schema):
    uid: UUID
    number: str | None = Field(..., description="The application number.")
    full_name: str = Field(..., examples=["王伟"])
    full_name_en: str
    batch: BatchRefOut
    unit: NameOut | None
    discipline: DisciplineOut | None
    grade_applied: GradeOut | None
    grade_approved: GradeOut | None = Field(..., description="The committee's grade, once decided.")
    assessment_path: str = Field(..., description="full or simplified.")
    state: str = Field(..., examples=["with_alliance"])
    state_label: str
    submitted_at: datetime | None
    state_changed_at: datetime | None
    history: list[StepOut]
    initial_review: InitialReviewOut | None
    assessment: AssessmentOut | None
    committee: CommitteeOut | None
    notice: NoticeOut | None
    alliance: AllianceOut | None


class CandidatePageOut(PageOut):
    items: list[CandidateOut]


class CandidateFilter(PageQuery):
    state: ApplicationState | None = Field(None, description="Only candidates in this state.")


def candidates_for_client(client: ApiClient) -> QuerySet[Application]:
    """Submitted applications of the client's society; for the alliance, those a society sent it."""
    applications = Application.objects.filter(submitted_at__isnull=False)
    if client.is_alliance:
        return applications.filter(Exists(PackageItem.objects.filter(application=OuterRef("pk"))))
    return applications.filter(batch__society_id=client.organisation_id)


def with_record(applications: QuerySet[Application]) -> QuerySet[Application]:
    """Everything a record shows, in a fixed number of queries whatever the number of candidates."""
    return applications.select_related(
        "batch__society",
        "unit",
        "discipline__parent",
        "grade",
        "awarded_grade",
        "panel_assessment__recommended_grade",
    ).prefetch_related(
        Prefetch(
            "panel_assessment__area_scores",
            queryset=AgreedAreaScore.objects.select_related("area", "level").order_by("area__number"),
        ),
        Prefetch(
            "agenda_items",
            queryset=AgendaItem.objects.filter(outcome__in=list(DECIDED))
            .select_related("meeting", "awarded_grade")
            .order_by("-decided_at", "-pk"),
            to_attr="committee_decisions",
        ),
        Prefetch(
            "audit_events",
            queryset=AuditEvent.objects.filter(action="application.transition").order_by("position"),
            to_attr="transition_events",
        ),
        Prefetch(
            "initial_reviews",
            queryset=InitialReview.objects.exclude(outcome="").order_by("-round"),
            to_attr="decided_reviews",
        ),
        Prefetch(
            "notice_entries",
            queryset=NoticeEntry.objects.select_related("notice")
            .prefetch_related(
                Prefetch("objections", queryset=Objection.objects.only("pk", "entry_id", "status"))
            )
            .order_by("-notice__starts_at", "-pk"),
            to_attr="listed",
        ),
        Prefetch(
            "alliance_items",
            queryset=PackageItem.objects.select_related("package", "registration").order_by("-pk"),
            to_attr="sent_items",
        ),
    )


def _grade(grade: Grade | None) -> GradeOut | None:
    return None if grade is None else GradeOut(code=grade.code, name=grade.name, name_en=grade.name_en)


def _names(obj: Any) -> NameOut | None:
    return None if obj is None else NameOut(name=obj.name, name_en=obj.name_en)


def _assessment(application: Application) -> AssessmentOut | None:
    assessment = getattr(application, "panel_assessment", None)
    if assessment is None:
        return None
    return AssessmentOut(
        recommendation=assessment.recommendation,
        recommended_grade=_grade(assessment.recommended_grade),
        meets_criteria=assessment.meets_criteria,
        summary=assessment.summary,
        recorded_at=assessment.recorded_at,
        areas=[
            AreaOut(
                number=score.area.number,
                name=score.area.name,
                name_en=score.area.name_en,
                level=score.level.value,
                level_name=score.level.name,
                level_name_en=score.level.name_en,
                meets_requirement=score.level.meets_requirement,
                justification=score.justification,
            )
            for score in assessment.area_scores.all()
        ],
    )


def _committee(application: Application) -> CommitteeOut | None:
    decisions: list[AgendaItem] = getattr(application, "committee_decisions", [])
    if not decisions:
        return None
    item = decisions[0]
    return CommitteeOut(
        outcome=item.outcome,
        grade=_grade(item.awarded_grade),
        rationale=item.rationale,
        departs_from_criteria=item.departs_from_criteria,
        departure_reason=item.departure_reason,
        decided_at=item.decided_at,
        meeting_at=item.meeting.starts_at,
        tally=TallyOut(
            members=item.members_count,
            voting=item.voting_count,
            approve=item.approve_count,
            not_approve=item.not_approve_count,
            abstain=item.abstain_count,
        ),
    )


def _notice(application: Application) -> NoticeOut | None:
    entries: list[NoticeEntry] = getattr(application, "listed", [])
    if not entries:
        return None
    entry = entries[0]
    statuses = [objection.status for objection in entry.objections.all()]
    upheld = statuses.count(ObjectionStatus.UPHELD)
    still_open = statuses.count(ObjectionStatus.OPEN)
    passed_states = {
        ApplicationState.NOTICE_PASSED,
        ApplicationState.WITH_ALLIANCE,
        ApplicationState.REGISTERED,
        ApplicationState.CERTIFICATE_ISSUED,
    }
    if upheld:
        outcome = "stopped"
    elif still_open or application.state not in passed_states:
        outcome = "in_notice"
    else:
        outcome = "passed"
    return NoticeOut(
        starts_on=entry.notice.starts_on.isoformat(),
        last_day=entry.notice.last_day.isoformat(),
        objections=len(statuses),
        objections_upheld=upheld,
        objections_dismissed=statuses.count(ObjectionStatus.DISMISSED),
        objections_open=still_open,
        outcome=outcome,
    )


def _alliance(application: Application) -> AllianceOut | None:
    items: list[PackageItem] = getattr(application, "sent_items", [])
    if not items:
        return None
    item = items[0]
    registration = getattr(item, "registration", None)
    return AllianceOut(
        item_id=item.pk,
        package_id=item.package_id,
        package_version=item.package.version,
        outcome=item.outcome,
        reason=item.reason,
        decided_at=item.decided_at,
        member_number=registration.member_number if registration is not None else None,
    )


def candidate_out(application: Application) -> CandidateOut:
    reviews: list[InitialReview] = getattr(application, "decided_reviews", [])
    events: list[AuditEvent] = getattr(application, "transition_events", [])
    review = reviews[0] if reviews else None
    return CandidateOut(
        uid=application.uid,
        number=application.number,
        full_name=application.full_name,
        full_name_en=application.full_name_en,
        batch=BatchRefOut(
            id=application.batch_id, code=application.batch.code, society=application.batch.society.code
        ),
        unit=_names(application.unit),
        discipline=None
        if application.discipline is None
        else DisciplineOut(
            code=application.discipline.code,
            name=application.discipline.name,
            name_en=application.discipline.name_en,
            parent=_names(application.discipline.parent),
        ),
        grade_applied=_grade(application.grade),
        grade_approved=_grade(application.awarded_grade),
        assessment_path=application.assessment_path,
        state=application.state,
        state_label=str(ApplicationState(application.state).label),
        submitted_at=application.submitted_at,
        state_changed_at=application.state_changed_at,
        history=[
            StepOut(at=event.created_at, from_state=event.from_state or None, to_state=event.to_state)
            for event in events
        ],
        initial_review=None
        if review is None
        else InitialReviewOut(round=review.round, outcome=review.outcome, decided_at=review.decided_at),
        assessment=_assessment(application),
        committee=_committee(application),
        notice=_notice(application),
        alliance=_alliance(application),
    )


@router.get(
    "batches/{id}/candidates",
    response={200: CandidatePageOut, 400: ErrorOut, 404: ErrorOut, **AUTH_ERRORS},
    summary="List a batch's candidates with their evaluation records",
    description=(
        "The submitted applications of one batch, by application number, each with its evaluation "
        "record. An alliance client sees the candidates a society has sent it. Filter by `state`; "
        "paginated with `page` and `page_size`. Another society's batch is 404. Scope: `evaluations:read`."
    ),
)
def batch_candidates(
    request: HttpRequest, id: Path[int], filters: Query[CandidateFilter]
) -> dict[str, object]:
    client = client_with_scope(request, ApiScope.EVALUATIONS_READ)
    if not 1 <= id <= MAX_ID or not batches_for_client(client).filter(pk=id).exists():
        raise Http404
    candidates = candidates_for_client(client).filter(batch_id=id)
    if filters.state:
        candidates = candidates.filter(state=filters.state)
    envelope, rows = page_of(
        request,
        with_record(candidates).order_by("number", "pk"),
        page=filters.page,
        page_size=filters.page_size,
    )
    return {**envelope, "items": [candidate_out(application) for application in rows]}


@router.get(
    "candidates/{uid}",
    response={200: CandidateOut, 404: ErrorOut, **AUTH_ERRORS},
    summary="Read a candidate's evaluation record",
    description=(
        "One candidate's evaluation record, by the application's uid. A candidate of another "
        "society (or, for the alliance, one not sent to it) is 404. Scope: `evaluations:read`."
    ),
)
def candidate_get(request: HttpRequest, uid: UUID) -> CandidateOut:
    client = client_with_scope(request, ApiScope.EVALUATIONS_READ)
    application = with_record(candidates_for_client(client).filter(uid=uid)).first()
    if application is None:
        raise Http404
    return candidate_out(application)
