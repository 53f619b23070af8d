"""Fixtures shared by the application tests: a staff member of a second society."""

from __future__ import annotations

import pytest

from engcert.accounts.models import User
from engcert.demo import builders
from engcert.organisations.enums import Role
from tests.conftest import PASSWORD, World, enrol_totp


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: object) -> None:
    # The personas are built for every test; PBKDF2 would make that the slowest part.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]


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
