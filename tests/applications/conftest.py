"""Fixtures shared by the application tests: a staff member of a second society."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connection, transaction
from django.utils import translation
from pytest_django.plugin import blocking_manager_key

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


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> object:
    """After a transactional test's flush, put the migrated data (framework, default pledge) back.

    pytest-django restores it when the next serialized-rollback test starts; that restore does not
    reach tests that start Playwright first, so without this they would find an empty framework.
    """
    result = yield
    marker = item.get_closest_marker("django_db")
    contents = getattr(connection, "_test_serialized_contents", None)
    # With no next test the session is over and the test database already gone.
    if nextitem is not None and marker is not None and marker.kwargs.get("transaction") and contents:
        with item.config.stash[blocking_manager_key].unblock(), transaction.atomic():
            connection.creation.deserialize_db_from_string(contents)
    return result
