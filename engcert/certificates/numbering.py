"""Certificate numbers from a society's format, e.g. ``{society}-{year}-{random:10}``.

The random part is drawn with `secrets` from Crockford's base32 alphabet (digits and capital
letters without I, L, O and U, so a number read aloud or typed from paper is not mistaken), at
least eight characters: with 32**8 ≈ 10**12 possibilities, neighbouring numbers say nothing
about each other and the public verification page cannot be walked through by guessing.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from django.utils.translation import gettext as _

CROCKFORD_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
MIN_RANDOM = 8
MAX_RANDOM = 32
MAX_NUMBER_LENGTH = 60  # Certificate.number's max_length

TOKEN_RE = re.compile(r"\{([^{}]*)\}")
RANDOM_RE = re.compile(r"^random:(\d+)$")
PLAIN_TOKENS = ("society", "year", "grade")
# Between the tokens: letters, digits and a few separators that survive URLs and QR codes.
LITERAL_RE = re.compile(r"^[A-Za-z0-9\-_./]*$")


class NumberFormatError(ValueError):
    """The format cannot make certificate numbers; the messages say why, for people."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(" ".join(problems))


@dataclass(frozen=True)
class NumberParts:
    society: str
    year: int
    grade: str


def number_format_problems(number_format: str) -> list[str]:
    """Everything wrong with a format, in words for the policy page; empty when it is usable."""
    problems: list[str] = []
    text = number_format.strip()
    if not text:
        return [_("Please enter a format, for example {society}-{year}-{random:10}.")]
    random_count = 0
    for token in TOKEN_RE.findall(text):
        match = RANDOM_RE.match(token)
        if match:
            random_count += 1
            length = int(match.group(1))
            if length < MIN_RANDOM:
                problems.append(
                    _("{random:%(n)s} is too short: use at least %(min)s random characters.")
                    % {"n": length, "min": MIN_RANDOM}
                )
            elif length > MAX_RANDOM:
                problems.append(
                    _("{random:%(n)s} is too long: use at most %(max)s random characters.")
                    % {"n": length, "max": MAX_RANDOM}
                )
        elif token not in PLAIN_TOKENS:
            problems.append(
                _("“{%(token)s}” is not a token; use {society}, {year}, {grade} and {random:N}.")
                % {"token": token}
            )
    if random_count == 0:
        problems.append(
            _("The format needs exactly one {random:N} (N at least 8), so that numbers cannot be guessed.")
        )
    elif random_count > 1:
        problems.append(_("Use {random:N} only once."))
    literal = TOKEN_RE.sub("", text)
    if "{" in literal or "}" in literal:
        problems.append(_("A brace is not closed; tokens are written like {year}."))
    elif not LITERAL_RE.match(literal):
        problems.append(
            _("Between the tokens use only letters, digits and - _ . / (no spaces or other characters).")
        )
    if not problems:
        longest = number_render(text, NumberParts(society="X" * 12, year=2026, grade="X" * 10))
        if len(longest) > MAX_NUMBER_LENGTH:
            problems.append(
                _("Numbers of this format can be longer than %(max)s characters; please shorten it.")
                % {"max": MAX_NUMBER_LENGTH}
            )
    return problems


def number_format_validate(number_format: str) -> None:
    problems = number_format_problems(number_format)
    if problems:
        raise NumberFormatError(problems)


def random_part(length: int) -> str:
    return "".join(secrets.choice(CROCKFORD_ALPHABET) for _ in range(length))


def number_render(number_format: str, parts: NumberParts) -> str:
    """One number of the format, with fresh random characters each call."""

    def replace(match: re.Match[str]) -> str:
        token = match.group(1)
        plain = {"society": parts.society.upper(), "year": f"{parts.year:04d}", "grade": parts.grade.upper()}
        if token in plain:
            return plain[token]
        random_match = RANDOM_RE.match(token)
        if random_match:
            return random_part(int(random_match.group(1)))
        raise NumberFormatError([_("“{%(token)s}” is not a token.") % {"token": token}])

    return TOKEN_RE.sub(replace, number_format.strip())


__all__ = [
    "CROCKFORD_ALPHABET",
    "MIN_RANDOM",
    "NumberFormatError",
    "NumberParts",
    "number_format_problems",
    "number_format_validate",
    "number_render",
    "random_part",
]
