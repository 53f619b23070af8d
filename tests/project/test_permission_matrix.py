"""The permission matrix covers every view and every API endpoint.

Every URL pattern of the project and every operation of the JSON API has a row (a page cannot
ship without one, and a row whose page is gone fails too); each row says, for each persona, what
a GET answers and, for a page that changes state, that an empty POST from a refused persona is
refused before any validation. The API is asked with every kind of token that must be refused.
The data is in tests/project/permission_matrix/; the world is the demo, built once."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client, override_settings
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone

from engcert.apiclients.domain import api_token_revoke
from engcert.apiclients.models import ApiClient, ApiToken
from tests.conftest import _ensure_migrated_data
from tests.project.permission_matrix.args import ARGS, OWNER
from tests.project.permission_matrix.framework import (
    ACCOUNT_PAGES,
    ADMIN_MODELS,
    API_DOCUMENT_PAGES,
    API_OPERATION_ROUTES,
    admin_route_keys,
)
from tests.project.permission_matrix.matrix import MATRIX, Goes, Outcome
from tests.project.permission_matrix.routes import api_operations, project_routes
from tests.project.permission_matrix.world import PERSONAS, MatrixWorld, matrix_world_build

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def mw(
    django_db_setup: None,
    django_db_blocker: Any,
    tmp_path_factory: pytest.TempPathFactory,
    _signing_dir: Path,
) -> Iterator[MatrixWorld]:
    """The demo and the matrix's extra objects, in one transaction rolled back after the module."""
    with (
        override_settings(
            MEDIA_ROOT=tmp_path_factory.mktemp("matrix-media"),
            ENGCERT_SIGNING_DIR=_signing_dir,
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
            TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
            LANGUAGE_CODE="en",
        ),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        _ensure_migrated_data()
        yield matrix_world_build()
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _media_in_tmp() -> None:
    """The module's world keeps its files in the module's media folder (see mw), not the test's."""


@pytest.fixture(autouse=True)
def _fresh_sessions(request: pytest.FixtureRequest) -> None:
    """Each test signs its people in afresh: a session made in an earlier test was rolled back with it."""
    if "mw" in request.fixturenames:
        request.getfixturevalue("mw").clients.clear()


def _outcome(response: Any) -> Outcome:
    status: int = response.status_code
    if status != 302:
        return status
    location = response["Location"].split("?")[0].split("#")[0]
    try:
        return Goes(resolve(location).view_name)
    except Resolver404:
        return Goes(location)


def _path(key: str, mw: MatrixWorld) -> str:
    return reverse(key.removesuffix(" (shadowed)"), kwargs=ARGS[key](mw))


# Coverage: the matrix lists exactly the project's routes and the API's operations.


def test_every_route_of_the_project_is_in_the_matrix_and_every_row_is_a_route() -> None:
    routes = project_routes()
    listed = set(MATRIX) | set(ACCOUNT_PAGES) | set(API_DOCUMENT_PAGES) | set(API_OPERATION_ROUTES)
    listed |= admin_route_keys()
    assert sorted(set(routes) - listed) == []  # a page without a row in the matrix
    assert sorted(listed - set(routes)) == []  # a row whose page is gone


def test_every_row_of_the_matrix_says_how_to_build_its_address() -> None:
    assert sorted(set(MATRIX) ^ set(ARGS)) == []
    assert sorted(set(OWNER) - set(MATRIX)) == []


def test_every_api_operation_is_in_the_api_matrix_and_every_row_is_an_operation() -> None:
    assert sorted(api_operations()) == sorted(API_MATRIX)
    assert sorted(API_OPERATION_ROUTES.values()) == sorted(API_MATRIX)


def test_every_model_in_the_admin_is_listed() -> None:
    from django.contrib import admin

    registered = sorted(f"{m._meta.app_label}.{m._meta.model_name}" for m in admin.site._registry)
    assert registered == sorted(ADMIN_MODELS)


def test_another_societys_staff_are_refused_every_page_of_this_society() -> None:
    """Every page under this society's address refuses another society's staff with 404."""
    routes = project_routes()
    scoped = [
        key
        for key in MATRIX
        if "<slug:society>" in routes[key].pattern and "anonymous" not in MATRIX[key].allowed
    ]
    assert len(scoped) > 100
    answers = {key: MATRIX[key].expected_get("other_staff") for key in scoped}
    assert {key: answer for key, answer in answers.items() if answer not in (404, 405)} == {}
    assert {key for key in scoped if "other_staff" in MATRIX[key].allowed} == set()


def test_another_societys_staff_reach_nothing_of_this_society_through_their_own_societys_address(
    mw: MatrixWorld,
) -> None:
    """The other society's staff put their own society's code in the address and this society's
    objects after it: each page must look the object up within the society it names (404)."""
    routes = project_routes()
    wrong = {}
    client = mw.client_for("other_staff")
    for key, page in MATRIX.items():
        public = "anonymous" in page.allowed
        if (
            "<slug:society>" not in routes[key].pattern
            or "staff" not in page.allowed
            or public
            or key in SHARED
        ):
            continue
        kwargs = {**ARGS[key](mw), "society": mw.other_society.code}
        path = reverse(key, kwargs=kwargs)
        answers = {"get": _outcome(client.get(path))}
        if page.post:
            answers["post"] = _outcome(client.post(path))
        expected = {"get": 405 if page.get == 405 else 404, "post": 404}
        for method, got in answers.items():
            if got != expected[method] and not _nothing_of_this_society(key, kwargs):
                wrong[f"{method.upper()} {path} ({key})"] = str(got)
    assert wrong == {}


# Pages about data every society shares: the working-day calendar (the State Council sets the
# public holidays; any society's staff keep it).
SHARED = {"notices:staff_calendar", "notices:staff_calendar_delete"}


def _nothing_of_this_society(key: str, kwargs: dict[str, Any]) -> bool:
    """Pages whose address names nothing but the society: the other society's own page."""
    return set(kwargs) <= {"society", "table"}


# The matrix itself.


def _ask(mw: MatrixWorld, key: str, persona: str, method: str, path: str) -> Outcome:
    owner = OWNER[key](mw) if key in OWNER else mw.people["applicant"]
    client = mw.client_for(persona, applicant=owner) if persona in PERSONAS else _client_of(mw, persona)
    return _outcome(getattr(client, method)(path))


def _client_of(mw: MatrixWorld, persona: str) -> Client:
    client = Client()
    client.force_login(mw.people[persona])
    return client


def test_every_page_answers_each_persona_as_the_matrix_says(mw: MatrixWorld) -> None:
    started, asked = time.monotonic(), 0
    wrong: dict[str, str] = {}
    for key, page in MATRIX.items():
        path = _path(key, mw)
        for persona in PERSONAS:
            expected = page.expected_get(persona)
            got = _ask(mw, key, persona, "get", path)
            asked += 1
            if got != expected:
                wrong[f"GET {key} as {persona}"] = f"{got} (matrix: {expected})"
        for persona, expected in page.extra.items():
            got = _ask(mw, key, persona, "get", path)
            asked += 1
            if got != expected:
                wrong[f"GET {key} as {persona}"] = f"{got} (matrix: {expected})"
        if page.post:
            # Refusal comes before validation: an empty body is refused as the GET was.
            for persona in page.refused_personas():
                expected = page.refusal(persona)
                got = _ask(mw, key, persona, "post", path)
                asked += 1
                if got != expected:
                    wrong[f"POST {key} as {persona}"] = f"{got} (matrix: {expected})"
    assert wrong == {}
    print(f"permission matrix: {asked} requests in {time.monotonic() - started:.1f} s")


def test_the_framework_pages_answer_a_visitor_and_an_applicant_as_listed(mw: MatrixWorld) -> None:
    wrong = {}
    for key, (kwargs, expected) in ACCOUNT_PAGES.items():
        path = reverse(key, kwargs=kwargs)
        for persona, outcome in expected.items():
            # A fresh session each time: some of these pages sign the person out.
            client = Client()
            if persona != "anonymous":
                client.force_login(mw.people[persona])
            got = _outcome(client.get(path))
            if got != outcome:
                wrong[f"{key} as {persona}"] = f"{got} (listed: {outcome})"
    for key, expected in API_DOCUMENT_PAGES.items():
        for persona, outcome in expected.items():
            got = _outcome(mw.client_for(persona).get(reverse(key)))
            if got != outcome:
                wrong[f"{key} as {persona}"] = f"{got} (listed: {outcome})"
    assert wrong == {}


def test_the_admin_refuses_everyone_but_a_superuser(mw: MatrixWorld) -> None:
    """No persona is a superuser: every model's list and add page send each to the admin's sign-in."""
    wrong = {}
    for label in ADMIN_MODELS:
        app, model = label.split(".")
        for page in ("changelist", "add"):
            path = reverse(f"admin:{app}_{model}_{page}")
            for persona in PERSONAS:
                got = _outcome(mw.client_for(persona).get(path))
                if got != Goes("admin:login"):
                    wrong[f"{path} as {persona}"] = str(got)
    assert wrong == {}


# The API: every operation, with every kind of token that must be refused.

TOKEN_KINDS = (
    "society",
    "alliance",
    "batches_only",
    "evaluations_only",
    "other_society",
    "revoked",
    "expired",
    "malformed",
    "none",
)
PUBLIC: dict[str, int | None] = dict.fromkeys(TOKEN_KINDS, 200)
UNAUTHENTICATED: dict[str, int | None] = {"revoked": 401, "expired": 401, "malformed": 401, "none": 401}
# None: allowed, and not asserted (a decision the alliance takes is not made by a test of refusals).
API_MATRIX: dict[str, dict[str, int | None]] = {
    "GET /api/v1/certificates/{number}": PUBLIC,
    "GET /api/v1/register": PUBLIC,
    # Another society's client sees its own batches (none): the list is answered, empty.
    "GET /api/v1/batches": {
        "society": 200,
        "alliance": 200,
        "batches_only": 200,
        "evaluations_only": 403,
        "other_society": 200,
        **UNAUTHENTICATED,
    },
    "GET /api/v1/batches/{id}/candidates": {
        "society": 200,
        "alliance": 200,
        "batches_only": 403,
        "evaluations_only": 200,
        "other_society": 404,
        **UNAUTHENTICATED,
    },
    "GET /api/v1/candidates/{uid}": {
        "society": 200,
        "alliance": 200,
        "batches_only": 403,
        "evaluations_only": 200,
        "other_society": 404,
        **UNAUTHENTICATED,
    },
    "POST /api/v1/registrations/{item}/confirm": {
        "society": 403,
        "alliance": None,
        "batches_only": 403,
        "evaluations_only": 403,
        "other_society": 403,
        **UNAUTHENTICATED,
    },
    "POST /api/v1/registrations/{item}/return": {
        "society": 403,
        "alliance": None,
        "batches_only": 403,
        "evaluations_only": 403,
        "other_society": 403,
        **UNAUTHENTICATED,
    },
}


def _api_path(operation: str, mw: MatrixWorld) -> str:
    values = {
        "{number}": mw.certificate.number,
        "{id}": str(mw.batch.pk),
        "{uid}": str(mw.package_item.application.uid),
        "{item}": str(mw.package_item.pk),
    }
    path = operation.split(" ", 1)[1]
    for placeholder, value in values.items():
        path = path.replace(placeholder, value)
    return path


@pytest.fixture
def api_tokens(mw: MatrixWorld) -> dict[str, str | None]:
    """The world's tokens, and a revoked and an expired one of this society."""
    from engcert.apiclients.domain import api_client_create
    from engcert.apiclients.enums import ApiScope

    tokens: dict[str, str | None] = dict(mw.tokens)
    scopes = [ApiScope.BATCHES_READ.value, ApiScope.EVALUATIONS_READ.value]
    staff = mw.people["staff"]
    client, issued = api_client_create(
        organisation=mw.society, name="matrix revoked", scopes=scopes, expires_on=None, by=staff
    )
    api_token_revoke(token=ApiToken.objects.get(client=client), by=staff)
    tokens["revoked"] = issued.raw
    client, issued = api_client_create(
        organisation=mw.society,
        name="matrix expired",
        scopes=scopes,
        expires_on=timezone.localdate() + timedelta(days=1),
        by=staff,
    )
    ApiClient.objects.filter(pk=client.pk).update(expires_on=timezone.localdate() - timedelta(days=1))
    tokens["expired"] = issued.raw
    tokens["malformed"] = "engcert_not-a-token"
    tokens["none"] = None
    cache.clear()  # the per-token rate starts unused
    return tokens


def test_every_api_operation_refuses_each_token_as_the_matrix_says(
    mw: MatrixWorld, api_tokens: dict[str, str | None]
) -> None:
    wrong = {}
    for operation, expected in API_MATRIX.items():
        method, _path_template = operation.split(" ", 1)
        path = _api_path(operation, mw)
        for kind, status in expected.items():
            if status is None:
                continue
            token = api_tokens[kind]
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            if method == "GET":
                response = Client().get(path, headers=headers)
            else:
                # A body that validates, so that what answers is the refusal (ninja checks a body
                # against its schema before the operation looks at the token's scope).
                body = json.dumps({"reason": "材料不全。"}) if operation.endswith("/return") else ""
                response = Client().post(path, data=body, content_type="application/json", headers=headers)
            if response.status_code != status:
                wrong[f"{operation} with {kind}"] = f"{response.status_code} (matrix: {status})"
    assert wrong == {}


def test_another_societys_client_lists_none_of_this_societys_batches(
    mw: MatrixWorld, api_tokens: dict[str, str | None]
) -> None:
    response = Client().get(
        "/api/v1/batches", headers={"Authorization": f"Bearer {api_tokens['other_society']}"}
    )
    assert json.loads(response.content)["items"] == []


def test_a_signed_in_persons_session_is_no_token_for_the_api(mw: MatrixWorld) -> None:
    answers = {
        operation: _outcome(
            getattr(mw.client_for("staff"), operation.split(" ")[0].lower())(_api_path(operation, mw))
        )
        for operation in API_MATRIX
        if API_MATRIX[operation]["none"] == 401
    }
    assert answers == dict.fromkeys(answers, 401)
