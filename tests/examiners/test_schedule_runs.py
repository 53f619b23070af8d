"""Automatic scheduling from the database: the proposal kept, explained when impossible,
confirmed candidate by candidate through the transition, idempotent, checked again."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail

from engcert.applications.enums import ApplicationState
from engcert.applications.models import Application
from engcert.audit.models import AuditEvent
from engcert.examiners.domain.findings import finding_message
from engcert.examiners.domain.interviews import interview_schedule
from engcert.examiners.domain.pool import examiner_set_active
from engcert.examiners.domain.schedule_runs import (
    ScheduleError,
    ScheduleRequest,
    schedule_problem_build,
    schedule_run_confirm,
    schedule_run_create,
    schedule_run_start_confirm,
)
from engcert.examiners.enums import InterviewStatus, ScheduleRunStatus
from engcert.examiners.models import CandidateUnavailability, Interview, PanelSeat, ScheduleRun
from tests.examiners.helpers import at, candidate_passed, examiner_add, monday_in, panel_ready, room_add

pytestmark = pytest.mark.django_db

FORMER = "中国能源建设集团广东省电力设计研究院有限公司"


def request_for(rooms, day, *, days=1, ids=None):
    return ScheduleRequest(
        first_day=day,
        last_day=day + timedelta(days=days - 1),
        weekdays=(0, 1, 2, 3, 4),
        room_ids=tuple(r.pk for r in rooms),
        application_ids=ids,
        time_limit=10,
    )


@pytest.fixture
def pool(world):
    """Two days, two rooms, five examiners, four candidates (one who once worked where an
    examiner also once worked)."""
    day = monday_in(2)
    days = [day, day + timedelta(days=1)]
    examiners = [
        examiner_add(world, "a@example.com", "甲考官", fields=("01",), days=days),
        examiner_add(world, "b@example.com", "乙考官", fields=("01",), days=days, past=[FORMER]),
        examiner_add(world, "c@example.com", "丙考官", fields=("07",), days=days),
        examiner_add(world, "d@example.com", "丁考官", fields=("07",), days=days),
        examiner_add(world, "e@example.com", "戊考官", fields=("01", "07"), days=days[:1]),
    ]
    candidates = [
        candidate_passed(world, 1, history=[FORMER]),
        candidate_passed(world, 2),
        candidate_passed(world, 3, field="07"),
        candidate_passed(world, 4, field="07"),
    ]
    CandidateUnavailability.objects.create(application=candidates[3], date=day)
    rooms = [room_add(world.society), room_add(world.society, "线上会议", online=True)]
    return day, examiners, candidates, rooms


def proposed_examiners(run, application):
    for session in run.proposal:
        if any(i["application"] == application.pk for i in session["interviews"]):
            return session["examiners"]
    raise AssertionError("not in the proposal")


def test_the_problem_is_read_from_the_tables(world, pool):
    day, examiners, candidates, rooms = pool
    problem = schedule_problem_build(batch=world.batch, request=request_for(rooms, day, days=2))
    assert problem.days == (day, day + timedelta(days=1))
    assert [c.id for c in problem.candidates] == [c.pk for c in candidates]
    assert problem.conflicts == frozenset({(candidates[0].pk, examiners[1].pk)})
    assert {c.id: c.unavailable for c in problem.candidates}[candidates[3].pk] == frozenset({day})
    assert {e.id: e.days for e in problem.examiners}[examiners[4].pk] == frozenset({day})
    assert (problem.panel_size, problem.max_per_day, problem.day_minutes, problem.break_minutes) == (
        2,
        6,
        510,
        10,
    )


def test_a_day_already_taken_by_an_interview_is_not_offered_again(world, pool):
    day, _examiners, _candidates, rooms = pool
    other, chair, _member, _d = panel_ready(world, 9, day=day)
    interview_schedule(application=other, room=rooms[0], starts_at=at(day, 9), by=world.staff)
    problem = schedule_problem_build(batch=world.batch, request=request_for(rooms, day, days=2))
    taken = {e.id: e.days for e in problem.examiners}
    assert taken[chair.pk] == frozenset()
    assert {r.id: r.days for r in problem.rooms}[rooms[0].pk] == frozenset({day + timedelta(days=1)})


def test_the_solver_proposes_and_confirming_schedules_everyone_through_the_transition(
    world, pool, django_capture_on_commit_callbacks
):
    day, examiners, candidates, rooms = pool
    run = schedule_run_create(batch=world.batch, request=request_for(rooms, day, days=2), by=world.staff)
    assert run.status == ScheduleRunStatus.PROPOSED
    assert run.solver_status in ("OPTIMAL", "FEASIBLE")
    assert sorted(i["application"] for s in run.proposal for i in s["interviews"]) == sorted(
        c.pk for c in candidates
    )
    # Proposing saves nothing but the proposal.
    assert (Interview.objects.count(), PanelSeat.objects.count()) == (0, 0)
    # The examiner who once worked for the candidate's former employer is never on their panel.
    assert examiners[1].pk not in proposed_examiners(run, candidates[0])

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        run = schedule_run_start_confirm(run=run, by=world.staff)
    assert run.status == ScheduleRunStatus.CONFIRMED
    assert run.confirm_report == {"scheduled": 4, "already": 0, "skipped": []}
    for application in candidates:
        application.refresh_from_db()
        assert application.state == ApplicationState.INTERVIEW_SCHEDULED
        interview = Interview.objects.get(application=application)
        assert (interview.status, interview.schedule_run_id) == (InterviewStatus.SCHEDULED, run.pk)
        seats = PanelSeat.objects.filter(panel__application=application).order_by("-is_chair")
        assert [s.examiner_id for s in seats] == proposed_examiners(run, application)
        assert {s.assigned_by for s in seats} == {None}  # chosen by the scheduler, confirmed by staff
        assert (
            AuditEvent.objects.filter(
                action="application.transition", application=application, to_state="interview_scheduled"
            ).count()
            == 1
        )
    assert Interview.objects.get(application=candidates[3]).starts_at.date() != day  # their day off
    assert len([m for m in mail.outbox if m.attachments]) == 4


def test_confirming_twice_schedules_nobody_twice(world, pool):
    day, _examiners, _candidates, rooms = pool
    run = schedule_run_create(batch=world.batch, request=request_for(rooms, day, days=2), by=world.staff)
    schedule_run_confirm(run=run, by=world.staff)
    again = schedule_run_confirm(run=ScheduleRun.objects.get(pk=run.pk), by=world.staff)
    assert again.confirm_report["scheduled"] == 4
    assert Interview.objects.count() == 4
    assert PanelSeat.objects.count() == 8
    # Even a run sent back to "proposed" (a task delivered twice) adds nothing.
    ScheduleRun.objects.filter(pk=run.pk).update(status=ScheduleRunStatus.PROPOSED)
    third = schedule_run_confirm(run=ScheduleRun.objects.get(pk=run.pk), by=world.staff)
    assert third.confirm_report == {"scheduled": 0, "already": 4, "skipped": []}
    assert Interview.objects.count() == 4


def test_confirming_checks_again_and_skips_a_candidate_whose_slot_no_longer_holds(world, pool):
    day, examiners, candidates, rooms = pool
    run = schedule_run_create(batch=world.batch, request=request_for(rooms, day, days=2), by=world.staff)
    gone = next(e for e in examiners if e.pk in proposed_examiners(run, candidates[2]))
    examiner_set_active(examiner=gone, active=False, by=world.staff, reason="生病")
    run = schedule_run_confirm(run=run, by=world.staff)
    skipped = {item["application"]: item["problems"] for item in run.confirm_report["skipped"]}
    assert candidates[2].pk in skipped
    assert skipped[candidates[2].pk] == [f"{gone.user} is no longer an active examiner."]
    candidates[2].refresh_from_db()
    assert candidates[2].state == ApplicationState.REVIEW_PASSED
    assert not Interview.objects.filter(application=candidates[2]).exists()
    assert run.confirm_report["scheduled"] == 4 - len(skipped)


def test_when_only_a_conflicted_examiner_knows_the_field_nothing_is_saved_and_the_reason_is_named(world):
    day = monday_in(2)
    examiner_add(world, "b@example.com", "乙考官", fields=("01",), days=[day], past=[FORMER])
    examiner_add(world, "c@example.com", "丙考官", fields=("07",), days=[day])
    examiner_add(world, "d@example.com", "丁考官", fields=("07",), days=[day])
    candidate = candidate_passed(world, 1, history=[FORMER])
    run = schedule_run_create(
        batch=world.batch, request=request_for([room_add(world.society)], day), by=world.staff
    )
    assert run.status == ScheduleRunStatus.INFEASIBLE
    assert run.proposal == []
    assert [finding_message(code=f["code"], params=f["params"]) for f in run.findings] == [
        "Every examiner of Power systems and automation has a conflict of interest with 1 candidate: "
        f"{candidate.number} 候选人1."
    ]
    with pytest.raises(ScheduleError, match="Only a proposed schedule can be confirmed"):
        schedule_run_confirm(run=run, by=world.staff)
    assert (Interview.objects.count(), PanelSeat.objects.count()) == (0, 0)


def test_too_few_examiners_is_explained(world):
    day = monday_in(2)
    examiner_add(world, "a@example.com", "甲考官", fields=("01",), days=[day])
    candidate_passed(world, 1)
    run = schedule_run_create(
        batch=world.batch, request=request_for([room_add(world.society)], day), by=world.staff
    )
    assert run.status == ScheduleRunStatus.INFEASIBLE
    assert [finding_message(code=f["code"], params=f["params"]) for f in run.findings] == [
        f"On no day from {day} to {day} are 2 examiners free to sit together (at most 1 on one day). Ask "
        "examiners for more available days or choose other dates."
    ]


def test_a_large_run_is_solved_and_confirmed_by_the_task_worker(
    world, pool, django_capture_on_commit_callbacks
):
    day, _examiners, candidates, rooms = pool
    with django_capture_on_commit_callbacks(execute=True):
        run = schedule_run_create(
            batch=world.batch, request=request_for(rooms, day, days=2), by=world.staff, inline=False
        )
    run.refresh_from_db()
    assert run.status == ScheduleRunStatus.PROPOSED
    with django_capture_on_commit_callbacks(execute=True):
        started = schedule_run_start_confirm(run=run, by=world.staff, inline=False)
    assert started.status == ScheduleRunStatus.CONFIRMING
    run.refresh_from_db()
    assert run.status == ScheduleRunStatus.CONFIRMED
    assert Application.objects.filter(state=ApplicationState.INTERVIEW_SCHEDULED).count() == len(candidates)


def test_a_request_that_cannot_run_is_refused_with_a_reason(world, pool):
    day, _examiners, _candidates, rooms = pool
    with pytest.raises(ScheduleError, match=re.escape("The last day must not be before the first.")):
        schedule_run_create(
            batch=world.batch,
            request=ScheduleRequest(day, day - timedelta(days=1), (0,), (rooms[0].pk,)),
            by=world.staff,
        )
    with pytest.raises(ScheduleError, match="from tomorrow on"):
        schedule_run_create(
            batch=world.batch,
            request=request_for(rooms, day - timedelta(days=30)),
            by=world.staff,
        )
    assert ScheduleRun.objects.count() == 0


# Pages ---------------------------------------------------------------------------------------


def test_staff_request_a_schedule_see_the_proposal_and_confirm_it(
    world, pool, django_capture_on_commit_callbacks
):
    day, _examiners, candidates, rooms = pool
    client = world.client_for(world.staff)
    base = f"/staff/csee/batches/{world.batch.pk}/panels/schedule/"
    assert "4 candidates are waiting for an interview." in client.get(base).content.decode()
    response = client.post(
        base,
        {
            "first_day": day.isoformat(),
            "last_day": (day + timedelta(days=1)).isoformat(),
            "weekdays": ["0", "1", "2", "3", "4"],
            "rooms": [r.pk for r in rooms],
        },
    )
    run = ScheduleRun.objects.get()
    assert response["Location"] == f"{base}{run.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "Proposal ready" in page
    assert "Confirm and tell the candidates" in page
    assert f"{day:%Y-%m-%d} Monday" in page
    for application in candidates:
        assert application.number in page

    # The page reads the stored proposal: a reload (from any server) shows the same.
    def proposal_of(html):
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html[html.index("<main") :])

    assert proposal_of(client.get(response["Location"]).content.decode()) == proposal_of(page)
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post(f"{base}{run.pk}/confirm/", follow=True)
    html = confirmed.content.decode()
    assert "4 interviews were scheduled and the candidates told." in html
    assert "Confirmed schedule" in html


def test_the_request_form_refuses_bad_dates_next_to_the_fields(world, pool):
    day, _examiners, _candidates, rooms = pool
    client = world.client_for(world.staff)
    response = client.post(
        f"/staff/csee/batches/{world.batch.pk}/panels/schedule/",
        {
            "first_day": day.isoformat(),
            "last_day": (day - timedelta(days=2)).isoformat(),
            "rooms": [rooms[0].pk],
        },
    )
    html = response.content.decode()
    assert "The last day must not be before the first." in html
    assert "This field is required." in html  # weekdays
    assert ScheduleRun.objects.count() == 0


def test_a_busy_run_page_refreshes_itself_and_an_impossible_one_explains(world):
    day = monday_in(2)
    run = ScheduleRun.objects.create(
        batch=world.batch, params=request_for([], day).as_json(), created_by=world.staff
    )
    client = world.client_for(world.staff)
    url = f"/staff/csee/batches/{world.batch.pk}/panels/schedule/{run.pk}/"
    page = client.get(url).content.decode()
    assert '<meta http-equiv="refresh" content="3">' in page
    assert "Waiting for the task worker to start…" in page
    ScheduleRun.objects.filter(pk=run.pk).update(
        status=ScheduleRunStatus.INFEASIBLE, findings=[{"code": "no_candidates", "params": {}}]
    )
    page = client.get(url).content.decode()
    assert 'http-equiv="refresh"' not in page
    assert "No candidate is waiting for an interview among those chosen." in page
    assert "Nothing was saved." in page
    assert client.post(url + "confirm/").status_code == 403


def test_a_relation_declared_after_the_proposal_stops_that_candidate_at_confirmation(world, pool):
    from engcert.examiners.domain.pool import declared_relation_add
    from engcert.examiners.models import Examiner

    day, _examiners, candidates, rooms = pool
    run = schedule_run_create(batch=world.batch, request=request_for(rooms, day, days=2), by=world.staff)
    chair = Examiner.objects.get(pk=proposed_examiners(run, candidates[1])[0])
    declared_relation_add(examiner=chair, by=world.staff, person_name="候选人2", relation="表亲")
    run = schedule_run_confirm(run=run, by=world.staff)
    skipped = {item["application"]: item["problems"] for item in run.confirm_report["skipped"]}
    assert skipped == {
        candidates[1].pk: [
            "Conflict of interest (Declared relation): The examiner declared a relation with 候选人2 (表亲)."
        ]
    }
    assert run.confirm_report["scheduled"] == 3
    assert not PanelSeat.objects.filter(panel__application=candidates[1], examiner=chair).exists()
