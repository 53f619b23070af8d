"""Listing batches through the API: the client's society's only (every society's for the
alliance), filtered and paginated."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from engcert.batches.enums import BatchStatus
from engcert.batches.models import Batch
from engcert.demo import builders
from tests.apiclients.conftest import Issued, call
from tests.conftest import World
from tests.evaluation_helpers import candidate_interviewed


def test_a_batch_as_the_api_lists_it(world: World, society_client: Issued):
    candidate_interviewed(world, index=1)
    batch = Batch.objects.get(pk=world.batch.pk)

    status, body, _ = call("GET", "batches", token=society_client.token)

    assert status == 200
    assert body == {
        "count": 1,
        "page": 1,
        "pages": 1,
        "page_size": 25,
        "next": None,
        "previous": None,
        "items": [
            {
                "id": batch.pk,
                "code": "2026-b4",
                "name": "第四批电气工程类工程会员",
                "name_en": "Fourth batch of electrical engineering members",
                "society": {
                    "code": "csee",
                    "name": "中国电机工程学会",
                    "name_en": "Chinese Society for Electrical Engineering",
                },
                "status": batch.status,
                "open": batch.is_open(),
                "opens_at": body["items"][0]["opens_at"],
                "closes_at": body["items"][0]["closes_at"],
                "roster_deadline": body["items"][0]["roster_deadline"],
                "grades": sorted(grade.code for grade in batch.grades.all()),
                "candidates": 1,
            }
        ],
    }
    assert body["items"][0]["opens_at"].startswith(batch.opens_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M"))


def _other_society_batch() -> Batch:
    other = builders.society_create(code="ches", name="中国水利学会", name_en="CHES", short_name="CHES")
    return builders.batch_create(society=other, code="ches-1")


def test_a_society_client_lists_its_own_batches_and_the_alliance_every_societys(
    world: World, society_client: Issued, alliance_client: Issued
):
    other = _other_society_batch()

    mine = call("GET", "batches", token=society_client.token)[1]
    everyone = call("GET", "batches", token=alliance_client.token)[1]
    only_ches = call("GET", "batches?society=ches", token=alliance_client.token)[1]
    ches_for_csee = call("GET", "batches?society=ches", token=society_client.token)[1]

    assert [item["code"] for item in mine["items"]] == ["2026-b4"]
    assert sorted(item["code"] for item in everyone["items"]) == ["2026-b4", "ches-1"]
    assert [item["id"] for item in only_ches["items"]] == [other.pk]
    assert ches_for_csee["items"] == []


def test_batches_filtered_by_status_and_by_being_open(world: World, society_client: Issued):
    now = timezone.now()
    archived = builders.batch_create(
        society=world.society,
        code="2024-b2",
        opens_at=now - timedelta(days=400),
        closes_at=now - timedelta(days=300),
    )
    archived.status = BatchStatus.ARCHIVED
    archived.save(update_fields=["status"])
    world.batch.status = BatchStatus.PUBLISHED
    world.batch.opens_at, world.batch.closes_at = now - timedelta(days=1), now + timedelta(days=30)
    world.batch.save(update_fields=["status", "opens_at", "closes_at"])

    def codes(query: str) -> list[str]:
        return [
            item["code"] for item in call("GET", f"batches?{query}", token=society_client.token)[1]["items"]
        ]

    assert codes("status=archived") == ["2024-b2"]
    assert codes("status=published") == ["2026-b4"]
    assert codes("open=true") == ["2026-b4"]
    assert codes("open=false") == ["2024-b2"]
    assert codes("") == ["2026-b4", "2024-b2"]
    status, body, _ = call("GET", "batches?status=closed", token=society_client.token)
    assert (status, body["code"], [error["loc"] for error in body["errors"]]) == (
        422,
        "invalid",
        [["query", "status"]],
    )


def test_batches_are_paginated(world: World, society_client: Issued):
    now = timezone.now()
    for number in range(3):
        builders.batch_create(
            society=world.society,
            code=f"old-{number}",
            opens_at=now - timedelta(days=100 + number),
            closes_at=now - timedelta(days=50),
        )

    first = call("GET", "batches?page_size=3", token=society_client.token)[1]
    second = call("GET", "batches?page_size=3&page=2", token=society_client.token)[1]

    assert [item["code"] for item in first["items"]] == ["2026-b4", "old-0", "old-1"]
    assert [item["code"] for item in second["items"]] == ["old-2"]
    assert (first["count"], first["pages"], second["previous"]) == (
        4,
        2,
        "http://testserver/api/v1/batches?page_size=3&page=1",
    )
    assert call("GET", "batches?page=0", token=society_client.token)[1] == {
        "detail": "Pages are numbered from 1.",
        "code": "bad_page",
    }


# Authentication (1), the token's last use (1), count (1), page (1), the grades (1).
BATCH_LIST_QUERIES = 5


@pytest.mark.parametrize("count", [1, 3])
def test_the_batch_list_reads_a_fixed_number_of_queries(world: World, society_client: Issued, count: int):
    for number in range(1, count):
        builders.batch_create(society=world.society, code=f"extra-{number}")
    call("GET", "batches", token=society_client.token)  # the first call records the token's use

    with CaptureQueriesContext(connection) as queries:
        body = call("GET", "batches", token=society_client.token)[1]

    assert (body["count"], len(queries)) == (count, BATCH_LIST_QUERIES - 1)
