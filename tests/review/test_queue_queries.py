"""The work queue costs the same number of queries for 1, 3 or 30 rows (no query per row)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from engcert.applications.enums import ApplicationState
from engcert.organisations.models import Discipline
from tests.review.queue_fixtures import queue_file, resubmitted_file

S = ApplicationState
STATES = [S.SUBMITTED, S.RESUBMITTED, S.INTERVIEWED, S.REVIEW_PASSED, S.REJECTED, S.PUBLIC_NOTICE]


def _files(world, start: int, stop: int) -> None:
    fields = list(Discipline.objects.filter(society=world.society).order_by("position", "code"))
    for i in range(start, stop):
        kwargs = {
            "unit": world.unit if i % 2 else world.other_unit,
            "grade": ("AE", "PE", "SPE")[i % 3],
            "discipline": fields[i % len(fields)],
            "simplified": i % 4 == 0,
            "unmet": ["工作年限不足。"] if i % 5 == 0 else [],
        }
        if i % 7 == 0:
            resubmitted_file(world, **kwargs)
        else:
            queue_file(world, state=STATES[i % len(STATES)], **kwargs)


def _queries(world, params: dict[str, str]) -> list[str]:
    client = world.client_for(world.staff)
    url = f"/staff/{world.society.code}/batches/{world.batch.pk}/queue/"
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return [q["sql"] for q in captured.captured_queries]


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"stage": "all", "sort": "-unit", "flag": "simplified"},
        {"q": "申请人", "sort": "grade"},
        {"flag": "resubmitted", "sort": "-changed"},
    ],
    ids=["plain", "sorted-and-flagged", "searched", "resubmitted"],
)
def test_the_queue_costs_the_same_queries_for_one_three_or_thirty_rows(world, params):
    _files(world, 0, 1)
    one = _queries(world, params)
    _files(world, 1, 3)
    three = _queries(world, params)
    _files(world, 3, 30)
    thirty = _queries(world, params)
    assert len(one) == len(three) == len(thirty)


def test_the_rows_and_their_counts_are_three_queries(world):
    """Session, user, roles, society and staff check, batch, the three option lists; then the
    counts per state (which also give the number of rows: no separate COUNT), the ids of the
    page in order, and those rows with their relations."""
    _files(world, 0, 3)
    queries = _queries(world, {})
    assert len(queries) == 12
    on_applications = [q for q in queries if 'FROM "applications_application"' in q]
    assert len(on_applications) == 3
    assert [("GROUP BY" in q, "LIMIT 50" in q) for q in on_applications] == [
        (True, False),
        (False, True),
        (False, False),
    ]


def test_a_search_reads_its_matches_once_for_the_counts_and_the_page(world):
    _files(world, 0, 3)
    queries = _queries(world, {"q": "申请人"})
    on_applications = [q for q in queries if 'FROM "applications_application"' in q]
    assert len(queries) == 11
    assert len(on_applications) == 2
    assert not any("GROUP BY" in q for q in on_applications)
