"""Reads the examiner pool, panel and schedule pages share."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Prefetch, Q, QuerySet

from engcert.applications.models import Application
from engcert.batches.models import Batch
from engcert.examiners.enums import ACTIVE_SEATS, InterviewStatus
from engcert.examiners.models import (
    CandidateUnavailability,
    EvaluationPolicy,
    Examiner,
    Interview,
    PanelSeat,
    Room,
)
from engcert.organisations.models import Organisation

LIVE_SEAT_VALUES = [status.value for status in ACTIVE_SEATS]


def evaluation_policy_get(*, society: Organisation) -> EvaluationPolicy:
    """The society's evaluation policy, made with the defaults the first time it is asked for."""
    policy, _created = EvaluationPolicy.objects.get_or_create(society=society)
    return policy


def evaluation_policy_for(*, society: Organisation) -> EvaluationPolicy:
    """The society's policy, or its defaults (unsaved) when the society has not set one yet.

    Reading a page never writes: the defaults stand in until staff save the policy.
    """
    try:
        return society.evaluation_policy
    except EvaluationPolicy.DoesNotExist:
        return EvaluationPolicy(society=society)


@dataclass(frozen=True)
class ExaminerFilters:
    discipline: int | None = None
    grade: int | None = None
    employer: str = ""
    active: bool | None = None
    term: str = ""  # "current", "ended", "future" or "" for any


def examiner_list(
    *, society: Organisation, filters: ExaminerFilters | None = None, today: date | None = None
) -> QuerySet[Examiner]:
    """The society's pool with what the list shows, in a fixed number of queries."""
    filters = filters or ExaminerFilters()
    today = today or date.today()
    examiners = (
        Examiner.objects.filter(society=society)
        .select_related("user", "grade", "unit")
        .prefetch_related("disciplines__parent")
        .annotate(
            live_seats=Count("seats", filter=Q(seats__status__in=LIVE_SEAT_VALUES), distinct=True),
            days_ahead=Count("available_days", filter=Q(available_days__date__gte=today), distinct=True),
        )
        .order_by("user__full_name", "user__email")
    )
    if filters.discipline:
        examiners = examiners.filter(
            Q(disciplines__pk=filters.discipline) | Q(disciplines__parent_id=filters.discipline)
        ).distinct()
    if filters.grade:
        examiners = examiners.filter(grade_id=filters.grade)
    if filters.employer:
        examiners = examiners.filter(
            Q(employer__icontains=filters.employer) | Q(past_employers__employer__icontains=filters.employer)
        ).distinct()
    if filters.active is not None:
        examiners = examiners.filter(is_active=filters.active)
    if filters.term == "current":
        examiners = examiners.filter(term_starts__lte=today, term_ends__gte=today)
    elif filters.term == "ended":
        examiners = examiners.filter(term_ends__lt=today)
    elif filters.term == "future":
        examiners = examiners.filter(term_starts__gt=today)
    return examiners


def room_list(*, society: Organisation) -> QuerySet[Room]:
    return Room.objects.filter(society=society).order_by("-is_active", "mode", "name")


def interviews_scheduled() -> QuerySet[Interview]:
    return Interview.objects.filter(status=InterviewStatus.SCHEDULED)


def interview_scheduled_for(*, application: Application) -> Interview | None:
    return interviews_scheduled().filter(application=application).select_related("room").first()


def live_seats(*, application: Application) -> QuerySet[PanelSeat]:
    return (
        PanelSeat.objects.filter(panel__application=application, status__in=LIVE_SEAT_VALUES)
        .select_related("examiner__user")
        .prefetch_related("examiner__disciplines")
        .order_by("-is_chair", "assigned_at", "pk")
    )


def panel_applications(*, batch: Batch, states: tuple[str, ...]) -> QuerySet[Application]:
    """The batch's candidates for the panels page, with seats, interview and unavailable days prefetched."""
    seats = (
        PanelSeat.objects.select_related("examiner__user")
        .prefetch_related("examiner__disciplines")
        .order_by("-is_chair", "assigned_at", "pk")
    )
    return (
        Application.objects.filter(batch=batch, state__in=states)
        .select_related("discipline", "discipline__parent", "unit", "panel")
        .prefetch_related(
            Prefetch("panel__seats", queryset=seats),
            Prefetch(
                "interviews",
                queryset=Interview.objects.filter(status=InterviewStatus.SCHEDULED).select_related("room"),
                to_attr="scheduled_interviews",
            ),
            Prefetch("unavailable_days", queryset=CandidateUnavailability.objects.order_by("date")),
        )
        .order_by("number", "pk")
    )
