"""API clients of the society and of the alliance, with their tokens, and a way to call the API."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from engcert.apiclients.domain import IssuedToken, api_client_create
from engcert.apiclients.enums import ApiScope
from engcert.apiclients.models import ApiClient
from engcert.organisations.models import Organisation
from tests.conftest import World


@dataclass
class Issued:
    client: ApiClient
    token: str


def client_of(
    world: World,
    *,
    organisation: Organisation | None = None,
    scopes: list[ApiScope] | None = None,
    name: str = "",
) -> Issued:
    organisation = organisation or world.society
    by = world.reviewer if organisation.kind == "alliance" else world.staff
    chosen = scopes if scopes is not None else [ApiScope.BATCHES_READ, ApiScope.EVALUATIONS_READ]
    api_client, issued = api_client_create(
        organisation=organisation,
        name=name or f"系统 {organisation.code} {'-'.join(chosen)}",
        scopes=[scope.value for scope in chosen],
        expires_on=None,
        by=by,
    )
    assert isinstance(issued, IssuedToken)
    return Issued(client=api_client, token=issued.raw)


@pytest.fixture
def society_client(world: World) -> Issued:
    return client_of(world)


@pytest.fixture
def alliance_client(world: World) -> Issued:
    return client_of(world, organisation=world.alliance, scopes=list(ApiScope))


@pytest.fixture(autouse=True)
def _fresh_throttle() -> None:
    # The per-token rate lives in the cache; each test starts with none used.
    cache.clear()


def call(
    method: str,
    path: str,
    *,
    token: str | None = None,
    body: Any = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, Any, Any]:
    """The status, the decoded JSON body and the response of one call to /api/v1."""
    extra = dict(headers or {})
    if token is not None:
        extra["Authorization"] = f"Bearer {token}"
    client = Client()
    url = f"/api/v1/{path.lstrip('/')}"
    if method == "GET":
        response = client.get(url, headers=extra)
    else:
        response = client.post(
            url,
            data=json.dumps(body) if body is not None else "",
            content_type="application/json",
            headers=extra,
        )
    return response.status_code, response.json(), response
