"""Certificate number formats: what is accepted, what is refused and why, what numbers look like."""

from __future__ import annotations

import re

import pytest

from engcert.certificates.numbering import (
    CROCKFORD_ALPHABET,
    NumberFormatError,
    NumberParts,
    number_format_problems,
    number_format_validate,
    number_render,
)

PARTS = NumberParts(society="csee", year=2026, grade="spe")


def test_the_default_format_makes_society_year_and_ten_random_characters():
    number = number_render("{society}-{year}-{random:10}", PARTS)

    assert re.fullmatch(rf"CSEE-2026-[{CROCKFORD_ALPHABET}]{{10}}", number)


def test_the_grade_token_and_literal_text_are_kept():
    number = number_render("EM/{grade}.{year}_{random:8}", PARTS)

    assert re.fullmatch(rf"EM/SPE\.2026_[{CROCKFORD_ALPHABET}]{{8}}", number)


def test_the_random_part_never_uses_letters_that_read_like_digits():
    characters = set("".join(number_render("{random:32}", PARTS) for _ in range(200)))

    assert characters <= set(CROCKFORD_ALPHABET)
    assert characters.isdisjoint(set("ILOU"))
    assert len(characters) == 32


def test_two_numbers_of_the_same_format_differ():
    numbers = {number_render("{society}-{year}-{random:10}", PARTS) for _ in range(500)}

    assert len(numbers) == 500


@pytest.mark.parametrize(
    ("number_format", "problems"),
    [
        ("", ["Please enter a format, for example {society}-{year}-{random:10}."]),
        (
            "{society}-{year}",
            ["The format needs exactly one {random:N} (N at least 8), so that numbers cannot be guessed."],
        ),
        ("{society}-{random:6}", ["{random:6} is too short: use at least 8 random characters."]),
        ("{random:40}", ["{random:40} is too long: use at most 32 random characters."]),
        ("{random:8}-{random:8}", ["Use {random:N} only once."]),
        (
            "{society}-{month}-{random:10}",
            ["“{month}” is not a token; use {society}, {year}, {grade} and {random:N}."],
        ),
        (
            "{society} {random:10}",
            ["Between the tokens use only letters, digits and - _ . / (no spaces or other characters)."],
        ),
        ("{society-{random:10}", ["A brace is not closed; tokens are written like {year}."]),
        (
            "VERYLONGPREFIXFORNUMBERS-{society}-{grade}-{year}-{random:20}",
            ["Numbers of this format can be longer than 60 characters; please shorten it."],
        ),
    ],
)
def test_a_format_that_cannot_make_good_numbers_is_refused_with_the_reason(
    number_format: str, problems: list[str]
):
    assert number_format_problems(number_format) == problems
    with pytest.raises(NumberFormatError) as error:
        number_format_validate(number_format)
    assert error.value.problems == problems


def test_a_good_format_has_no_problems():
    assert number_format_problems("{society}-{year}-{grade}-{random:8}") == []
    number_format_validate("{random:12}")
