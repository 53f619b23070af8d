"""The examiner's list costs the same number of queries for one candidate as for three."""

from __future__ import annotations

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from engcert.scoring.domain.declarations import seat_declare
from engcert.scoring.domain.sheets import score_sheet_save
from tests.scoring.conftest import candidate_scheduled, examiner_of, examiner_user, full_values, panel_build


def _panel(world, index, second):
    application = candidate_scheduled(world, index=index)
    return panel_build(
        application=application,
        examiners=[examiner_of(world.examiner, world.society), examiner_of(second, world.society)],
    )


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/examiner/")
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_my_candidates_costs_the_same_queries_for_one_or_three(world):
    second = examiner_user("examiner2@example.com", "第二考官", world.society)
    client = world.client_for(world.examiner)
    _panel(world, 1, second)
    one = _queries(client)
    # Two more, in other states: one declared with a draft, one with the other member's sheet started.
    declared = _panel(world, 2, second)
    seat_declare(seat=declared.chair, by=world.examiner, conflict=False)
    declared.chair.refresh_from_db()
    score_sheet_save(seat=declared.chair, by=world.examiner, values=full_values(declared.application))
    other = _panel(world, 3, second)
    seat_declare(seat=other.member, by=second, conflict=False)
    three = _queries(client)
    html = client.get("/examiner/").content.decode()
    assert len(re.findall(r'<a href="/examiner/[0-9a-f-]{36}/">', html)) == 3
    assert one == three
