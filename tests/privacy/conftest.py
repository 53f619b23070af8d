"""People made in these tests read English, so the emails they receive can be asserted in the
source language (see `people_read_english` in tests/conftest.py)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _members_read_english(people_read_english: None) -> None:
    """Every test of this folder."""
