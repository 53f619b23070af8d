"""Normalisation, shingles, signatures and the marking of shared passages."""

from __future__ import annotations

from engcert.similarity.fingerprint import (
    BANDS,
    NUM_PERM,
    content_hash,
    fingerprint_of,
    measures_of,
    shared_segments,
    text_normalise,
)
from tests.similarity.corpus import CORPUS
from tests.similarity.edits import punctuation_changed


def test_normalising_drops_punctuation_and_spaces_and_folds_width_and_case() -> None:
    normalised = text_normalise("ＡＢＣ变电站，  500kV。Ｉｎ（调试）!")
    assert normalised.text == "abc变电站500kvin调试"


def test_normalised_characters_point_back_to_their_original_positions() -> None:
    original = "甲，乙 丙"
    normalised = text_normalise(original)
    assert normalised.text == "甲乙丙"
    assert normalised.positions == (0, 2, 4)


def test_full_width_and_half_width_punctuation_give_the_same_content_hash() -> None:
    assert content_hash(CORPUS[0]) == content_hash(punctuation_changed(CORPUS[0]))
    assert content_hash(CORPUS[0]) != content_hash(CORPUS[1])


def test_a_signature_is_the_same_in_every_process() -> None:
    # Fixed permutations and no salted hash(): these values were computed once and must not drift,
    # or the signatures stored by one worker would not match another's.
    fingerprint = fingerprint_of("本人负责500千伏变电站电气一次设计与现场调试工作。")
    assert fingerprint.signature.shape == (NUM_PERM,)
    assert len(fingerprint.keys) == BANDS
    assert fingerprint.signature[:4].tolist() == [94782623, 72995209, 91105127, 63568471]
    assert fingerprint.keys[:2] == [7451172755665118520, -8264342982276649270]


def test_identical_texts_measure_one_and_unrelated_texts_near_zero() -> None:
    a, b = fingerprint_of(CORPUS[0]), fingerprint_of(CORPUS[1])
    same = measures_of(a.shingles, fingerprint_of(CORPUS[0]).shingles)
    assert (same.jaccard, same.containment) == (1.0, 1.0)
    assert measures_of(a.shingles, b.shingles).score < 0.1


def test_a_short_text_inside_a_long_one_has_full_containment() -> None:
    short = fingerprint_of(CORPUS[3])
    long = fingerprint_of(CORPUS[7] + CORPUS[3] + CORPUS[9])
    measures = measures_of(short.shingles, long.shingles)
    assert measures.containment == 1.0
    assert measures.jaccard < 0.5


def test_shared_passages_are_marked_in_the_original_characters() -> None:
    left, right = shared_segments("甲方负责变电站调试工作，效果好。", "乙方也负责变电站调试工作。")
    assert [(s.text, s.shared) for s in left] == [
        ("甲方", False),
        ("负责变电站调试工作", True),
        ("，效果好。", False),
    ]
    assert [(s.text, s.shared) for s in right] == [
        ("乙方也", False),
        ("负责变电站调试工作", True),
        ("。", False),
    ]


def test_a_shared_passage_spans_punctuation_that_differs_between_the_texts() -> None:
    left, right = shared_segments("我们组织了系统调试，编制了方案。", "我们组织了系统调试, 编制了方案.")
    assert [s.text for s in left if s.shared] == ["我们组织了系统调试，编制了方案"]
    assert [s.text for s in right if s.shared] == ["我们组织了系统调试, 编制了方案"]
