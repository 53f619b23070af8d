"""Schemathesis reads the API's OpenAPI document and calls every operation with generated input,
with a token of every scope, with an unknown token and with none, against a database with
candidates at every stage of the alliance's work. No answer may be a server error, and every answer must match the document."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.cache import cache
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, given, settings
from hypothesis.strategies import SearchStrategy
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from engcert.apiclients.enums import ApiScope
from tests.apiclients.conftest import call, client_of
from tests.apiclients.helpers import item_of, sent_to_alliance
from tests.conftest import World
from tests.evaluation_helpers import candidate_interviewed

# Enough to reach every parameter's edge cases, few enough for well under a minute in all.
EXAMPLES_PER_OPERATION = 12
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def real(world: World) -> dict[str, object]:
    """Path parameters that name things in the database, so that operations also succeed."""
    package, applications = sent_to_alliance(world, indexes=[1, 2])
    candidate_interviewed(world, index=3)
    return {
        "id": world.batch.pk,
        "uid": str(applications[0].uid),
        "item": item_of(package, applications[1]).pk,
        "number": "CEA-0000",
    }


@pytest.fixture
def tokens(world: World, real: dict[str, object]) -> dict[str, str]:
    """A token of each kind of client: the society's (reading), the alliance's (every scope),
    and one with a single scope, which must be refused the rest with the documented 403."""
    return {
        "society": client_of(world).token,
        "alliance": client_of(world, organisation=world.alliance, scopes=list(ApiScope)).token,
        "batches only": client_of(world, scopes=[ApiScope.BATCHES_READ], name="仅批次").token,
        "anonymous": "",  # no Authorization header: the public operations answer, the rest say 401
        "unknown": "not-a-token-engcert-ever-issued",
    }


# Committed data and no surrounding transaction: each call runs as on a server, in autocommit.
@pytest.mark.django_db(transaction=True)
def test_no_operation_answers_with_a_server_error_or_off_its_document(
    world: World, tokens: dict[str, str], real: dict[str, object], settings_override: None
) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    operations = [result.ok() for result in schema.get_all_operations()]
    assert sorted(f"{op.method.upper()} {op.path}" for op in operations) == [
        "GET /api/v1/batches",
        "GET /api/v1/batches/{id}/candidates",
        "GET /api/v1/candidates/{uid}",
        "GET /api/v1/certificates/{number}",
        "GET /api/v1/register",
        "POST /api/v1/registrations/{item}/confirm",
        "POST /api/v1/registrations/{item}/return",
    ]
    for operation in operations:
        names = {parameter.name for parameter in operation.path_parameters}
        for kind, token in tokens.items():
            _fuzz(operation, token, operation.as_strategy(GenerationMode.POSITIVE))
            if kind in ("anonymous", "unknown"):
                continue  # refused before any parameter is read, or the public operations again
            _fuzz(operation, token, operation.as_strategy(GenerationMode.NEGATIVE))
            if names:
                chosen = {name: value for name, value in real.items() if name in names}
                _fuzz(operation, token, operation.as_strategy(path_parameters=chosen))


def _fuzz(operation: schemathesis.APIOperation, token: str, cases: SearchStrategy[schemathesis.Case]) -> None:
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=cases)
    def run(case: schemathesis.Case) -> None:
        cache.clear()  # neither the public throttle nor the tokens' rate is under test here
        headers = {k: v for k, v in (case.headers or {}).items() if k.lower() != "authorization"}
        case.headers = {**headers, "Authorization": f"Bearer {token}"} if token else headers
        case.call_and_validate(checks=CHECKS)

    run()


@pytest.fixture
def settings_override(settings: object) -> None:
    settings.ALLOWED_HOSTS = ["*"]  # type: ignore[attr-defined]


def test_a_certificate_number_with_a_nul_is_not_found_rather_than_a_server_error(world: World) -> None:
    # Found by the run above on PostgreSQL, which refuses a NUL in a query's text.
    status, body, _ = call("GET", "certificates/CEA%00-1")

    assert (status, body) == (404, {"detail": "No certificate has this number.", "code": "not_found"})


def test_a_register_search_with_a_nul_is_refused_rather_than_a_server_error(world: World) -> None:
    # Found by the run above on PostgreSQL.
    status, body, _ = call("GET", "register?unit=a%00b")

    assert (status, body) == (
        400,
        {"detail": "The search holds a character that no entry has.", "code": "bad_text"},
    )
