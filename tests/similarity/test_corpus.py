"""The corpus of different people's texts stays unflagged; copies with small edits are caught.

The figures asserted here are the ones quoted in bench/RESULTS.md: the highest similarity of two
different people's texts, and the lowest of a copy."""

from __future__ import annotations

import itertools

import pytest

from engcert.similarity.fingerprint import fingerprint_of, measures_of
from engcert.similarity.models import DEFAULT_THRESHOLD
from tests.similarity.corpus import CORPUS
from tests.similarity.edits import EDITS, inside_longer

THRESHOLD = float(DEFAULT_THRESHOLD)


def test_the_corpus_holds_at_least_fifty_texts_of_150_to_400_characters() -> None:
    assert len(CORPUS) >= 50
    assert all(150 <= len(text) <= 400 for text in CORPUS)


def test_no_two_different_corpus_texts_reach_the_default_threshold() -> None:
    fingerprints = [fingerprint_of(text).shingles for text in CORPUS]
    scores = [measures_of(a, b).score for a, b in itertools.combinations(fingerprints, 2)]
    assert len(scores) == len(CORPUS) * (len(CORPUS) - 1) // 2
    # The highest innocent similarity, far below the default threshold of 0.50.
    assert max(scores) < 0.05


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_a_copy_with_small_edits_stays_above_the_default_threshold(edit: str) -> None:
    lowest = min(
        measures_of(fingerprint_of(text).shingles, fingerprint_of(EDITS[edit](text)).shingles).score
        for text in CORPUS
    )
    assert lowest >= 0.7


def test_a_short_text_copied_inside_a_longer_one_stays_above_the_default_threshold() -> None:
    lowest = min(
        measures_of(
            fingerprint_of(text).shingles, fingerprint_of(inside_longer(text, (n + 1) % len(CORPUS))).shingles
        ).score
        for n, text in enumerate(CORPUS)
    )
    assert lowest >= THRESHOLD
