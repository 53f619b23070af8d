"""Interviews by hand: scheduled, moved (cancelled and made anew, the candidate told again) and
missed (back to waiting, with the reason); every hand change runs the checks again."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail

from engcert.accounts.models import User
from engcert.applications.enums import ApplicationState
from engcert.audit.models import AuditEvent
from engcert.examiners.domain.interviews import (
    InterviewError,
    interview_move,
    interview_record_no_show,
    interview_schedule,
)
from engcert.examiners.enums import InterviewStatus
from engcert.examiners.models import CandidateUnavailability, Interview
from tests.examiners.helpers import at, examiner_add, panel_ready, room_add

pytestmark = pytest.mark.django_db


def interview_mails():
    return [m for m in mail.outbox if m.attachments]


def test_scheduling_by_hand_sets_the_time_moves_the_application_and_tells_the_candidate(
    world, django_capture_on_commit_callbacks
):
    application, chair, member, day = panel_ready(world)
    reads_english(application.applicant)
    room = room_add(world.society)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        interview = interview_schedule(
            application=application, room=room, starts_at=at(day, 9, 30), by=world.staff
        )
    application.refresh_from_db()
    assert application.state == ApplicationState.INTERVIEW_SCHEDULED
    assert (interview.starts_at, interview.ends_at) == (at(day, 9, 30), at(day, 10, 15))
    interview.refresh_from_db()
    assert interview.notified_at is not None
    (message,) = interview_mails()
    assert message.to == [application.email]
    assert message.subject == f"Your interview: {day:%Y-%m-%d} 09:30"
    assert f"When: {day:%Y-%m-%d} 09:30–10:15 (Beijing time)" in message.body
    assert "Where: 第一会议室, 学会大楼三层 305 室" in message.body
    assert "Panel: 2 examiners" in message.body
    # The examiners stay anonymous to the candidate, in the mail and in the calendar file.
    name, content, mimetype = message.attachments[0]
    assert (name, mimetype) == ("interview.ics", "text/calendar; charset=utf-8; method=PUBLISH")
    for person in (chair.user.full_name, member.user.full_name):
        assert person not in message.body
        assert person not in content
    assert AuditEvent.objects.filter(action="interview.schedule", application=application).count() == 1


def test_the_shortened_assessment_gets_the_shorter_interview(world):
    application, _c, _m, day = panel_ready(world)
    type(application).objects.filter(pk=application.pk).update(assessment_path="simplified")
    application.refresh_from_db()
    interview = interview_schedule(
        application=application, room=room_add(world.society), starts_at=at(day, 9), by=world.staff
    )
    assert interview.ends_at - interview.starts_at == timedelta(minutes=20)


def test_scheduling_is_refused_with_every_reason(world):
    application, _c, _m, day = panel_ready(world)
    room = room_add(world.society)
    CandidateUnavailability.objects.create(application=application, date=day, note="出国")
    with pytest.raises(InterviewError) as refused:
        interview_schedule(application=application, room=room, starts_at=at(day, 17, 0), by=world.staff)
    assert refused.value.problems == [
        "Interviews take place between 09:00 and 17:30.",
        f"The candidate said they cannot attend on {day}.",
    ]
    assert Interview.objects.count() == 0
    application.refresh_from_db()
    assert application.state == ApplicationState.REVIEW_PASSED


def test_a_room_or_an_examiner_already_taken_at_that_time_is_refused(world):
    first, chair, _m, day = panel_ready(world, 1)
    room = room_add(world.society)
    interview_schedule(application=first, room=room, starts_at=at(day, 9), by=world.staff)
    second, _c2, _m2, _d = panel_ready(world, 2, day=day)
    with pytest.raises(InterviewError) as refused:
        interview_schedule(application=second, room=room, starts_at=at(day, 9, 30), by=world.staff)
    assert refused.value.problems == ["第一会议室 holds another interview at that time."]
    from engcert.examiners.domain.panels import panel_seat_add

    panel_seat_add(application=second, examiner=chair, by=world.staff)
    with pytest.raises(InterviewError) as refused:
        interview_schedule(
            application=second,
            room=room_add(world.society, "线上会议", online=True),
            starts_at=at(day, 9, 30),
            by=world.staff,
        )
    assert refused.value.problems == ["主考1 sits on another interview at that time."]


def test_an_incomplete_panel_cannot_be_scheduled(world):
    from engcert.examiners.domain.panels import panel_seat_remove
    from engcert.examiners.models import PanelSeat

    application, _c, member, day = panel_ready(world)
    panel_seat_remove(seat=PanelSeat.objects.get(examiner=member), by=world.staff, reason="请假")
    with pytest.raises(InterviewError) as refused:
        interview_schedule(
            application=application, room=room_add(world.society), starts_at=at(day, 9), by=world.staff
        )
    assert refused.value.problems == ["The panel has 1 of the 2 examiners it needs."]


def test_moving_cancels_the_old_interview_makes_a_new_one_and_tells_the_candidate_again(
    world, django_capture_on_commit_callbacks
):
    application, _c, _m, day = panel_ready(world)
    reads_english(application.applicant)
    room = room_add(world.society)
    old = interview_schedule(application=application, room=room, starts_at=at(day, 9), by=world.staff)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        new = interview_move(
            interview=old, room=room, starts_at=at(day, 14), by=world.staff, reason="考官航班延误"
        )
    old.refresh_from_db()
    assert old.status == InterviewStatus.CANCELLED
    assert old.note == "Moved: 考官航班延误"
    assert (new.status, new.starts_at, new.ends_at, new.note) == (
        InterviewStatus.SCHEDULED,
        at(day, 14),
        at(day, 14, 45),
        "考官航班延误",
    )
    (message,) = interview_mails()
    assert message.subject == f"Your interview has moved: {day:%Y-%m-%d} 14:00"
    assert "Your interview has been moved. The new time and place:" in message.body
    event = AuditEvent.objects.get(action="interview.move")
    assert (event.reason, event.data["from"]["interview"], event.data["to"]["interview"]) == (
        "考官航班延误",
        old.pk,
        new.pk,
    )


def test_a_move_runs_every_check_again_and_changes_nothing_when_refused(world):
    application, _c, _m, day = panel_ready(world)
    room = room_add(world.society)
    interview = interview_schedule(application=application, room=room, starts_at=at(day, 9), by=world.staff)
    with pytest.raises(InterviewError, match="Please give a reason"):
        interview_move(interview=interview, room=room, starts_at=at(day, 14), by=world.staff, reason=" ")
    with pytest.raises(InterviewError) as refused:
        interview_move(
            interview=interview,
            room=room,
            starts_at=at(day + timedelta(days=1), 9),
            by=world.staff,
            reason="改期",
        )
    assert refused.value.problems == [
        f"主考1 is not available on {day + timedelta(days=1)}.",
        f"考官1 is not available on {day + timedelta(days=1)}.",
    ]
    examiner_add(world, "x@example.com", "无关考官")
    assert list(Interview.objects.values_list("status", flat=True)) == [InterviewStatus.SCHEDULED]


def test_a_missed_interview_sends_the_candidate_back_to_waiting_with_the_reason(world):
    application, _c, _m, day = panel_ready(world)
    room = room_add(world.society)
    interview = interview_schedule(application=application, room=room, starts_at=at(day, 9), by=world.staff)
    with pytest.raises(InterviewError, match="once its time has come"):
        interview_record_no_show(interview=interview, by=world.staff, reason="未到场")
    # Time passes: the interview is now in the past.
    Interview.objects.filter(pk=interview.pk).update(
        starts_at=interview.starts_at - timedelta(days=30), ends_at=interview.ends_at - timedelta(days=30)
    )
    interview.refresh_from_db()
    interview_record_no_show(interview=interview, by=world.staff, reason="未到场，电话无人接听")
    interview.refresh_from_db()
    application.refresh_from_db()
    assert interview.status == InterviewStatus.NO_SHOW
    assert application.state == ApplicationState.REVIEW_PASSED
    event = AuditEvent.objects.get(
        action="application.transition",
        to_state=ApplicationState.REVIEW_PASSED,
        application=application,
        from_state=ApplicationState.INTERVIEW_SCHEDULED,
    )
    assert event.reason == "未到场，电话无人接听"
    # The panel stays; the candidate can be given a new interview.
    again = interview_schedule(application=application, room=room, starts_at=at(day, 14), by=world.staff)
    assert again.status == InterviewStatus.SCHEDULED


def test_the_move_and_no_show_pages_run_the_same_checks(world):
    application, _c, _m, day = panel_ready(world)
    room = room_add(world.society)
    interview = interview_schedule(application=application, room=room, starts_at=at(day, 9), by=world.staff)
    client = world.client_for(world.staff)
    base = f"/staff/csee/batches/{world.batch.pk}/panels/{application.uid}/interview/{interview.pk}/"
    assert client.get(base + "move/").status_code == 200
    refused = client.post(
        base + "move/",
        {"day": (day + timedelta(days=1)).isoformat(), "start": "09:00", "room": room.pk, "reason": "改期"},
    )
    assert f"主考1 is not available on {day + timedelta(days=1)}." in refused.content.decode()
    moved = client.post(
        base + "move/", {"day": day.isoformat(), "start": "13:30", "room": room.pk, "reason": "改到下午"}
    )
    assert moved.status_code == 302
    new = Interview.objects.get(status=InterviewStatus.SCHEDULED)
    assert new.starts_at == at(day, 13, 30)
    # The cancelled interview can no longer be moved or marked.
    assert client.get(base + "move/").status_code == 403
    assert client.get(base + "no-show/").status_code == 403
    early = client.post(
        f"/staff/csee/batches/{world.batch.pk}/panels/{application.uid}/interview/{new.pk}/no-show/",
        {"reason": "未到"},
    )
    assert "A missed interview can be recorded once its time has come." in early.content.decode()


def reads_english(user: User) -> None:
    """Mails go out in the reader's own language; this reader chose English."""
    User.objects.filter(pk=user.pk).update(language="en")
