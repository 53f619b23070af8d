"""Comparing employer names as people write them.

"山东电力建设第三工程有限公司", "山东电力建设第三工程公司" and "山东电力建设第三工程 （有限公司）" name the same
employer; so do "SEPCOIII Electric Power Construction Co., Ltd." and "sepcoiii electric power
construction". A conflict-of-interest check that compared the raw strings would miss them, so
both sides are reduced to a key first: full-width → half-width (NFKC), case folded, punctuation
and spaces dropped, and the common legal-form suffixes taken off the end.
"""

from __future__ import annotations

import re
import unicodedata

# Longest first: "股份有限公司" must go before "有限公司" leaves "股份" behind.
CHINESE_SUFFIXES = (
    "集团股份有限公司",
    "集团有限责任公司",
    "集团有限公司",
    "股份有限公司",
    "有限责任公司",
    "有限公司",
    "集团公司",
    "股份公司",
    "总公司",
    "集团",
    "公司",
)

# What is left when a name is nothing but a legal form: never stripped down to.
LEGAL_FORM_FRAGMENTS = frozenset({*CHINESE_SUFFIXES, "有限", "股份", "有限责任", "股份有限", "集团股份"})

# English legal forms, as whole words at the end of the name (after punctuation became spaces).
ENGLISH_SUFFIXES = frozenset(
    {
        "co",
        "company",
        "corp",
        "corporation",
        "inc",
        "incorporated",
        "ltd",
        "limited",
        "llc",
        "plc",
        "group",
        "gmbh",
        "ag",
        "sa",
        "bv",
        "holdings",
    }
)

# Anything that is neither a letter nor a digit (CJK ideographs are letters to Unicode).
_NOT_WORD = re.compile(r"[^\w]|_", re.UNICODE)


def employer_key(name: str) -> str:
    """The comparable form of an employer's name; empty for a name with nothing left to compare."""
    text = unicodedata.normalize("NFKC", name or "").casefold()
    words = _NOT_WORD.sub(" ", text).split()
    # "Co., Ltd." → ["co", "ltd"]: drop legal-form words from the end, but never the whole name.
    while len(words) > 1 and words[-1] in ENGLISH_SUFFIXES:
        words.pop()
    key = "".join(words)
    stripped = True
    while stripped:
        stripped = False
        for suffix in CHINESE_SUFFIXES:
            rest = key[: -len(suffix)]
            if key.endswith(suffix) and rest and rest not in LEGAL_FORM_FRAGMENTS:
                key = rest
                stripped = True
                break
    return key


def same_employer(first: str, second: str) -> bool:
    key = employer_key(first)
    return bool(key) and key == employer_key(second)


def person_name_key(name: str) -> str:
    """A person's name compared without spaces, width or case (王 伟 = 王伟, Wang Wei = wangwei)."""
    text = unicodedata.normalize("NFKC", name or "").casefold()
    return "".join(_NOT_WORD.sub(" ", text).split())
