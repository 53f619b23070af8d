"""Bearer tokens: who is let in, with which answer, and what each client may see."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from engcert.apiclients.domain import (
    api_client_create,
    api_token_authenticate,
    api_token_issue,
    api_token_revoke,
    token_hash,
)
from engcert.apiclients.enums import ApiScope
from engcert.apiclients.models import ApiToken
from engcert.demo import builders
from engcert.organisations.enums import Role
from tests.apiclients.conftest import Issued, call, client_of
from tests.conftest import World
from tests.evaluation_helpers import candidate_interviewed

INVALID = {
    "detail": "This token is not valid: it is unknown, revoked or expired.",
    "code": "invalid_token",
}


def test_a_call_without_a_token_is_401_with_a_bearer_challenge(world: World):
    status, body, response = call("GET", "batches")

    assert (status, body) == (
        401,
        {
            "detail": "This operation needs a bearer token: Authorization: Bearer <token>.",
            "code": "not_authenticated",
        },
    )
    assert response["WWW-Authenticate"] == 'Bearer realm="engcert"'


@pytest.mark.parametrize(
    "header",
    ["Bearer engcert_0000_nothing", "Bearer nonsense", "Bearer ", "Basic dXNlcjpwYXNz"],
)
def test_an_unknown_or_malformed_token_is_401(world: World, society_client: Issued, header: str):
    status, body, response = call("GET", "batches", headers={"Authorization": header})

    assert status == 401
    assert body["code"] in {"invalid_token", "not_authenticated"}
    assert response["WWW-Authenticate"].startswith('Bearer realm="engcert"')


def test_a_token_with_a_wrong_secret_is_401(world: World, society_client: Issued):
    prefix = society_client.token.split("_")[1]

    status, body, response = call("GET", "batches", token=f"engcert_{prefix}_{'x' * 43}")

    assert (status, body) == (401, INVALID)
    assert response["WWW-Authenticate"] == 'Bearer realm="engcert", error="invalid_token"'


def test_a_revoked_token_is_401_and_another_token_of_the_client_still_works(
    world: World, society_client: Issued
):
    second = api_token_issue(client=society_client.client, by=world.staff)
    first = ApiToken.objects.get(client=society_client.client, pk__lt=second.token.pk)
    api_token_revoke(token=first, by=world.staff)

    assert call("GET", "batches", token=society_client.token)[:2] == (401, INVALID)
    assert call("GET", "batches", token=second.raw)[0] == 200


def test_a_token_of_an_expired_client_is_401_from_the_day_after_its_expiry(
    world: World, society_client: Issued
):
    today = timezone.localdate()
    society_client.client.expires_on = today
    society_client.client.save(update_fields=["expires_on"])
    assert call("GET", "batches", token=society_client.token)[0] == 200

    society_client.client.expires_on = today - timedelta(days=1)
    society_client.client.save(update_fields=["expires_on"])
    assert call("GET", "batches", token=society_client.token)[:2] == (401, INVALID)


def test_only_the_hash_of_a_token_is_kept(world: World, society_client: Issued):
    stored = ApiToken.objects.get(client=society_client.client)

    assert stored.secret_hash == token_hash(society_client.token)
    assert society_client.token.startswith(f"engcert_{stored.prefix}_")
    assert society_client.token not in {stored.prefix, stored.secret_hash}
    assert len(society_client.token) > 50


def test_a_missing_scope_is_403_naming_the_scope(world: World):
    batches_only = client_of(world, scopes=[ApiScope.BATCHES_READ])
    application = candidate_interviewed(world, index=1)

    status, body, _ = call("GET", f"candidates/{application.uid}", token=batches_only.token)

    assert (status, body) == (
        403,
        {
            "detail": "This client is not allowed to do this: it needs the scope “evaluations:read”.",
            "code": "scope_missing",
            "scope": "evaluations:read",
        },
    )


def test_a_society_client_cannot_decide_registrations_whatever_its_scopes(
    world: World, society_client: Issued
):
    status, body, _ = call("POST", "registrations/1/confirm", token=society_client.token)

    assert (status, body["code"], body["scope"]) == (403, "scope_missing", "registrations:write")


def test_a_client_of_another_society_sees_none_of_this_society(world: World):
    other = builders.society_create(code="ches", name="中国水利学会", name_en="CHES", short_name="CHES")
    other_staff = builders.user_create(
        email="ches-staff@example.com",
        password="x-long-password-1",
        full_name="水利学会人员",
        role=Role.STAFF,
        organisation=other,
    )
    other_batch = builders.batch_create(society=other, code="ches-1")
    application = candidate_interviewed(world, index=1)
    _client, issued = api_client_create(
        organisation=other,
        name="水利系统",
        scopes=["batches:read", "evaluations:read"],
        expires_on=None,
        by=other_staff,
    )

    listed = call("GET", "batches", token=issued.raw)[1]
    assert [batch["code"] for batch in listed["items"]] == [other_batch.code]
    assert call("GET", f"batches/{world.batch.pk}/candidates", token=issued.raw)[:2] == (
        404,
        {"detail": "Not found.", "code": "not_found"},
    )
    assert call("GET", f"candidates/{application.uid}", token=issued.raw)[:2] == (
        404,
        {"detail": "Not found.", "code": "not_found"},
    )


def test_last_use_is_written_at_most_once_a_minute(world: World, society_client: Issued):
    start = timezone.now()
    token = api_token_authenticate(raw=society_client.token, at=start)
    assert token is not None
    api_token_authenticate(raw=society_client.token, at=start + timedelta(seconds=30))
    assert ApiToken.objects.get(pk=token.pk).last_used_at == start

    api_token_authenticate(raw=society_client.token, at=start + timedelta(seconds=61))
    assert ApiToken.objects.get(pk=token.pk).last_used_at == start + timedelta(seconds=61)


def test_a_client_over_its_rate_is_told_to_wait(world: World, society_client: Issued, settings):
    settings.ENGCERT_API_RATE = "2/m"
    assert [call("GET", "batches", token=society_client.token)[0] for _ in range(2)] == [200, 200]

    status, body, response = call("GET", "batches", token=society_client.token)

    assert (status, body) == (
        429,
        {"detail": "Too many requests; please wait a minute.", "code": "throttled"},
    )
    assert int(response["Retry-After"]) >= 1
