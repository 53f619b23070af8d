"""Every email subject is plain text: a name or unit with markup or an apostrophe is written
as typed (not as HTML entities such as &#x27;), and no template renders markup into it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.template.loader import render_to_string

import engcert

ENGCERT = Path(engcert.__file__).parent
SUBJECTS = sorted(
    path.relative_to(path.parents[2]).as_posix()
    for path in ENGCERT.glob("*/templates/*/email*/*subject*.txt")
)
TYPED = "O'Brien & <b>Sons</b> <script>alert(1)</script>"


class Anything:
    """Whatever a subject template looks up (a person, a unit, a batch, a count) is the typed text."""

    def __getattr__(self, name: str) -> Anything:
        return self

    def __getitem__(self, key: object) -> Anything:
        return self

    def __str__(self) -> str:
        return TYPED

    def __int__(self) -> int:
        return 3

    def __bool__(self) -> bool:
        return True


class Everything(dict[str, Any]):
    def __missing__(self, key: str) -> Anything:
        return Anything()

    def __contains__(self, key: object) -> bool:
        return True


def test_the_subjects_are_found() -> None:
    assert len(SUBJECTS) >= 20


@pytest.mark.parametrize("template", SUBJECTS)
def test_a_subject_writes_names_as_typed_and_on_one_line(template: str) -> None:
    source = next(ENGCERT.glob(f"*/templates/{template}")).read_text()
    subject = render_to_string(template, Everything(days=3, count=3)).strip()

    if "with " in source and "|date" not in source:  # a subject that names someone or something
        assert TYPED in subject
    assert "&#x27;" not in subject and "&amp;" not in subject and "&lt;" not in subject
    assert "\n" not in subject and "\r" not in subject
