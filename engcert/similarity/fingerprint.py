"""Fingerprints of a text for near-duplicate detection: normalised characters, character shingles,
a MinHash signature and its LSH band keys; and the exact measures computed for candidates.

Everything here is deterministic across processes (no Python `hash()`, fixed permutations), so
signatures and band keys written by one worker are comparable with those of any other.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

# Chinese has no spaces: shingles are runs of characters. Four characters are long enough that
# two engineers using the same vocabulary (继电保护, 变电站) rarely share many of them by chance,
# and short enough that changing a few characters leaves most of a copied text's shingles intact.
SHINGLE_SIZE = 4
NUM_PERM = 128
# 64 bands of 2 rows: two texts become candidates when they agree on at least MIN_BAND_HITS bands.
# That finds pairs whose Jaccard similarity is as low as ~0.3 (a short text copied inside a long
# one) with high probability, while pairs below ~0.1 rarely reach three agreeing bands.
BANDS = 64
ROWS = NUM_PERM // BANDS
MIN_BAND_HITS = 3
# A text this short (in normalised characters) says too little to be compared.
MIN_CHARACTERS = 40

_MERSENNE = np.uint64((1 << 61) - 1)
_MAX32 = np.uint64(0xFFFFFFFF)
_rng = np.random.default_rng(20260101)
_A = _rng.integers(1, int(_MERSENNE), size=NUM_PERM, dtype=np.uint64)
_B = _rng.integers(0, int(_MERSENNE), size=NUM_PERM, dtype=np.uint64)

Signature = npt.NDArray[np.uint32]


@dataclass(frozen=True)
class Normalised:
    """The normalised text and, for each of its characters, the index of the original character."""

    text: str
    positions: tuple[int, ...]


def text_normalise(text: str) -> Normalised:
    """NFKC (full-width letters, digits and signs become half-width), casefolded, without
    punctuation, whitespace or control characters."""
    chars: list[str] = []
    positions: list[int] = []
    for index, original in enumerate(text):
        for char in unicodedata.normalize("NFKC", original).casefold():
            if unicodedata.category(char)[0] in "PZC":
                continue
            chars.append(char)
            positions.append(index)
    return Normalised("".join(chars), tuple(positions))


def content_hash(text: str) -> str:
    """Identifies a text's content: two texts that normalise alike have the same hash."""
    return hashlib.sha256(text_normalise(text).text.encode("utf-8")).hexdigest()


def shingle_hashes(normalised: str) -> npt.NDArray[np.uint64]:
    """The distinct 32-bit hashes of the text's character shingles, sorted."""
    if len(normalised) < SHINGLE_SIZE:
        return np.zeros(0, dtype=np.uint64)
    codes = np.frombuffer(normalised.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    windows = np.lib.stride_tricks.sliding_window_view(codes, SHINGLE_SIZE)
    # A polynomial hash of the window's code points; overflow wraps, as intended.
    acc = np.zeros(windows.shape[0], dtype=np.uint64)
    with np.errstate(over="ignore"):
        for column in range(SHINGLE_SIZE):
            acc = acc * np.uint64(1_000_003) + windows[:, column]
        acc ^= acc >> np.uint64(29)
        acc *= np.uint64(0xBF58476D1CE4E5B9)
        acc ^= acc >> np.uint64(32)
    return np.unique(acc & _MAX32)


def signature_of(hashes: npt.NDArray[np.uint64]) -> Signature:
    """The MinHash signature: for each permutation, the smallest permuted shingle hash."""
    if hashes.size == 0:
        return np.full(NUM_PERM, 0xFFFFFFFF, dtype=np.uint32)
    with np.errstate(over="ignore"):
        permuted = ((hashes[:, None] * _A[None, :] + _B[None, :]) % _MERSENNE) & _MAX32
    result: Signature = permuted.min(axis=0).astype(np.uint32)
    return result


def band_keys(signature: Signature) -> list[int]:
    """One signed 64-bit key per band: the band's number and its rows hashed together, so one
    indexed `key IN (...)` finds every text that shares any band."""
    keys = []
    for band in range(BANDS):
        rows = signature[band * ROWS : (band + 1) * ROWS].tobytes()
        digest = hashlib.blake2b(band.to_bytes(2, "little") + rows, digest_size=8).digest()
        keys.append(int.from_bytes(digest, "little", signed=True))
    return keys


def signature_bytes(signature: Signature) -> bytes:
    return signature.astype("<u4").tobytes()


def signature_load(data: bytes) -> Signature:
    result: Signature = np.frombuffer(data, dtype="<u4").astype(np.uint32)
    return result


@dataclass(frozen=True)
class Fingerprint:
    normalised: str
    content_hash: str
    shingles: npt.NDArray[np.uint64]
    signature: Signature
    keys: list[int]

    @property
    def comparable(self) -> bool:
        return len(self.normalised) >= MIN_CHARACTERS


def fingerprint_of(text: str) -> Fingerprint:
    normalised = text_normalise(text).text
    shingles = shingle_hashes(normalised)
    signature = signature_of(shingles)
    return Fingerprint(
        normalised=normalised,
        content_hash=hashlib.sha256(normalised.encode("utf-8")).hexdigest(),
        shingles=shingles,
        signature=signature,
        keys=band_keys(signature),
    )


@dataclass(frozen=True)
class Measures:
    """Jaccard of the two shingle sets, and containment: the share of the smaller set found in
    the larger, which stays high when a short text is copied inside a long one."""

    jaccard: float
    containment: float

    @property
    def score(self) -> float:
        return max(self.jaccard, self.containment)


def measures_of(a: npt.NDArray[np.uint64], b: npt.NDArray[np.uint64]) -> Measures:
    if a.size == 0 or b.size == 0:
        return Measures(0.0, 0.0)
    common = np.intersect1d(a, b, assume_unique=True).size
    return Measures(
        jaccard=common / (a.size + b.size - common),
        containment=common / min(a.size, b.size),
    )


# -- the side-by-side view ------------------------------------------------------------------------

MIN_SHARED_RUN = 6


@dataclass(frozen=True)
class Segment:
    text: str
    shared: bool


def shared_segments(text_a: str, text_b: str) -> tuple[list[Segment], list[Segment]]:
    """Both texts cut into segments, the passages they share marked in the original text: a
    character is shared when it lies in a run of MIN_SHARED_RUN normalised characters that the
    other text also contains, wherever it stands there (reordered sentences are marked too)."""
    norm_a, norm_b = text_normalise(text_a), text_normalise(text_b)
    return (
        _segments(text_a, _covered(norm_a, _runs(norm_b.text), len(text_a))),
        _segments(text_b, _covered(norm_b, _runs(norm_a.text), len(text_b))),
    )


def _runs(text: str) -> set[str]:
    return {text[i : i + MIN_SHARED_RUN] for i in range(len(text) - MIN_SHARED_RUN + 1)}


def _covered(normalised: Normalised, other_runs: set[str], length: int) -> list[bool]:
    covered = [False] * length
    text, positions = normalised.text, normalised.positions
    for start in range(len(text) - MIN_SHARED_RUN + 1):
        if text[start : start + MIN_SHARED_RUN] in other_runs:
            # From the first to the last original character of the run: punctuation between
            # them is part of the shared passage as a reader sees it.
            for index in range(positions[start], positions[start + MIN_SHARED_RUN - 1] + 1):
                covered[index] = True
    return covered


def _segments(text: str, covered: list[bool]) -> list[Segment]:
    segments: list[Segment] = []
    start = 0
    for index in range(1, len(text) + 1):
        if index == len(text) or covered[index] != covered[start]:
            segments.append(Segment(text[start:index], covered[start]))
            start = index
    return segments
