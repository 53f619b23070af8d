"""People made in these tests read English, so the emails they receive can be asserted in the
source language (the shipped default, Simplified Chinese, is covered by tests/project)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from engcert.accounts.models import User


@pytest.fixture(autouse=True)
def _members_read_english() -> Iterator[None]:
    field = User._meta.get_field("language")
    default = field.default
    field.default = "en"
    yield
    field.default = default
