"""Staff read every panel's declarations, sheets and agreed assessment; nobody else does."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from engcert.examiners.models import PanelSeat
from engcert.scoring.domain.assessment import AgreedValues, panel_assessment_record
from engcert.scoring.domain.declarations import seat_declare
from engcert.scoring.domain.sheets import AreaEntry, SheetValues, score_sheet_save
from engcert.scoring.enums import Recommendation
from tests.scoring.conftest import (
    JUSTIFICATION,
    candidate_scheduled,
    declare_and_submit,
    examiner_of,
    examiner_user,
    levels,
    panel_build,
)


def _scores(world, setup) -> str:
    return f"/staff/{world.society.code}/applications/{setup.application.uid}/scores/"


def _agree(world, setup):
    scale = levels(setup.application)
    return panel_assessment_record(
        application=setup.application,
        by=world.examiner,
        values=AgreedValues(
            areas={n: AreaEntry(level=scale[2], justification=JUSTIFICATION) for n in range(1, 6)},
            recommendation=Recommendation.GRADE_APPLIED,
            summary="专家组一致同意。",
        ),
    )


def test_staff_see_the_panel_its_declarations_and_the_submitted_sheets(world, setup):
    declare_and_submit(setup.chair, level=3)
    member = setup.member
    seat_declare(seat=member, by=member.examiner.user, conflict=False)
    member.refresh_from_db()
    score_sheet_save(
        seat=member,
        by=member.examiner.user,
        values=SheetValues(areas={1: AreaEntry(level=None, justification="草稿中的私下想法")}),
    )
    html = world.client_for(world.staff).get(_scores(world, setup)).content.decode()
    assert world.examiner.full_name in html
    assert member.examiner.user.full_name in html
    assert html.count('<span class="status status-seat-confirmed">Declared no conflict</span>') == 2
    assert '<span class="status status-sheet-submitted">Submitted</span>' in html
    assert '<span class="status status-sheet-draft">Draft</span>' in html
    assert JUSTIFICATION in html
    # A draft stays its author's until submitted.
    assert "草稿中的私下想法" not in html
    assert "Record the agreed assessment" not in html


def test_staff_see_the_agreed_assessment_and_the_criteria(world, setup):
    for seat in setup.seats:
        declare_and_submit(seat, level=2)
    before = world.client_for(world.staff).get(_scores(world, setup)).content.decode()
    assert f'href="{_scores(world, setup)}agreement/"' in before
    _agree(world, setup)
    html = world.client_for(world.staff).get(_scores(world, setup)).content.decode()
    assert "Meets the qualification criteria" in html
    assert "专家组一致同意。" in html
    assert '<span class="status status-interviewed">Interviewed</span>' in html


def test_staff_and_the_applicant_read_the_new_status_in_their_own_words(world, setup):
    for seat in setup.seats:
        declare_and_submit(seat, level=2)
    _agree(world, setup)
    detail = f"/applications/{setup.application.uid}/"
    staff_html = world.client_for(world.staff).get(detail).content.decode()
    assert "Staff status: Interviewed" in staff_html
    applicant_html = world.client_for(world.applicant).get(detail).content.decode()
    assert "Interview done, waiting for the committee" in applicant_html
    assert "Staff status:" not in applicant_html


@pytest.mark.parametrize("persona", ["examiner", "committee", "applicant", "unit_admin", "outsider"])
def test_only_the_societys_staff_open_the_scores_pages(world, setup, persona):
    client = world.client_for(getattr(world, persona))
    assert client.get(_scores(world, setup)).status_code == 404
    assert client.get(f"/staff/{world.society.code}/scores/").status_code == 404
    assert client.get(f"{_scores(world, setup)}agreement/").status_code == 404
    assert client.post(f"{_scores(world, setup)}agreement/", {"summary": "x"}).status_code == 404


def test_staff_of_another_society_get_404_even_under_their_own_society(world, setup, other_society_staff):
    client = world.client_for(other_society_staff)
    assert client.get(_scores(world, setup)).status_code == 404
    assert client.get(f"/staff/other/applications/{setup.application.uid}/scores/").status_code == 404
    assert client.get("/staff/other/scores/").status_code == 200
    assert setup.application.number not in client.get("/staff/other/scores/").content.decode()


def test_the_panel_list_links_each_candidate_to_its_scores(world, setup):
    html = world.client_for(world.staff).get(f"/staff/{world.society.code}/scores/").content.decode()
    assert re.findall(r'href="(/staff/csee/applications/[0-9a-f-]+/scores/)"', html) == [
        _scores(world, setup)
    ]
    assert '<span class="status status-panel-declarations">Waiting for declarations</span>' in html


def _panel_list_queries(client, code) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(f"/staff/{code}/scores/").status_code == 200
    return len(captured.captured_queries)


def test_the_panel_list_costs_the_same_queries_for_one_or_three(world, setup):
    client = world.client_for(world.staff)
    one = _panel_list_queries(client, world.society.code)
    second = setup.user(1)
    for index in (2, 3):
        other = panel_build(
            application=candidate_scheduled(world, index=index),
            examiners=[examiner_of(world.examiner, world.society), examiner_of(second, world.society)],
        )
        declare_and_submit(other.chair, level=2)
    three = _panel_list_queries(client, world.society.code)
    html = client.get(f"/staff/{world.society.code}/scores/").content.decode()
    assert len(re.findall(r'href="/staff/csee/applications/[0-9a-f-]+/scores/"', html)) == 3
    assert one == three


def test_the_scores_page_costs_the_same_queries_for_two_or_three_members(world, setup):
    for seat in setup.seats:
        declare_and_submit(seat, level=2)
    client = world.client_for(world.staff)
    with CaptureQueriesContext(connection) as two:
        client.get(_scores(world, setup))
    third = examiner_user("examiner3@example.com", "第三考官", world.society)
    seat = PanelSeat.objects.create(panel=setup.panel, examiner=examiner_of(third, world.society))
    declare_and_submit(seat, level=1)
    with CaptureQueriesContext(connection) as three:
        html = client.get(_scores(world, setup)).content.decode()
    assert "第三考官" in html
    assert len(two.captured_queries) == len(three.captured_queries)


def test_staff_reach_the_panels_from_their_batch_list(world, setup):
    html = world.client_for(world.staff).get(f"/staff/{world.society.code}/batches/").content.decode()
    assert f'href="/staff/{world.society.code}/scores/"' in html
