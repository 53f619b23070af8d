"""Personas built once and reused: applicant, unit admin, staff, examiner, committee member,
alliance reviewer and an outsider, around one society with an open batch."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client
from django.utils import translation
from hypothesis import settings as hypothesis_settings

from engcert.accounts.models import User
from engcert.applications.models import Application
from engcert.batches.models import Batch
from engcert.demo import builders
from engcert.organisations.enums import Role
from engcert.organisations.models import Organisation

# Tests never assert wall-clock time: on a busy machine (workers in parallel, a bench running)
# a property test may take longer than Hypothesis's default deadline without anything wrong.
hypothesis_settings.register_profile("engcert", deadline=None)
hypothesis_settings.load_profile("engcert")

PASSWORD = "correct-horse-battery-staple-42"


@dataclass
class World:
    alliance: Organisation
    society: Organisation
    unit: Organisation
    other_unit: Organisation
    batch: Batch
    applicant: User
    other_applicant: User
    unit_admin: User
    staff: User
    examiner: User
    committee: User
    reviewer: User
    outsider: User

    def client_for(self, user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client


def enrol_totp(user: User) -> None:
    """Give a privileged persona a TOTP authenticator, as enrolment through the UI would."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    TOTP.activate(user, generate_totp_secret())


def _ensure_migrated_data() -> None:
    """Data migrations' rows (framework, default pledge, the holiday calendar) are gone after a transactional test's
    flush; load them again the way the migrations do."""
    from importlib import import_module

    from django.apps import apps

    from engcert.applications.models import PledgeText
    from engcert.frameworks.models import FrameworkVersion

    if not FrameworkVersion.objects.exists():
        import_module("engcert.frameworks.migrations.0002_load_tcas_326_2021").load(apps, None)
    if not PledgeText.objects.exists():
        import_module("engcert.applications.migrations.0002_default_integrity_pledge").load(apps, None)
    from engcert.notices.models import CalendarDay

    if not CalendarDay.objects.exists():
        import_module("engcert.notices.migrations.0002_load_public_holidays_2025_2027").load(apps, None)


@pytest.fixture
def world(db: None) -> World:
    _ensure_migrated_data()
    alliance = builders.alliance_ensure()
    society = builders.society_create()
    unit = builders.unit_create(
        society=society, code="sepco", name="山东电力建设第三工程有限公司", name_en="SEPCOIII"
    )
    other_unit = builders.unit_create(
        society=society, code="cpecc", name="中国电力工程顾问集团", name_en="CPECC"
    )
    batch = builders.batch_create(society=society)

    def person(email: str, name: str, role: Role | None = None, org: Organisation | None = None) -> User:
        return builders.user_create(
            email=email, password=PASSWORD, full_name=name, role=role, organisation=org
        )

    staff = person("staff@example.com", "学会工作人员", Role.STAFF, society)
    examiner = person("examiner@example.com", "吴考评", Role.EXAMINER, society)
    committee = person("committee@example.com", "审议委员", Role.COMMITTEE, society)
    reviewer = person("reviewer@example.com", "联合体审核", Role.ALLIANCE_REVIEWER, alliance)
    unit_admin = person("unit@example.com", "单位联系人", Role.UNIT_ADMIN, unit)
    for privileged in (unit_admin, staff, examiner, committee, reviewer):
        enrol_totp(privileged)
    return World(
        alliance=alliance,
        society=society,
        unit=unit,
        other_unit=other_unit,
        batch=batch,
        applicant=person("applicant@example.com", "王伟"),
        other_applicant=person("other@example.com", "李娜"),
        unit_admin=unit_admin,
        staff=staff,
        examiner=examiner,
        committee=committee,
        reviewer=reviewer,
        outsider=person("outsider@example.com", "路人"),
    )


@pytest.fixture
def complete_draft(world: World) -> Application:
    return builders.application_complete_draft(
        batch=world.batch,
        applicant=world.applicant,
        person=builders.Person("王伟", True, builders.date(1985, 3, 14), world.unit.name),
        unit=world.unit,
    )


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: object, tmp_path: object) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"  # type: ignore[attr-defined,operator]


@pytest.fixture(scope="session")
def _signing_dir(tmp_path_factory: pytest.TempPathFactory) -> object:
    return tmp_path_factory.mktemp("signing")


@pytest.fixture(autouse=True)
def _signing_keys_in_tmp(settings: object, _signing_dir: object) -> None:
    """Development signing keys are made once per test session, outside the working tree."""
    settings.ENGCERT_SIGNING_DIR = _signing_dir  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def _english_unless_asked(settings: object) -> Iterator[None]:
    """Assertions read English source strings; tests about Chinese ask for it explicitly.
    The shipped default stays Simplified Chinese (see tests/project/test_languages.py)."""
    settings.LANGUAGE_CODE = "en"  # type: ignore[attr-defined]
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: object) -> None:
    # The personas are built for every test; PBKDF2 would make that the slowest part.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]


@pytest.fixture
def people_read_english() -> Iterator[None]:
    """People made while it is active read English (their `language`), so the emails they
    receive can be asserted in the source language; the shipped default, Simplified Chinese,
    is covered by tests/project. Folders whose tests all need it use it from their conftest."""
    field = User._meta.get_field("language")
    default = field.default
    field.default = "en"
    yield
    field.default = default


@pytest.fixture
def english() -> None:
    """Named by tests whose exact assertions read English (the autouse default above)."""


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


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A module that builds its data once (a module-scoped fixture: the demo, the permission
    matrix's world) runs on one worker (`make test` uses `--dist loadgroup`), so the data is
    built once rather than on every worker that gets one of its tests.

    Browser tests (marked `browser`) run once, in the SQLite pass of `make test`.

    They drive pages through Chromium: markup, scripts, focus and the order of a journey's
    steps, none of which depends on the database engine; what does (locks, constraints,
    PostgreSQL's own SQL) is tested in both passes by the tests that call the views and the
    domain directly. ENGCERT_BROWSER_ON_POSTGRES=1 runs them on PostgreSQL too."""
    for item in items:
        info = getattr(item, "_fixtureinfo", None)
        defs = info.name2fixturedefs.values() if info is not None else ()
        if any(d.scope == "module" for group in defs for d in group):
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::")[0]))
    if os.environ.get("ENGCERT_DB") != "postgres" or os.environ.get("ENGCERT_BROWSER_ON_POSTGRES") == "1":
        return
    once = pytest.mark.skip(reason="a browser test: independent of the database, run in the SQLite pass")
    for item in items:
        if item.get_closest_marker("browser") is not None:
            item.add_marker(once)


@pytest.fixture(autouse=True)
def _immediate_tasks(settings: object) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}  # type: ignore[attr-defined]


__all__ = ["PASSWORD", "Authenticator", "World", "enrol_totp"]
