"""The figures of a society's dashboard, across its batches or for one batch.

Every figure is counted by the database (grouped, annotated queries); the number of queries
does not depend on how many applications there are. Only the stage durations and the spread
of examiners' levels come back as rows, already computed by the database, to be summarised here
(medians and percentiles are not portable SQL).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Count, F, Max, Min, Q, QuerySet, Window
from django.db.models.functions import Lead
from django.utils.translation import gettext as _

from engcert.applications.enums import ApplicationState
from engcert.applications.models import Application
from engcert.audit.models import AuditEvent
from engcert.batches.models import Batch
from engcert.examiners.enums import ACTIVE_SEATS
from engcert.examiners.models import PanelSeat
from engcert.organisations.models import Organisation, in_reader_language
from engcert.scoring.models import AreaScore

S = ApplicationState
TRANSITION = "application.transition"

# The stages of the funnel, in the order an application reaches them.
FUNNEL_STAGES: tuple[ApplicationState, ...] = (
    S.SUBMITTED,
    S.REVIEW_PASSED,
    S.INTERVIEWED,
    S.APPROVED,
    S.NOTICE_PASSED,
    S.REGISTERED,
    S.CERTIFICATE_ISSUED,
)

# Stages an application waits in, whose length is measured; final states have no length.
TIMED_STAGES: tuple[ApplicationState, ...] = tuple(
    state for state in S if state not in (S.DRAFT, S.CERTIFICATE_ISSUED, S.WITHDRAWN)
)

# Panel members' levels for one area "disagree" when they are further apart than this.
DISAGREEMENT_GAP = 1

Cell = str | int | float | None


@dataclass(frozen=True)
class Table:
    """One dashboard table; the chart beside it draws ``value_column`` against ``label_column``."""

    key: str
    title: str
    description: str
    columns: list[str]
    rows: list[list[Cell]]
    chart: str = "bar"  # "bar", "funnel" or "" (no chart)
    value_column: int = 1
    value_suffix: str = ""
    footer: list[Cell] = field(default_factory=list)

    @property
    def bars(self) -> list[tuple[str, float]]:
        return [
            (str(row[0]), float(value))
            for row in self.rows
            if isinstance(value := row[self.value_column], int | float)
        ]


@dataclass(frozen=True)
class Dashboard:
    society: Organisation
    batch: Batch | None
    tables: list[Table]

    def table(self, key: str) -> Table | None:
        return next((table for table in self.tables if table.key == key), None)


def percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def quantile(values: Sequence[float], share: float) -> float:
    """The value below which ``share`` of the sorted values lie (linear between neighbours)."""
    position = share * (len(values) - 1)
    low, high = math.floor(position), math.ceil(position)
    return values[low] + (values[high] - values[low]) * (position - low)


def _applications(society: Organisation, batch: Batch | None) -> QuerySet[Application]:
    found = Application.objects.filter(batch__society=society, submitted_at__isnull=False)
    return found.filter(batch=batch) if batch is not None else found


def _transitions(society: Organisation, batch: Batch | None) -> QuerySet[AuditEvent]:
    found = AuditEvent.objects.filter(action=TRANSITION, application__batch__society=society)
    return found.filter(application__batch=batch) if batch is not None else found


def _reached(states: Sequence[ApplicationState]) -> Count:
    """How many distinct applications ever moved into one of the states."""
    return Count("application", distinct=True, filter=Q(to_state__in=[s.value for s in states]))


def _funnel_and_rates(society: Organisation, batch: Batch | None) -> tuple[Table, Table]:
    counts = _transitions(society, batch).aggregate(
        **{state.value: _reached([state]) for state in FUNNEL_STAGES},
        review_decided=_reached([S.REVIEW_PASSED, S.REJECTED]),
        committee_decided=_reached([S.APPROVED, S.NOT_APPROVED]),
    )
    submitted = counts[S.SUBMITTED.value]
    funnel = Table(
        key="funnel",
        title=_("Stage funnel"),
        description=_(
            "How many applications reached each stage, counted from the record of every change of status."
        ),
        columns=[_("Stage"), _("Applications"), _("Share of submitted (%)")],
        rows=[
            [str(state.label), counts[state.value], percent(counts[state.value], submitted)]
            for state in FUNNEL_STAGES
        ],
        chart="funnel",
    )
    passed_review, approved = counts[S.REVIEW_PASSED.value], counts[S.APPROVED.value]
    rates = Table(
        key="rates",
        title=_("Pass rates"),
        description=_(
            "Of the applications decided at each step, the share that passed. Overall: the share of "
            "submitted applications the committee approved."
        ),
        columns=[_("Step"), _("Pass rate (%)"), _("Applications decided"), _("Applications passed")],
        rows=[
            [
                _("Initial review"),
                percent(passed_review, counts["review_decided"]),
                counts["review_decided"],
                passed_review,
            ],
            [
                _("Interview and committee"),
                percent(approved, counts["committee_decided"]),
                counts["committee_decided"],
                approved,
            ],
            [_("Overall"), percent(approved, submitted), submitted, approved],
        ],
        value_suffix="%",
    )
    return funnel, rates


def _grouped(
    applications: QuerySet[Application], *, name: str, name_en: str, order: str, missing: str
) -> list[list[Cell]]:
    rows = (
        applications.values(name, name_en)
        .annotate(count=Count("id"), position=Min(order))
        .order_by("-count", "position", name)
    )
    total = sum(row["count"] for row in rows)
    return [
        [
            in_reader_language(row[name], row[name_en] or "") if row[name] else missing,
            row["count"],
            percent(row["count"], total),
        ]
        for row in rows
    ]


def _breakdowns(society: Organisation, batch: Batch | None) -> list[Table]:
    applications = _applications(society, batch)
    share = _("Share (%)")
    return [
        Table(
            key="units",
            title=_("Applications by unit"),
            description=_("Submitted applications by the unit that nominated the applicant."),
            columns=[_("Unit"), _("Applications"), share],
            rows=_grouped(
                applications,
                name="unit__name",
                name_en="unit__name_en",
                order="unit__name",
                missing=_("No unit"),
            ),
        ),
        Table(
            key="disciplines",
            title=_("Applications by professional field"),
            description=_("Submitted applications by the professional field applied for."),
            columns=[_("Professional field"), _("Applications"), share],
            rows=_grouped(
                applications,
                name="discipline__name",
                name_en="discipline__name_en",
                order="discipline__position",
                missing=_("No field given"),
            ),
        ),
        Table(
            key="grades",
            title=_("Applications by grade"),
            description=_("Submitted applications by the grade applied for."),
            columns=[_("Grade"), _("Applications"), share],
            rows=_grouped(
                applications,
                name="grade__name",
                name_en="grade__name_en",
                order="grade__position",
                missing=_("No grade given"),
            ),
        ),
    ]


def _durations(society: Organisation, batch: Batch | None) -> Table:
    """Days from moving into a stage to moving out of it; a stage still under way is not counted."""
    moves = (
        _transitions(society, batch)
        .annotate(
            left_at=Window(
                Lead("created_at"),
                partition_by=[F("application_id")],
                order_by=[F("created_at").asc(), F("position").asc()],
            )
        )
        .values_list("to_state", "created_at", "left_at")
    )
    days: dict[str, list[float]] = defaultdict(list)
    # Streamed: a society's whole history may be hundreds of thousands of moves.
    for state, entered, left in moves.iterator(chunk_size=5000):
        if left is not None:
            days[state].append((left - entered).total_seconds() / 86400)
    rows: list[list[Cell]] = []
    for state in TIMED_STAGES:
        values = sorted(days.get(state.value, []))
        if values:
            rows.append(
                [
                    str(state.label),
                    round(quantile(values, 0.5), 1),
                    round(quantile(values, 0.9), 1),
                    len(values),
                ]
            )
    return Table(
        key="durations",
        title=_("Time spent in each stage"),
        description=_(
            "Days between moving into a stage and moving on, over the applications that have left it. "
            "The chart shows the median."
        ),
        columns=[_("Stage"), _("Median (days)"), _("90th percentile (days)"), _("Times counted")],
        rows=rows,
    )


def _workload(society: Organisation, batch: Batch | None) -> Table:
    seats = PanelSeat.objects.filter(
        panel__application__batch__society=society, status__in=[s.value for s in ACTIVE_SEATS]
    )
    if batch is not None:
        seats = seats.filter(panel__application__batch=batch)
    rows = (
        seats.values("examiner_id", "examiner__user__full_name", "examiner__user__email")
        .annotate(
            panels=Count("panel", distinct=True),
            sheets=Count("score_sheet", filter=Q(score_sheet__submitted_at__isnull=False)),
        )
        .order_by("-panels", "examiner__user__full_name", "examiner_id")
    )
    return Table(
        key="workload",
        title=_("Examiner workload"),
        description=_("Panels each examiner sits on and the score sheets they have submitted."),
        columns=[_("Examiner"), _("Panels"), _("Score sheets submitted")],
        rows=[
            [row["examiner__user__full_name"] or row["examiner__user__email"], row["panels"], row["sheets"]]
            for row in rows
        ],
    )


def _agreement(society: Organisation, batch: Batch | None) -> Table:
    """Per competency area: of the panels where two or more members submitted a level, the share
    whose highest and lowest levels lie more than one level apart."""
    scores = AreaScore.objects.filter(
        sheet__submitted_at__isnull=False,
        level__isnull=False,
        sheet__seat__panel__application__batch__society=society,
    )
    if batch is not None:
        scores = scores.filter(sheet__seat__panel__application__batch=batch)
    spreads = (
        scores.values("sheet__seat__panel_id", "area__number", "area__name", "area__name_en")
        .annotate(members=Count("id"), spread=Max("level__value") - Min("level__value"))
        .filter(members__gte=2)
        .order_by("area__number")
    )
    compared: dict[int, int] = defaultdict(int)
    differed: dict[int, int] = defaultdict(int)
    names: dict[int, str] = {}
    for row in spreads.iterator(chunk_size=5000):
        number = row["area__number"]
        names[number] = in_reader_language(row["area__name"], row["area__name_en"] or "")
        compared[number] += 1
        differed[number] += row["spread"] > DISAGREEMENT_GAP
    rows: list[list[Cell]] = [
        [names[n], percent(differed[n], compared[n]), differed[n], compared[n]] for n in sorted(names)
    ]
    all_compared, all_differed = sum(compared.values()), sum(differed.values())
    return Table(
        key="agreement",
        title=_("Agreement between examiners"),
        description=_(
            "For each competency area, the share of panels whose members' levels differed by more "
            "than one level (panels with at least two submitted score sheets)."
        ),
        columns=[_("Competency area"), _("Differed by more than one level (%)"), _("Differed"), _("Panels")],
        rows=rows,
        value_suffix="%",
        footer=[_("All areas"), percent(all_differed, all_compared), all_differed, all_compared]
        if rows
        else [],
    )


def _by_batch(society: Organisation) -> Table:
    """Across batches: how far each batch's applications have come, newest batch first."""
    stages = (S.SUBMITTED, S.REVIEW_PASSED, S.APPROVED, S.REGISTERED)
    found = (
        _transitions(society, None)
        .values("application__batch_id", "application__batch__name", "application__batch__name_en")
        .annotate(
            **{state.value: _reached([state]) for state in stages},
            opens_at=Max("application__batch__opens_at"),
        )
        .order_by("-opens_at", "-application__batch_id")
    )
    return Table(
        key="batches",
        title=_("Applications by batch"),
        description=_("For each batch, how many applications reached the main stages."),
        columns=[_("Batch"), *(str(state.label) for state in stages)],
        rows=[
            [
                in_reader_language(row["application__batch__name"], row["application__batch__name_en"] or ""),
                *(row[state.value] for state in stages),
            ]
            for row in found
        ],
    )


def dashboard_get(*, society: Organisation, batch: Batch | None = None) -> Dashboard:
    """The society's dashboard, across all its batches or for one (which must be the society's)."""
    funnel, rates = _funnel_and_rates(society, batch)
    tables = [
        funnel,
        rates,
        *([_by_batch(society)] if batch is None else []),
        *_breakdowns(society, batch),
        _durations(society, batch),
        _workload(society, batch),
        _agreement(society, batch),
    ]
    return Dashboard(society=society, batch=batch, tables=tables)


def dashboard_batches(*, society: Organisation) -> list[Batch]:
    """The batches the selector offers, newest first."""
    return list(Batch.objects.filter(society=society).order_by("-opens_at", "-pk"))
