"""Fixtures shared by the application tests: a staff member of a second society."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import translation

from engcert.accounts.models import User
from engcert.demo import builders
from engcert.organisations.enums import Role
from tests.conftest import PASSWORD, World, enrol_totp


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: object) -> None:
    # The personas are built for every test; PBKDF2 would make that the slowest part.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]


@pytest.fixture
def english(settings: object) -> Iterator[None]:
    """Run in English, so messages can be asserted exactly whatever the Chinese catalog says.

    Not autouse: other engineers' tests in this package check the Chinese-first output."""
    settings.LANGUAGE_CODE = "en"  # type: ignore[attr-defined]
    with translation.override("en"):
        yield


@pytest.fixture
def other_society_staff(world: World) -> User:
    other = builders.society_create(
        code="other", name="中国水利学会", name_en="Chinese Hydraulic Engineering Society", short_name="CHES"
    )
    user = builders.user_create(
        email="other-staff@example.com",
        password=PASSWORD,
        full_name="外学会工作人员",
        role=Role.STAFF,
        organisation=other,
    )
    enrol_totp(user)
    return user
