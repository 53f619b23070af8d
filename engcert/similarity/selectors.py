"""Reads of flagged pairs for staff pages: per batch, per application, one pair."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from engcert.applications.models import Application
from engcert.batches.models import Batch
from engcert.organisations.models import Organisation
from engcert.similarity.models import IndexedText, SimilarPair

PAIR_RELATED = (
    "earlier__application__batch",
    "later__application__batch",
    "reviewed_by",
)

# What the batch list may be sorted by: name in the query string → order_by.
SORTS: dict[str, tuple[str, ...]] = {
    "-score": ("-score", "pk"),
    "score": ("score", "pk"),
    "-found": ("-found_at", "-pk"),
    "status": ("status", "-score", "pk"),
}


def similar_pair_list(
    *, society: Organisation, batch: Batch | None = None, sort: str = "-score"
) -> QuerySet[SimilarPair]:
    pairs = SimilarPair.objects.filter(society=society).select_related(*PAIR_RELATED)
    if batch is not None:
        pairs = pairs.filter(Q(earlier__batch=batch) | Q(later__batch=batch))
    return pairs.order_by(*SORTS.get(sort, SORTS["-score"]))


@dataclass(frozen=True)
class PairSide:
    """A flagged pair as seen from one application: its own text and the other person's."""

    pair: SimilarPair
    own: IndexedText
    other: IndexedText


def similar_pairs_for_application(*, application: Application) -> list[PairSide]:
    pairs = (
        SimilarPair.objects.filter(Q(earlier__application=application) | Q(later__application=application))
        .select_related(*PAIR_RELATED)
        .order_by("-score", "pk")
    )
    return [
        PairSide(pair, pair.earlier, pair.later)
        if pair.earlier.application_id == application.pk
        else PairSide(pair, pair.later, pair.earlier)
        for pair in pairs
    ]
