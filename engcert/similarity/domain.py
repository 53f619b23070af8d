"""Indexing an application's texts, finding the texts of other people they resemble, and staff's
review of a flagged pair."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import numpy.typing as npt
from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from engcert.accounts.models import User
from engcert.applications.enums import ApplicationState
from engcert.applications.models import Application
from engcert.audit.domain import audit_event_append
from engcert.organisations.models import Organisation
from engcert.similarity.enums import REVIEWED, PairStatus, TextSource
from engcert.similarity.fingerprint import (
    MIN_BAND_HITS,
    Fingerprint,
    Measures,
    fingerprint_of,
    measures_of,
    shingle_hashes,
    signature_bytes,
    text_normalise,
)
from engcert.similarity.models import (
    DEFAULT_THRESHOLD,
    BandKey,
    IndexedText,
    SimilaritySettings,
    SimilarPair,
)

# The first key of the PostgreSQL advisory lock taken while a society's texts are indexed.
LOCK_NAMESPACE = 7301


class SimilarityError(Exception):
    pass


@dataclass(frozen=True)
class SourceText:
    """One text of an application as it is compared: where it comes from and what it says."""

    source: TextSource
    source_id: int
    label: str
    text: str


def application_source_texts(*, application: Application) -> list[SourceText]:
    """The competency statements and each project's responsibilities and results, as one text."""
    texts = [
        SourceText(TextSource.STATEMENT, statement.pk, statement.area.name, statement.text)
        for statement in application.statements.select_related("area").order_by("area__number")
    ]
    texts += [
        SourceText(
            TextSource.PROJECT,
            project.pk,
            project.name,
            "\n".join(part for part in (project.responsibilities, project.results) if part),
        )
        for project in application.projects.order_by("pk")
    ]
    return texts


def similarity_threshold(*, society: Organisation) -> Decimal:
    settings = SimilaritySettings.objects.filter(society=society).first()
    return settings.threshold if settings is not None else DEFAULT_THRESHOLD


def similarity_threshold_set(*, society: Organisation, threshold: Decimal, by: User) -> SimilaritySettings:
    with transaction.atomic():
        settings, _created = SimilaritySettings.objects.select_for_update().get_or_create(society=society)
        before = settings.threshold
        settings.threshold = threshold
        settings.updated_by = by
        settings.save(update_fields=["threshold", "updated_by", "updated_at"])
        audit_event_append(
            actor=by,
            action="similarity.threshold_set",
            subject=settings,
            data={"from": str(before), "to": str(threshold)},
        )
    return settings


def application_texts_index(*, application: Application) -> list[SimilarPair]:
    """Index every text of a submitted application and compare each new or changed one with the
    society's other texts. Idempotent: a text indexed before with the same content is skipped."""
    with transaction.atomic():
        # Two workers indexing the same application (a quick resubmission) take turns here.
        locked = (
            Application.objects.select_for_update().select_related("batch__society").get(pk=application.pk)
        )
        if locked.state == ApplicationState.DRAFT:
            return []
        society = locked.batch.society
        _society_lock(society)
        threshold = float(similarity_threshold(society=society))
        sources = application_source_texts(application=locked)
        found: list[SimilarPair] = []
        for source in sources:
            found += text_index(application=locked, society=society, source=source, threshold=threshold)
        # Texts whose source is gone (a project removed before resubmission) leave the index.
        kept = {(s.source, s.source_id) for s in sources}
        rows = IndexedText.objects.filter(application=locked, replaced_at__isnull=True)
        texts_retire(
            ids=[pk for pk, *key in rows.values_list("pk", "source", "source_id") if tuple(key) not in kept]
        )
    return found


def texts_retire(*, ids: list[int]) -> None:
    """Texts replaced by a later version (or gone) leave the index. Pairs nobody reviewed go with
    them; a text in a pair staff reviewed stays, marked replaced, so that their conclusion and the
    texts it was about can still be read."""
    if not ids:
        return
    reviewed = set(
        SimilarPair.objects.filter(Q(earlier_id__in=ids) | Q(later_id__in=ids))
        .exclude(status=PairStatus.OPEN)
        .values_list("earlier_id", "later_id")
    )
    keep = {text_id for pair in reviewed for text_id in pair} & set(ids)
    SimilarPair.objects.filter(Q(earlier_id__in=ids) | Q(later_id__in=ids), status=PairStatus.OPEN).delete()
    BandKey.objects.filter(text_id__in=keep).delete()
    IndexedText.objects.filter(pk__in=keep).update(replaced_at=timezone.now())
    IndexedText.objects.filter(pk__in=set(ids) - keep).delete()


def _society_lock(society: Organisation) -> None:
    """One indexing at a time per society until commit: two copies submitted at the same moment
    on two workers would otherwise each look for the other before it is in the index."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_NAMESPACE, society.pk])


def text_index(
    *, application: Application, society: Organisation, source: SourceText, threshold: float
) -> list[SimilarPair]:
    """Index one text of the application unless it is indexed already with this content, and
    record the pairs it forms with other people's texts."""
    with transaction.atomic():
        return _text_index(application=application, society=society, source=source, threshold=threshold)


def _text_index(
    *, application: Application, society: Organisation, source: SourceText, threshold: float
) -> list[SimilarPair]:
    fingerprint = fingerprint_of(source.text)
    current = dict(
        IndexedText.objects.filter(
            source=source.source, source_id=source.source_id, replaced_at__isnull=True
        ).values_list("content_hash", "pk")
    )
    if fingerprint.comparable and fingerprint.content_hash in current:
        return []
    if current:
        # The text changed since it was last indexed (or became too short): its earlier version
        # leaves the index.
        texts_retire(ids=list(current.values()))
    if not fingerprint.comparable:
        return []
    row = IndexedText.objects.create(
        society=society,
        batch_id=application.batch_id,
        application=application,
        applicant_id=application.applicant_id,
        id_number_index=application.id_number_index,
        source=source.source,
        source_id=source.source_id,
        label=source.label[:300],
        text=source.text,
        content_hash=fingerprint.content_hash,
        shingle_count=int(fingerprint.shingles.size),
        signature=signature_bytes(fingerprint.signature),
    )
    pairs = [
        SimilarPair(
            society=society,
            earlier_id=text_id,
            later=row,
            jaccard=measures.jaccard,
            containment=measures.containment,
            score=measures.score,
        )
        for text_id, measures in text_compare(
            society=society,
            fingerprint=fingerprint,
            applicant_id=application.applicant_id,
            id_number_index=application.id_number_index,
            threshold=threshold,
        )
    ]
    # Band keys are written after the lookup, so a text does not find itself.
    BandKey.objects.bulk_create(
        [BandKey(text=row, society=society, band=band, key=key) for band, key in enumerate(fingerprint.keys)]
    )
    return SimilarPair.objects.bulk_create(pairs)


def text_compare(
    *,
    society: Organisation,
    fingerprint: Fingerprint,
    applicant_id: int,
    id_number_index: str,
    threshold: float,
) -> list[tuple[int, Measures]]:
    """The society's texts by other people that reach the threshold: LSH candidates from the
    band-key index, then the exact Jaccard and containment of their shingle sets."""
    found = []
    for candidate in candidates_find(
        society=society, fingerprint=fingerprint, applicant_id=applicant_id, id_number_index=id_number_index
    ):
        measures = measures_of(candidate.shingles, fingerprint.shingles)
        if measures.score >= threshold:
            found.append((candidate.text_id, measures))
    return found


@dataclass(frozen=True)
class Candidate:
    text_id: int
    shingles: npt.NDArray[np.uint64]


def candidates_find(
    *, society: Organisation, fingerprint: Fingerprint, applicant_id: int, id_number_index: str
) -> list[Candidate]:
    """The texts of other people in the society that share at least MIN_BAND_HITS band keys
    with this fingerprint: one query on the band-key index."""
    hits = (
        BandKey.objects.filter(society=society, key__in=fingerprint.keys)
        .values("text_id")
        .annotate(hits=Count("pk"))
        .filter(hits__gte=MIN_BAND_HITS)
        .values("text_id")
    )
    own = Q(applicant_id=applicant_id)
    if id_number_index:
        own |= Q(id_number_index=id_number_index)
    rows = IndexedText.objects.filter(pk__in=hits).exclude(own).values_list("pk", "text")
    return [Candidate(pk, shingle_hashes(text_normalise(text).text)) for pk, text in rows]


def similar_pair_review(*, pair: SimilarPair, by: User, status: PairStatus, note: str) -> SimilarPair:
    """Staff's conclusion about a pair, with their note; audited. A later review replaces the
    conclusion, and the audit trail keeps each one."""
    if status not in REVIEWED:
        raise SimilarityError(_("Choose what you concluded about this pair."))
    with transaction.atomic():
        locked = (
            SimilarPair.objects.select_for_update(of=("self",))
            .select_related("later__application")
            .get(pk=pair.pk)
        )
        before = locked.status
        locked.status = status
        locked.note = note
        locked.reviewed_by = by
        locked.reviewed_at = timezone.now()
        locked.save(update_fields=["status", "note", "reviewed_by", "reviewed_at"])
        audit_event_append(
            actor=by,
            action="similarity.pair_reviewed",
            subject=locked,
            application=locked.later.application,
            from_state=before,
            to_state=status,
            reason=note,
            data={"score": round(locked.score, 4), "earlier": locked.earlier_id, "later": locked.later_id},
        )
    return locked
