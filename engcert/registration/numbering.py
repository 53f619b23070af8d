"""The member-number format: which tokens it may use, and writing a number from it.

The format is the alliance's data (``RegistrationPolicy.number_format``); this module only
reads it, so the policy's validation and the allocation agree on what a format means.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass

from django.utils.translation import gettext as _

from engcert.registration.enums import SequenceScope

DEFAULT_PREFIX = "CEA"
DEFAULT_FORMAT = "{prefix}{year}{society}{seq:06d}"
PLAIN_TOKENS = frozenset({"prefix", "year", "society", "grade"})
SEQ = "seq"
# Only zero-padded widths: "{seq}", "{seq:d}", "{seq:06d}".
SEQ_SPEC = re.compile(r"^(0?[1-9]\d?)?d?$")
MAX_LENGTH = 60


@dataclass(frozen=True)
class NumberParts:
    prefix: str
    year: int
    society: str
    grade: str
    seq: int


def _fields(number_format: str) -> list[tuple[str, str]]:
    return [
        (name, spec or "")
        for _literal, name, spec, _conversion in string.Formatter().parse(number_format)
        if name is not None
    ]


def number_format_problems(
    number_format: str, *, scope: SequenceScope, prefix: str = DEFAULT_PREFIX
) -> list[str]:
    """What is wrong with a format, in words for the person editing it; empty when it is usable."""
    try:
        fields = _fields(number_format)
    except ValueError:
        return [_("Braces must come in pairs around a token, e.g. {year}.")]
    problems: list[str] = []
    unknown = sorted({name for name, _spec in fields if name not in PLAIN_TOKENS | {SEQ}})
    if unknown:
        problems.append(
            _("Unknown token: %(tokens)s. Use {prefix}, {year}, {society}, {grade} and {seq:06d}.")
            % {"tokens": ", ".join("{" + name + "}" for name in unknown)}
        )
    seqs = [spec for name, spec in fields if name == SEQ]
    if len(seqs) != 1:
        problems.append(_("The format must contain the running number {seq:06d} exactly once."))
    elif not SEQ_SPEC.match(seqs[0]):
        problems.append(_("Write the running number as {seq:06d} (the digits give its width)."))
    if any(spec for name, spec in fields if name in PLAIN_TOKENS):
        problems.append(_("Only the running number takes a width, e.g. {seq:06d}."))
    names = {name for name, _spec in fields}
    if scope in (SequenceScope.SOCIETY, SequenceScope.SOCIETY_GRADE) and "society" not in names:
        problems.append(_("A running number per society needs {society} in the format."))
    if scope == SequenceScope.SOCIETY_GRADE and "grade" not in names:
        problems.append(_("A running number per society and grade needs {grade} in the format."))
    if not problems:
        sample = number_render(
            number_format, NumberParts(prefix=prefix, year=2026, society="CSEE", grade="SPE", seq=999999)
        )
        if len(sample) > MAX_LENGTH:
            problems.append(
                _("Numbers from this format would be longer than %(max)s characters.") % {"max": MAX_LENGTH}
            )
    return problems


def number_render(number_format: str, parts: NumberParts) -> str:
    return number_format.format(
        prefix=parts.prefix, year=parts.year, society=parts.society, grade=parts.grade, seq=parts.seq
    )


def uses_year(number_format: str) -> bool:
    return any(name == "year" for name, _spec in _fields(number_format))


def sequence_key(*, scope: SequenceScope, society: str, grade: str) -> str:
    """The name of the counter a number is taken from."""
    if scope == SequenceScope.SOCIETY:
        return f"society:{society}"
    if scope == SequenceScope.SOCIETY_GRADE:
        return f"society:{society}:{grade}"
    return "national"
