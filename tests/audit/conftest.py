from __future__ import annotations

import pytest

from tests.applications.conftest import pytest_runtest_teardown  # noqa: F401  (puts migrated data back)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: object) -> None:
    # The personas are built for every test; PBKDF2 would make that the slowest part.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]
