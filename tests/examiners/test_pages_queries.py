"""List pages read a fixed number of queries, whether they show one row or three."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from engcert.examiners.domain.interviews import interview_schedule
from engcert.examiners.domain.pool import declared_relation_add, examiner_employment_add
from engcert.examiners.domain.schedule_runs import ScheduleRequest, schedule_run_create
from engcert.examiners.models import CandidateUnavailability
from tests.examiners.helpers import at, candidate_passed, examiner_add, monday_in, panel_ready, room_add

pytestmark = pytest.mark.django_db


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_the_pool_list_reads_the_same_queries_for_one_or_three_examiners(world):
    client = world.client_for(world.staff)
    first = examiner_add(world, "a@example.com", "甲考官", fields=("01", "06.1"), days=[monday_in(2)])
    one = queries(client, "/staff/csee/examiners/")
    for i, fields in enumerate([("07",), ("08", "09")]):
        extra = examiner_add(
            world, f"x{i}@example.com", f"考官{i}", fields=fields, unit=world.unit, days=[monday_in(3)]
        )
        examiner_employment_add(
            examiner=extra, employer="许继", start_date=None, end_date=None, by=world.staff
        )
    declared_relation_add(examiner=first, by=world.staff, person_name="王伟", relation="配偶")
    three = queries(client, "/staff/csee/examiners/")
    assert one == three


def test_the_rooms_list_reads_the_same_queries_for_one_or_three_rooms(world):
    client = world.client_for(world.staff)
    room_add(world.society, "一")
    one = queries(client, "/staff/csee/examiners/rooms/")
    room_add(world.society, "二")
    room_add(world.society, "三", online=True)
    assert queries(client, "/staff/csee/examiners/rooms/") == one


def test_the_batch_panels_page_reads_the_same_queries_for_one_or_three_candidates(world):
    client = world.client_for(world.staff)
    url = f"/staff/csee/batches/{world.batch.pk}/panels/"
    application, _c, _m, day = panel_ready(world, 1)
    interview_schedule(
        application=application, room=room_add(world.society), starts_at=at(day, 9), by=world.staff
    )
    one = queries(client, url)
    second, _c2, _m2, _d = panel_ready(world, 2, day=day)
    interview_schedule(
        application=second, room=room_add(world.society, "二"), starts_at=at(day, 9), by=world.staff
    )
    third = candidate_passed(world, 3)
    CandidateUnavailability.objects.create(application=third, date=day)
    assert queries(client, url) == one


def test_the_proposal_page_reads_the_same_queries_for_one_or_three_panels(world):
    client = world.client_for(world.staff)
    day = monday_in(2)
    days = [day + timedelta(days=i) for i in range(3)]
    for i in range(6):
        examiner_add(world, f"e{i}@example.com", f"考官{i}", fields=("01",), days=days)
    rooms = [room_add(world.society, "一"), room_add(world.society, "二"), room_add(world.society, "三")]

    def run_for(count, first):
        ids = tuple(candidate_passed(world, first + i).pk for i in range(count))
        return schedule_run_create(
            batch=world.batch,
            request=ScheduleRequest(
                day, day, (0, 1, 2, 3, 4), tuple(r.pk for r in rooms), ids, time_limit=10
            ),
            by=world.staff,
        )

    small = run_for(1, 1)
    large = run_for(15, 10)  # more than one panel can hear in a day: three panels
    assert (len(small.proposal), len(large.proposal)) == (1, 3)
    base = f"/staff/csee/batches/{world.batch.pk}/panels/schedule/"
    assert queries(client, f"{base}{small.pk}/") == queries(client, f"{base}{large.pk}/")
