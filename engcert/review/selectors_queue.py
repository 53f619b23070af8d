"""The staff work queue of a batch: which submitted files are at which stage, filtered and sorted.

Everything here is a read. The page costs a constant number of queries whatever the number
of rows: the counts per stage are one GROUP BY over the filtered files (which also gives the
number of rows, so no separate COUNT), the page of rows is one query with its relations
joined in.

Drafts are not in the queue: a file is the society's to see from its submission on, so a
draft withdrawn before it was ever submitted never appears either.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.db.models.expressions import OrderBy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from engcert.applications.enums import ApplicationState, AssessmentPath
from engcert.applications.models import Application
from engcert.audit.models import AuditEvent
from engcert.batches.models import Batch
from engcert.privacy.crypto import blind_index
from engcert.privacy.identity_documents import normalise_document_number

S = ApplicationState


class QueueStage(models.TextChoices):
    """The stages staff work in; each groups the states a file has while at that stage."""

    ALL = "all", _("All")
    REVIEW = "review", _("Initial review")
    RETURNED = "returned", _("With the applicant")
    INTERVIEW = "interview", _("Interview")
    COMMITTEE = "committee", _("Committee")
    NOTICE = "notice", _("Public notice")
    ALLIANCE = "alliance", _("Alliance")
    CERTIFIED = "certified", _("Certified")
    APPEAL = "appeal", _("Appeal")
    CLOSED = "closed", pgettext_lazy("queue stage", "Closed")


STAGE_STATES: dict[QueueStage, frozenset[ApplicationState]] = {
    QueueStage.REVIEW: frozenset({S.SUBMITTED, S.RESUBMITTED}),
    QueueStage.RETURNED: frozenset({S.RETURNED}),
    QueueStage.INTERVIEW: frozenset({S.REVIEW_PASSED, S.INTERVIEW_SCHEDULED}),
    QueueStage.COMMITTEE: frozenset({S.INTERVIEWED, S.DELIBERATION}),
    QueueStage.NOTICE: frozenset({S.APPROVED, S.PUBLIC_NOTICE, S.OBJECTION, S.NOTICE_PASSED}),
    QueueStage.ALLIANCE: frozenset({S.WITH_ALLIANCE, S.REGISTERED}),
    QueueStage.CERTIFIED: frozenset({S.CERTIFICATE_ISSUED}),
    QueueStage.APPEAL: frozenset({S.UNDER_APPEAL}),
    QueueStage.CLOSED: frozenset({S.REJECTED, S.NOT_APPROVED, S.WITHDRAWN}),
}
STAGE_STATES[QueueStage.ALL] = frozenset().union(*STAGE_STATES.values())


class QueueFlag(models.TextChoices):
    ELIGIBILITY = "eligibility", _("Eligibility concerns at submission")
    SIMPLIFIED = "simplified", _("Simplified assessment requested")
    RESUBMITTED = "resubmitted", _("Resubmitted after a return")
    ALLIANCE_RETURNED = "alliance_returned", _("Returned by the alliance, to send again")


# Sort keys people may ask for, and the columns they order by (the id breaks ties, which keeps
# pages stable and, within a batch, follows the application numbers). Anything else falls back
# to the default: oldest submission first.
SORTS: dict[str, tuple[str, ...]] = {
    "submitted": ("submitted_at", "pk"),
    "changed": ("state_changed_at", "pk"),
    "number": ("number",),
    "name": ("full_name", "pk"),
    "grade": ("grade__position", "pk"),
    "unit": ("unit__name", "pk"),
}
DEFAULT_SORT = "submitted"
PER_PAGE = 50


@dataclass(frozen=True)
class QueueFilters:
    stage: QueueStage = QueueStage.ALL
    grade_id: int | None = None
    discipline_ids: frozenset[int] = frozenset()  # a field and the fields under it
    unit_id: int | None = None
    path: str = ""
    flags: frozenset[str] = frozenset()
    search: str = ""
    sort: str = DEFAULT_SORT
    # Units and grades in the order the reader sees them listed (units by their name in the
    # reader's language, grades by position): sorting by them needs no join then.
    unit_order: tuple[int, ...] = ()
    grade_order: tuple[int, ...] = ()


def _rank(field: str, ids: Sequence[int]) -> Case:
    return Case(
        *(When(**{field: pk}, then=Value(rank)) for rank, pk in enumerate(ids)),
        default=Value(len(ids)),
        output_field=IntegerField(),
    )


def queue_order(filters: QueueFilters) -> tuple[str, list[str | OrderBy]]:
    """The whitelisted sort (as asked, e.g. "-name") and its ORDER BY terms."""
    sort = filters.sort
    key = sort.removeprefix("-")
    if key not in SORTS:
        sort, key = DEFAULT_SORT, DEFAULT_SORT
    descending = sort.startswith("-")
    ranked = {"unit": ("unit_id", filters.unit_order), "grade": ("grade_id", filters.grade_order)}
    if key in ranked and ranked[key][1]:
        rank = _rank(*ranked[key])
        return sort, [rank.desc() if descending else rank.asc(), "-pk" if descending else "pk"]
    return sort, [f"-{c}" if descending else c for c in SORTS[key]]


def queue_received(*, batch: Batch) -> QuerySet[Application]:
    """Every file of the batch the society has received (submitted at least once)."""
    return Application.objects.filter(batch=batch, submitted_at__isnull=False)


def _was_resubmitted() -> Exists:
    return Exists(
        AuditEvent.objects.filter(
            application=OuterRef("pk"), action="application.transition", to_state=S.RESUBMITTED
        )
    )


def _returned_by_alliance() -> Q:
    """Back with the society after the alliance returned it, and not sent again yet."""
    return Exists(
        AuditEvent.objects.filter(
            application=OuterRef("pk"),
            action="application.transition",
            from_state=S.WITH_ALLIANCE,
            to_state=S.NOTICE_PASSED,
        )
    ) & Q(state=S.NOTICE_PASSED)


def search_condition(text: str) -> Q | None:
    """Name (contains), application number (exact or prefix) or identity-document number.

    What is typed decides where to look, so each search reads one index where it can: names
    have no digits, numbers have no Chinese characters. The document number is matched
    through its blind index, never by decrypting rows.
    """
    text = " ".join(text.split())
    if not text:
        return None
    if any(char.isdigit() for char in text):
        condition = Q(number__startswith=text.replace(" ", "").upper())
        document = normalise_document_number("", text)
        if len(document) >= 5:
            condition |= Q(id_number_index=blind_index(document))
        return condition
    if not text.isascii():
        # A Chinese name: nothing to fold, so a plain LIKE rather than UPPER() on every row.
        return Q(full_name__contains=text)
    # Latin letters: a name in pinyin or English, or the letters a number starts with.
    return (
        Q(full_name__icontains=text)
        | Q(full_name_en__icontains=text)
        | Q(number__startswith=text.replace(" ", "").upper())
    )


def queue_filter(queryset: QuerySet[Application], filters: QueueFilters) -> QuerySet[Application]:
    """Every filter but the stage (the stage tabs count what the other filters leave)."""
    if filters.grade_id is not None:
        queryset = queryset.filter(grade_id=filters.grade_id)
    if filters.discipline_ids:
        queryset = queryset.filter(discipline_id__in=sorted(filters.discipline_ids))
    if filters.unit_id is not None:
        queryset = queryset.filter(unit_id=filters.unit_id)
    if filters.path in AssessmentPath.values:
        queryset = queryset.filter(assessment_path=filters.path)
    if QueueFlag.ELIGIBILITY in filters.flags:
        queryset = queryset.exclude(eligibility_unmet=[])
    if QueueFlag.SIMPLIFIED in filters.flags:
        queryset = queryset.filter(simplified_requested=True)
    if QueueFlag.RESUBMITTED in filters.flags:
        queryset = queryset.filter(_was_resubmitted())
    if QueueFlag.ALLIANCE_RETURNED in filters.flags:
        queryset = queryset.filter(_returned_by_alliance())
    condition = search_condition(filters.search)
    if condition is not None:
        queryset = queryset.filter(condition)
    return queryset


def queue_in_stage(queryset: QuerySet[Application], stage: QueueStage) -> QuerySet[Application]:
    if stage == QueueStage.ALL:
        return queryset
    return queryset.filter(state__in=sorted(STAGE_STATES[stage]))


@dataclass(frozen=True)
class StageCount:
    stage: QueueStage
    count: int
    states: list[tuple[ApplicationState, int]] = field(default_factory=list)


def queue_stage_counts(queryset: QuerySet[Application]) -> list[StageCount]:
    """Files per stage (and per state within it) in one GROUP BY query."""
    # COUNT(*), not COUNT(id): with an index on (batch, state) the database counts from the
    # index alone, without reading the rows.
    return _by_stage(
        dict(queryset.order_by().values_list("state").annotate(n=Count("*")).values_list("state", "n"))
    )


def _by_stage(per_state: Mapping[str, int]) -> list[StageCount]:
    counts = []
    for stage in QueueStage:
        states = [(s, per_state.get(s.value, 0)) for s in S if s in STAGE_STATES[stage]]
        counts.append(StageCount(stage, sum(n for _s, n in states), [(s, n) for s, n in states if n]))
    return counts


@dataclass(frozen=True)
class QueuePage:
    rows: list[dict[str, Any]]  # the ROW_FIELDS of each row, in order
    number: int
    pages: int
    total: int
    per_page: int

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages

    @property
    def first_index(self) -> int:
        return (self.number - 1) * self.per_page + 1 if self.total else 0

    @property
    def last_index(self) -> int:
        return min(self.number * self.per_page, self.total)


def page_number(raw: Any, *, pages: int) -> int:
    try:
        number = int(raw)
    except (TypeError, ValueError):
        return 1
    return min(max(number, 1), max(pages, 1))


def queue_rows(queryset: QuerySet[Application], *, filters: QueueFilters) -> QuerySet[Application]:
    """Every row in the page's order with its resubmission flag (for an export: one pass over
    all of them; read its values, not model instances)."""
    _sort, order = queue_order(filters)
    return queryset.annotate(
        was_resubmitted=_was_resubmitted(), returned_by_alliance=_returned_by_alliance()
    ).order_by(*order)


# What a row of the page shows, read as plain values (no model instances for fifty rows and
# their relations).
ROW_FIELDS = (
    "pk",
    "uid",
    "number",
    "full_name",
    "full_name_en",
    "state",
    "assessment_path",
    "simplified_requested",
    "eligibility_unmet",
    "submitted_at",
    "state_changed_at",
    "unit__name",
    "unit__name_en",
    "grade__name",
    "grade__name_en",
    "discipline__name",
    "discipline__name_en",
    "discipline__parent__name",
    "discipline__parent__name_en",
    "was_resubmitted",
    "returned_by_alliance",
)


def queue_page(
    queryset: QuerySet[Application],
    *,
    total: int,
    filters: QueueFilters,
    page: Any,
    per_page: int | None = None,
) -> QueuePage:
    """One page of rows; `total` comes from the stage counts, so no COUNT query is made.

    Two queries whatever the page: the ids of the page's rows in order (the sort runs over
    the application table alone, joining only what the sort key needs), then those rows with
    their relations and flags. Joining and flagging every file before sorting, to keep 50 of
    them, is what made a page of a 50,000-file batch slow.
    """
    per_page = per_page or PER_PAGE
    pages = max(1, -(-total // per_page))
    number = page_number(page, pages=pages)
    if not total:
        return QueuePage(rows=[], number=1, pages=1, total=0, per_page=per_page)
    start = (number - 1) * per_page
    _sort, order = queue_order(filters)
    ids = list(queryset.order_by(*order).values_list("pk", flat=True)[start : start + per_page])
    return _page_of(ids, number=number, pages=pages, total=total, per_page=per_page)


def _page_of(ids: list[int], *, number: int, pages: int, total: int, per_page: int) -> QueuePage:
    found = {
        row["pk"]: row
        for row in Application.objects.filter(pk__in=ids)
        .annotate(was_resubmitted=_was_resubmitted(), returned_by_alliance=_returned_by_alliance())
        .values(*ROW_FIELDS)
    }
    rows = [found[pk] for pk in ids if pk in found]
    return QueuePage(rows=rows, number=number, pages=pages, total=total, per_page=per_page)


# A search finds a handful of files, or at most a few thousand (a common surname alone).
SEARCH_CAP = 5000


def queue_counts_and_page(
    queryset: QuerySet[Application], *, filters: QueueFilters, page: Any, per_page: int | None = None
) -> tuple[list[StageCount], QueuePage]:
    """The counts per stage and the page of rows for these filters.

    Without a search: one GROUP BY for the counts, the page's ids, its rows. With a search,
    the matches are read once, in order, with their state: their states are the counts and
    their order gives the page. Asked separately, the database would look for the matches
    twice, and for "the first 50 in submission order" it may walk the whole submission index
    testing each file against the search, a slow way to find the few that match. Beyond
    SEARCH_CAP matches (a search as broad as the batch) the usual queries are used.
    """
    per_page = per_page or PER_PAGE
    in_stage = queue_in_stage(queryset, filters.stage)
    if filters.search:
        _sort, order = queue_order(filters)
        matches = list(queryset.order_by(*order).values_list("pk", "state")[: SEARCH_CAP + 1])
        if len(matches) <= SEARCH_CAP:
            counts = _by_stage(Counter(state for _pk, state in matches))
            wanted = STAGE_STATES[filters.stage]
            ids = [pk for pk, state in matches if state in wanted]
            pages = max(1, -(-len(ids) // per_page))
            number = page_number(page, pages=pages)
            start = (number - 1) * per_page
            return counts, _page_of(
                ids[start : start + per_page], number=number, pages=pages, total=len(ids), per_page=per_page
            )
    counts = queue_stage_counts(queryset)
    total = next(c.count for c in counts if c.stage == filters.stage)
    return counts, queue_page(in_stage, total=total, filters=filters, page=page, per_page=per_page)


def discipline_with_children(disciplines: Iterable[Any], chosen: int) -> frozenset[int]:
    """A field of the scope and every field under it (the scope has two levels)."""
    return frozenset(d.pk for d in disciplines if chosen in (d.pk, d.parent_id))
