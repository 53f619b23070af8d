"""The pages where staff and the alliance's reviewers manage API clients: who reaches them, the
token shown once, revoking, and the audit trail."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from engcert.accounts.models import User
from engcert.apiclients.domain import token_hash
from engcert.apiclients.models import ApiClient, ApiToken
from engcert.audit.models import AuditEvent
from tests.apiclients.conftest import Issued, call, client_of
from tests.conftest import World


def _society_urls(world: World, issued: Issued) -> list[tuple[str, str]]:
    code, pk = world.society.code, issued.client.pk
    token = ApiToken.objects.get(client=issued.client).pk
    return [
        ("get", reverse("apiclients:society_list", args=[code])),
        ("post", reverse("apiclients:society_list", args=[code])),
        ("get", reverse("apiclients:society_detail", args=[code, pk])),
        ("post", reverse("apiclients:society_issue", args=[code, pk])),
        ("post", reverse("apiclients:society_revoke", args=[code, pk, token])),
    ]


def _alliance_urls(issued: Issued) -> list[tuple[str, str]]:
    pk = issued.client.pk
    token = ApiToken.objects.get(client=issued.client).pk
    return [
        ("get", reverse("apiclients:alliance_list")),
        ("post", reverse("apiclients:alliance_list")),
        ("get", reverse("apiclients:alliance_detail", args=[pk])),
        ("post", reverse("apiclients:alliance_issue", args=[pk])),
        ("post", reverse("apiclients:alliance_revoke", args=[pk, token])),
    ]


def _statuses(world: World, user: User, urls: list[tuple[str, str]]) -> list[int]:
    browser = world.client_for(user)
    data = {"name": "x", "scopes": ["batches:read"]}
    return [
        (browser.get(url) if method == "get" else browser.post(url, data)).status_code for method, url in urls
    ]


@pytest.mark.parametrize("who", ["outsider", "applicant", "examiner", "committee", "unit_admin", "reviewer"])
def test_only_the_societys_staff_reach_its_client_pages(world: World, society_client: Issued, who: str):
    assert _statuses(world, getattr(world, who), _society_urls(world, society_client)) == [404] * 5
    assert ApiClient.objects.count() == 1
    assert ApiToken.objects.filter(revoked_at__isnull=True).count() == 1


def test_another_societys_staff_do_not_reach_them(
    world: World, society_client: Issued, other_society_staff: User
):
    assert _statuses(world, other_society_staff, _society_urls(world, society_client)) == [404] * 5


@pytest.mark.parametrize("who", ["outsider", "applicant", "examiner", "staff"])
def test_only_alliance_reviewers_reach_the_alliances_client_pages(
    world: World, alliance_client: Issued, who: str
):
    assert _statuses(world, getattr(world, who), _alliance_urls(alliance_client)) == [404] * 5
    assert ApiToken.objects.filter(revoked_at__isnull=True).count() == 1


def test_a_society_client_cannot_be_reached_through_the_alliances_pages(world: World, society_client: Issued):
    browser = world.client_for(world.reviewer)
    assert (
        browser.get(reverse("apiclients:alliance_detail", args=[society_client.client.pk])).status_code == 404
    )


def test_staff_create_a_client_and_see_its_token_once(world: World):
    browser = world.client_for(world.staff)
    url = reverse("apiclients:society_list", args=[world.society.code])

    response = browser.post(url, {"name": "会员管理系统", "scopes": ["batches:read", "evaluations:read"]})

    assert response.status_code == 201
    assert "no-store" in response["Cache-Control"].split(", ")
    raw = re.search(r'value="(engcert_[0-9a-f]{8}_[^"]+)"', response.content.decode())
    assert raw is not None
    client = ApiClient.objects.get()
    token = ApiToken.objects.get()
    assert (client.name, client.organisation, client.scopes, client.created_by) == (
        "会员管理系统",
        world.society,
        ["batches:read", "evaluations:read"],
        world.staff,
    )
    assert token.secret_hash == token_hash(raw.group(1))
    assert call("GET", "batches", token=raw.group(1))[0] == 200
    detail = browser.get(
        reverse("apiclients:society_detail", args=[world.society.code, client.pk])
    ).content.decode()
    assert raw.group(1) not in detail
    assert f"engcert_{token.prefix}_…" in detail
    assert list(
        AuditEvent.objects.filter(action__startswith="apiclients.").values_list("action", "actor")
    ) == [
        ("apiclients.client_created", world.staff.pk),
        ("apiclients.token_issued", world.staff.pk),
    ]


def test_a_society_cannot_give_its_client_the_alliances_write_scope(world: World):
    browser = world.client_for(world.staff)
    url = reverse("apiclients:society_list", args=[world.society.code])

    response = browser.post(url, {"name": "会员管理系统", "scopes": ["registrations:write"]})

    assert response.status_code == 400
    assert "registrations:write is not one of the available choices" in response.content.decode()
    assert not ApiClient.objects.exists()


def test_a_client_needs_a_name_a_scope_and_a_future_expiry(world: World):
    browser = world.client_for(world.staff)
    url = reverse("apiclients:society_list", args=[world.society.code])

    response = browser.post(url, {"name": "  ", "expires_on": "2000-01-01"})

    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"name", "scopes", "expires_on"}
    assert not ApiClient.objects.exists()


def test_the_alliance_may_give_its_client_the_write_scope(world: World):
    browser = world.client_for(world.reviewer)

    response = browser.post(
        reverse("apiclients:alliance_list"),
        {"name": "核实系统", "scopes": ["evaluations:read", "registrations:write"]},
    )

    assert response.status_code == 201
    assert ApiClient.objects.get().scopes == ["evaluations:read", "registrations:write"]


def test_revoking_a_token_refuses_it_at_once_and_is_audited(world: World, society_client: Issued):
    browser = world.client_for(world.staff)
    token = ApiToken.objects.get(client=society_client.client)

    response = browser.post(
        reverse("apiclients:society_revoke", args=[world.society.code, society_client.client.pk, token.pk])
    )

    assert response.status_code == 302
    token.refresh_from_db()
    assert (token.revoked_by, call("GET", "batches", token=society_client.token)[0]) == (world.staff, 401)
    event = AuditEvent.objects.get(action="apiclients.token_revoked")
    assert event.data == {
        "client": str(society_client.client.uid),
        "name": society_client.client.name,
        "token": token.prefix,
    }


def test_a_new_token_is_shown_once_and_the_old_one_keeps_working(world: World, society_client: Issued):
    browser = world.client_for(world.staff)

    response = browser.post(
        reverse("apiclients:society_issue", args=[world.society.code, society_client.client.pk])
    )

    raw = re.search(r'value="(engcert_[^"]+)"', response.content.decode())
    assert raw is not None
    assert ApiToken.objects.filter(client=society_client.client, revoked_at__isnull=True).count() == 2
    assert [call("GET", "batches", token=t)[0] for t in (raw.group(1), society_client.token)] == [200, 200]


# Session, user and the second-factor check (3), the society and the staff check (2), and the
# clients with their tokens' figures in one query (1).
LIST_QUERIES = 6


def _list_queries(world: World) -> int:
    browser = world.client_for(world.staff)
    url = reverse("apiclients:society_list", args=[world.society.code])
    browser.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert browser.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("count", [1, 3])
def test_the_client_list_reads_a_fixed_number_of_queries(world: World, count: int):
    for number in range(count):
        client_of(world, name=f"系统{number}")

    assert _list_queries(world) == LIST_QUERIES
