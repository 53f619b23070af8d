"""Texts are indexed when an application is submitted, compared with the society's other texts,
and flagged when another person's text is a near copy."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from engcert.applications.domain.application import application_submit
from engcert.applications.enums import ApplicationState
from engcert.demo import builders, evaluation
from engcert.similarity.domain import application_texts_index, candidates_find, similar_pair_review
from engcert.similarity.enums import PairStatus, TextSource
from engcert.similarity.fingerprint import BANDS, fingerprint_of
from engcert.similarity.models import BandKey, IndexedText, SimilarPair
from tests.conftest import World
from tests.similarity.corpus import CORPUS
from tests.similarity.edits import EDITS, inside_longer
from tests.similarity.helpers import (
    PROJECT_RESULTS,
    CaptureOnCommit,
    own_texts,
    person_user,
    submitted_with,
    texts_set,
)


def test_submitting_indexes_each_statement_and_the_project_description(
    world: World, django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    application = submitted_with(
        django_capture_on_commit_callbacks,
        batch=world.batch,
        unit=world.unit,
        applicant=world.applicant,
        index=0,
        texts=own_texts(0),
    )
    rows = list(IndexedText.objects.filter(application=application).order_by("pk"))
    assert [(row.source, row.text) for row in rows] == [
        *[(TextSource.STATEMENT, text) for text in CORPUS[0:5]],
        (TextSource.PROJECT, CORPUS[5] + "\n" + PROJECT_RESULTS),
    ]
    assert BandKey.objects.filter(text__application=application).count() == 6 * BANDS
    assert SimilarPair.objects.count() == 0


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_another_applicants_copy_with_small_edits_is_flagged(
    world: World, django_capture_on_commit_callbacks: CaptureOnCommit, edit: str
) -> None:
    first = submitted_with(
        django_capture_on_commit_callbacks,
        batch=world.batch,
        unit=world.unit,
        applicant=world.applicant,
        index=0,
        texts=own_texts(0),
    )
    copied = [EDITS[edit](CORPUS[2]), *own_texts(1)[1:]]
    second = submitted_with(
        django_capture_on_commit_callbacks,
        batch=world.batch,
        unit=world.unit,
        applicant=world.other_applicant,
        index=1,
        texts=copied,
    )
    pair = SimilarPair.objects.select_related("earlier", "later").get()
    assert (pair.earlier.application_id, pair.earlier.text) == (first.pk, CORPUS[2])
    assert (pair.later.application_id, pair.later.text) == (second.pk, copied[0])
    assert pair.score >= 0.8
    assert pair.status == PairStatus.OPEN


def test_a_statement_copied_inside_a_longer_project_description_is_flagged(
    world: World, django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    submitted_with(
        django_capture_on_commit_callbacks,
        batch=world.batch,
        unit=world.unit,
        applicant=world.applicant,
        index=0,
        texts=own_texts(0),
    )
    texts = own_texts(1)
    texts[5] = inside_longer(CORPUS[1], around=11)
    second = submitted_with(
        django_capture_on_commit_callbacks,
        batch=world.batch,
        unit=world.unit,
        applicant=world.other_applicant,
        index=1,
        texts=texts,
    )
    pair = SimilarPair.objects.select_related("earlier", "later").get()
    assert (pair.earlier.text, pair.later.source, pair.later.application_id) == (
        CORPUS[1],
        TextSource.PROJECT,
        second.pk,
    )
    assert pair.containment == 1.0
    assert pair.jaccard < 0.6


def test_eight_people_writing_about_similar_work_are_not_flagged(
    world: World, django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    for index in range(8):
        submitted_with(
            django_capture_on_commit_callbacks,
            batch=world.batch,
            unit=world.unit,
            applicant=person_user(index),
            index=index,
            texts=own_texts(index),
        )
    assert IndexedText.objects.count() == 48
    assert SimilarPair.objects.count() == 0


def test_reusing_ones_own_text_from_an_earlier_batch_is_not_flagged(
    world: World, django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    earlier_batch = builders.batch_create(society=world.society, code="2022-b3")
    submitted_with(
        django_capture_on_commit_callbacks,
        batch=earlier_batch,
        unit=world.unit,
        applicant=world.applicant,
        index=0,
        texts=own_texts(0),
    )
    submitted_with(
        django_capture_on_commit_callbacks,
        batch=world.batch,
        unit=world.unit,
        applicant=world.applicant,
        index=0,
        texts=own_texts(0),
    )
    assert IndexedText.objects.count() == 12
    assert SimilarPair.objects.count() == 0


def test_the_same_person_under_a_new_account_is_recognised_by_their_identity_number(
    world: World, django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    earlier_batch = builders.batch_create(society=world.society, code="2022-b3")
    born = date(1984, 6, 2)
    first = submitted_with(
        django_capture_on_commit_callbacks,
        batch=earlier_batch,
        unit=world.unit,
        applicant=world.applicant,
        index=4,
        texts=own_texts(0),
        birth=born,
    )
    second = submitted_with(
        django_capture_on_commit_callbacks,
        batch=world.batch,
        unit=world.unit,
        applicant=person_user(9),
        index=4,
        texts=own_texts(0),
        birth=born,
    )
    assert first.id_number_index == second.id_number_index != ""
    assert SimilarPair.objects.count() == 0


def test_the_same_text_from_a_different_person_in_an_earlier_batch_is_flagged(
    world: World, django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    earlier_batch = builders.batch_create(society=world.society, code="2022-b3")
    first = submitted_with(
        django_capture_on_commit_callbacks,
        batch=earlier_batch,
        unit=world.unit,
        applicant=world.applicant,
        index=0,
        texts=own_texts(0),
    )
    second = submitted_with(
        django_capture_on_commit_callbacks,
        batch=world.batch,
        unit=world.unit,
        applicant=world.other_applicant,
        index=1,
        texts=[CORPUS[4], *own_texts(1)[1:]],
    )
    pair = SimilarPair.objects.select_related("earlier", "later").get()
    assert (pair.earlier.application_id, pair.later.application_id, pair.score) == (first.pk, second.pk, 1.0)


def test_another_societys_texts_are_not_compared(
    world: World, django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    other = builders.society_create(code="ches", name="中国水利学会", name_en="CHES", short_name="CHES")
    other_batch = builders.batch_create(society=other, code="2026-w1")
    other_unit = builders.unit_create(society=other, code="hydro", name="水电工程局")
    submitted_with(
        django_capture_on_commit_callbacks,
        batch=other_batch,
        unit=other_unit,
        applicant=world.applicant,
        index=0,
        texts=own_texts(0),
    )
    submitted_with(
        django_capture_on_commit_callbacks,
        batch=world.batch,
        unit=world.unit,
        applicant=world.other_applicant,
        index=1,
        texts=own_texts(0),
    )
    assert IndexedText.objects.count() == 12
    assert SimilarPair.objects.count() == 0


def test_resubmitting_indexes_only_the_changed_text_and_compares_it(
    world: World, django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    submitted_with(
        django_capture_on_commit_callbacks,
        batch=world.batch,
        unit=world.unit,
        applicant=world.applicant,
        index=0,
        texts=own_texts(0),
    )
    second = submitted_with(
        django_capture_on_commit_callbacks,
        batch=world.batch,
        unit=world.unit,
        applicant=world.other_applicant,
        index=1,
        texts=own_texts(1),
    )
    before = dict(IndexedText.objects.filter(application=second).values_list("source_id", "pk"))
    evaluation.review_return(application=second, staff=world.staff, reason="请补充学位证书。")
    changed = second.statements.order_by("area__number").first()
    assert changed is not None
    changed.text = EDITS["characters"](CORPUS[3])
    changed.save(update_fields=["text"])
    with django_capture_on_commit_callbacks(execute=True):
        application_submit(application=second, by=world.other_applicant)
    second.refresh_from_db()
    assert second.state == ApplicationState.RESUBMITTED
    after = dict(IndexedText.objects.filter(application=second).values_list("source_id", "pk"))
    assert sorted(after) == sorted(before)
    assert [source for source in before if before[source] != after[source]] == [changed.pk]
    assert IndexedText.objects.get(pk=after[changed.pk]).text == changed.text
    pair = SimilarPair.objects.select_related("earlier", "later").get()
    assert (pair.earlier.text, pair.later.source_id) == (CORPUS[3], changed.pk)


def test_indexing_the_same_application_again_changes_nothing(
    world: World, django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    submitted_with(
        django_capture_on_commit_callbacks,
        batch=world.batch,
        unit=world.unit,
        applicant=world.applicant,
        index=0,
        texts=own_texts(0),
    )
    second = submitted_with(
        django_capture_on_commit_callbacks,
        batch=world.batch,
        unit=world.unit,
        applicant=world.other_applicant,
        index=1,
        texts=[CORPUS[0], *own_texts(1)[1:]],
    )
    rows = sorted(IndexedText.objects.values_list("pk", flat=True))
    assert application_texts_index(application=second) == []
    assert sorted(IndexedText.objects.values_list("pk", flat=True)) == rows
    assert SimilarPair.objects.count() == 1
    assert BandKey.objects.count() == 12 * BANDS


def test_a_text_too_short_to_compare_is_not_indexed(
    world: World, django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    application = submitted_with(
        django_capture_on_commit_callbacks,
        batch=world.batch,
        unit=world.unit,
        applicant=world.applicant,
        index=0,
        texts=own_texts(0)[:2],
    )
    # Three statements read "见项目经历。" and the project "主持设计审查。": too short to compare.
    assert IndexedText.objects.filter(application=application).count() == 2


def test_the_candidate_lookup_is_one_query_however_many_texts_are_indexed(
    world: World, django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    fingerprint = fingerprint_of(EDITS["all"](CORPUS[0]))
    counts = []
    found = []
    for index in range(8):
        submitted_with(
            django_capture_on_commit_callbacks,
            batch=world.batch,
            unit=world.unit,
            applicant=person_user(index),
            index=index,
            texts=own_texts(index),
        )
        if index in (0, 7):
            with CaptureQueriesContext(connection) as queries:
                candidates = candidates_find(
                    society=world.society,
                    fingerprint=fingerprint,
                    applicant_id=world.other_applicant.pk,
                    id_number_index="",
                )
            counts.append(len(queries))
            found.append([IndexedText.objects.get(pk=c.text_id).text for c in candidates])
    assert IndexedText.objects.count() == 48
    assert counts == [1, 1]
    assert found == [[CORPUS[0]], [CORPUS[0]]]


def test_the_reindex_command_indexes_applications_submitted_before(world: World) -> None:
    for index, applicant in enumerate((world.applicant, world.other_applicant)):
        application = builders.application_complete_draft(
            batch=world.batch,
            applicant=applicant,
            person=builders.person_for(index, employer=world.unit.name),
            unit=world.unit,
            index=index,
        )
        texts_set(application, [CORPUS[10], *own_texts(index + 2)[1:]])
        # Without running the commit hooks: as if submitted before the similarity check existed.
        application_submit(application=application, by=applicant)
    assert IndexedText.objects.count() == 0
    call_command("similarity_reindex", "--society", world.society.code, stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert IndexedText.objects.count() == 12
    assert SimilarPair.objects.count() == 1
    call_command("similarity_reindex", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert (IndexedText.objects.count(), SimilarPair.objects.count()) == (12, 1)
    with pytest.raises(CommandError, match="no society with the code nope"):
        call_command("similarity_reindex", "--society", "nope")


def _copied_then_changed(world: World, capture: CaptureOnCommit, *, review: bool) -> tuple[SimilarPair, int]:
    """The second applicant copies the first's statement; the pair is found (and reviewed, if
    asked); the file is returned and the copy rewritten in the applicant's own words."""
    submitted_with(
        capture, batch=world.batch, unit=world.unit, applicant=world.applicant, index=0, texts=own_texts(0)
    )
    texts = own_texts(1)
    texts[0] = EDITS["characters"](CORPUS[3])
    second = submitted_with(
        capture, batch=world.batch, unit=world.unit, applicant=world.other_applicant, index=1, texts=texts
    )
    pair = SimilarPair.objects.get()
    if review:
        similar_pair_review(pair=pair, by=world.staff, status=PairStatus.COPIED, note="已与申请人核实。")
    evaluation.review_return(application=second, staff=world.staff, reason="请用自己的话重写能力陈述。")
    changed = second.statements.order_by("area__number").first()
    assert changed is not None
    changed.text = CORPUS[40]
    changed.save(update_fields=["text"])
    with capture(execute=True):
        application_submit(application=second, by=world.other_applicant)
    return pair, changed.pk


def test_a_reviewed_pair_and_its_copied_text_stay_when_the_applicant_rewrites_it(
    world: World, django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    pair, source_id = _copied_then_changed(world, django_capture_on_commit_callbacks, review=True)
    pair.refresh_from_db()
    assert (pair.status, pair.note) == (PairStatus.COPIED, "已与申请人核实。")
    copied = IndexedText.objects.get(pk=pair.later_id)
    assert copied.replaced_at is not None
    assert BandKey.objects.filter(text=copied).count() == 0
    current = IndexedText.objects.get(source_id=source_id, replaced_at__isnull=True)
    assert current.text == CORPUS[40]
    assert SimilarPair.objects.count() == 1


def test_a_pair_nobody_reviewed_goes_when_the_text_is_rewritten(
    world: World, django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    pair, source_id = _copied_then_changed(world, django_capture_on_commit_callbacks, review=False)
    assert SimilarPair.objects.filter(pk=pair.pk).exists() is False
    assert list(IndexedText.objects.filter(source_id=source_id).values_list("text", flat=True)) == [
        CORPUS[40]
    ]
