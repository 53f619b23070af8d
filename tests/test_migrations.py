"""Models and migrations agree: a model change without its migration fails the suite."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_no_model_change_is_missing_a_migration():
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as exit_:
        pytest.fail(
            f"makemigrations --check found changes without a migration (exit {exit_.code}):\n{out.getvalue()}"
        )
    assert out.getvalue() == "No changes detected\n"
