"""Panels by hand: seats added, removed, replaced; every refusal says why; short panels show
and are filled from the pool with the same checks."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from engcert.audit.models import AuditEvent
from engcert.examiners.domain.interviews import interview_schedule
from engcert.examiners.domain.panels import (
    PanelError,
    panel_chair_set,
    panel_fill_open_seats,
    panel_reopen_after_conflict,
    panel_seat_add,
    panel_seat_remove,
    panel_seat_replace,
)
from engcert.examiners.domain.pool import examiner_set_active
from engcert.examiners.enums import SeatStatus
from engcert.examiners.models import EvaluationPolicy, PanelSeat
from engcert.examiners.selectors import evaluation_policy_get
from tests.examiners.helpers import (
    at,
    candidate_passed,
    examiner_add,
    monday_in,
    panel_ready,
    room_add,
)

pytestmark = pytest.mark.django_db

FORMER = "许继集团有限公司"


def live(application):
    return list(
        PanelSeat.objects.filter(panel__application=application, status__in=["assigned", "confirmed"])
        .order_by("-is_chair", "pk")
        .values_list("examiner__user__full_name", "is_chair")
    )


def test_staff_seat_an_examiner_and_the_change_is_audited(world):
    application = candidate_passed(world, 1)
    examiner = examiner_add(world, "e@example.com", "考官甲")
    seat = panel_seat_add(application=application, examiner=examiner, by=world.staff, is_chair=True)
    assert (seat.status, seat.is_chair, seat.assigned_by) == (SeatStatus.ASSIGNED, True, world.staff)
    event = AuditEvent.objects.get(action="panel.seat_add")
    assert (event.actor, event.application_id, event.data) == (
        world.staff,
        application.pk,
        {"examiner": examiner.pk, "chair": True, "scheduler": False},
    )


def test_an_examiner_already_on_the_panel_is_not_seated_twice(world):
    application = candidate_passed(world, 1)
    examiner = examiner_add(world, "e@example.com", "考官甲")
    panel_seat_add(application=application, examiner=examiner, by=world.staff)
    with pytest.raises(PanelError, match=re.escape("考官甲 is already on this panel.")):
        panel_seat_add(application=application, examiner=examiner, by=world.staff)


def test_an_inactive_examiner_or_one_whose_term_ended_is_refused(world):
    application = candidate_passed(world, 1)
    inactive = examiner_add(world, "i@example.com", "停用考官")
    examiner_set_active(examiner=inactive, active=False, by=world.staff, reason="退休")
    ended = examiner_add(
        world,
        "t@example.com",
        "到期考官",
        term=(timezone.localdate() - timedelta(days=800), timezone.localdate() - timedelta(days=1)),
    )
    with pytest.raises(PanelError) as refused:
        panel_seat_add(application=application, examiner=inactive, by=world.staff)
    assert str(refused.value) == "停用考官 is no longer an active examiner."
    with pytest.raises(PanelError) as refused:
        panel_seat_add(application=application, examiner=ended, by=world.staff)
    assert str(refused.value) == f"到期考官's term ended on {timezone.localdate() - timedelta(days=1)}."


def test_an_examiner_of_another_society_is_refused(world, other_society_staff):
    from engcert.organisations.models import Organisation

    application = candidate_passed(world, 1)
    foreign = examiner_add(
        world, "f@example.com", "外学会考官", fields=("01",), society=Organisation.objects.get(code="other")
    )
    with pytest.raises(PanelError, match=re.escape("外学会考官 is not in this society's examiner pool.")):
        panel_seat_add(application=application, examiner=foreign, by=world.staff)


def test_once_the_interview_is_set_a_new_examiner_must_be_free_at_its_time(world):
    application, _chair, _member, day = panel_ready(world)
    interview_schedule(
        application=application, room=room_add(world.society), starts_at=at(day, 9), by=world.staff
    )
    away = examiner_add(world, "away@example.com", "外出考官", days=[day + timedelta(days=1)])
    with pytest.raises(PanelError) as refused:
        panel_seat_add(application=application, examiner=away, by=world.staff)
    assert str(refused.value) == f"外出考官 is not available on {day}."

    # Busy in another room at the same time.
    other, _c, _m, _d = panel_ready(world, 2, day=day)
    busy = examiner_add(world, "busy@example.com", "忙碌考官", days=[day])
    panel_seat_add(application=other, examiner=busy, by=world.staff)
    interview_schedule(
        application=other,
        room=room_add(world.society, "第二会议室"),
        starts_at=at(day, 9, 15),
        by=world.staff,
    )
    with pytest.raises(PanelError) as refused:
        panel_seat_add(application=application, examiner=busy, by=world.staff)
    assert str(refused.value) == "忙碌考官 sits on another interview at that time."


def test_the_daily_cap_is_checked_when_seating_by_hand(world):
    policy = evaluation_policy_get(society=world.society)
    EvaluationPolicy.objects.filter(pk=policy.pk).update(max_interviews_per_day=1)
    application, _chair, _member, day = panel_ready(world)
    interview_schedule(
        application=application, room=room_add(world.society), starts_at=at(day, 9), by=world.staff
    )
    other, _c, _m, _d = panel_ready(world, 2, day=day)
    interview_schedule(
        application=other, room=room_add(world.society, "第二会议室"), starts_at=at(day, 14), by=world.staff
    )
    tired = PanelSeat.objects.filter(panel__application=other, is_chair=True).get().examiner
    with pytest.raises(PanelError) as refused:
        panel_seat_add(application=application, examiner=tired, by=world.staff)
    assert str(refused.value) == f"主考2 already has 1 interviews on {day} (at most 1 a day)."


def test_removing_needs_a_reason_keeps_the_seat_as_history_and_shows_the_panel_short(world):
    application, _chair, member, _day = panel_ready(world)
    seat = PanelSeat.objects.get(panel__application=application, examiner=member)
    with pytest.raises(PanelError, match="Please give a reason"):
        panel_seat_remove(seat=seat, by=world.staff, reason="  ")
    panel_seat_remove(seat=seat, by=world.staff, reason="出差")
    seat.refresh_from_db()
    assert (seat.status, seat.removed_reason) == (SeatStatus.REMOVED, "出差")
    assert AuditEvent.objects.get(action="panel.seat_remove").reason == "出差"
    assert live(application) == [("主考1", True)]
    with pytest.raises(PanelError, match="no longer on the panel"):
        panel_seat_remove(seat=seat, by=world.staff, reason="再次")
    page = world.client_for(world.staff).get(f"/staff/csee/batches/{world.batch.pk}/panels/").content.decode()
    assert "The panel has 1 of the 2 examiners it needs." in page
    assert "Fill the open seats automatically" in page


def test_replacing_passes_the_chair_to_the_newcomer_and_refuses_a_conflicted_one(world):
    application, chair, _member, day = panel_ready(world, history=[FORMER])
    seat = PanelSeat.objects.get(panel__application=application, examiner=chair)
    conflicted = examiner_add(world, "c@example.com", "曾任考官", past=["许继集团"], days=[day])
    with pytest.raises(PanelError, match="Conflict of interest"):
        panel_seat_replace(seat=seat, examiner=conflicted, by=world.staff, reason="换人")
    assert live(application) == [("主考1", True), ("考官1", False)]  # nothing changed
    newcomer = examiner_add(world, "n@example.com", "新主考", days=[day])
    panel_seat_replace(seat=seat, examiner=newcomer, by=world.staff, reason="换人")
    assert live(application) == [("新主考", True), ("考官1", False)]


def test_the_chair_can_be_changed(world):
    application, _chair, member, _day = panel_ready(world)
    panel_chair_set(
        seat=PanelSeat.objects.get(panel__application=application, examiner=member), by=world.staff
    )
    assert live(application) == [("考官1", True), ("主考1", False)]


def test_a_seat_given_up_over_a_declared_conflict_reopens_and_the_panel_is_short(world):
    application, _chair, member, _day = panel_ready(world)
    seat = PanelSeat.objects.get(panel__application=application, examiner=member)
    with pytest.raises(PanelError, match=re.escape("Only a seat on which a conflict was declared reopens.")):
        panel_reopen_after_conflict(seat=seat)
    PanelSeat.objects.filter(pk=seat.pk).update(
        status=SeatStatus.CONFLICT, declaration_note="曾指导过该候选人"
    )
    assert panel_reopen_after_conflict(seat=seat) == ["The panel has 1 of the 2 examiners it needs."]
    assert AuditEvent.objects.get(action="panel.seat_reopened").data == {
        "examiner": member.pk,
        "problems": ["The panel has 1 of the 2 examiners it needs."],
    }
    page = world.client_for(world.staff).get(f"/staff/csee/batches/{world.batch.pk}/panels/?show=short")
    html = page.content.decode()
    assert "考官1 declared a conflict" in html
    assert "1 panel is short of examiners" in html


def test_filling_open_seats_takes_the_least_loaded_eligible_examiner_and_never_a_conflicted_one(world):
    day = monday_in(2)
    application = candidate_passed(world, 1, history=[FORMER])
    busy = examiner_add(world, "busy@example.com", "忙考官", fields=("01",), days=[day])
    for i in (2, 3):
        panel_seat_add(application=candidate_passed(world, i), examiner=busy, by=world.staff)
    examiner_add(world, "conf@example.com", "曾任考官", fields=("01",), past=["许继集团"], days=[day])
    examiner_add(world, "free@example.com", "空闲考官", fields=("01",), days=[day])
    examiner_add(world, "line@example.com", "输电考官", fields=("07",), days=[day])
    report = panel_fill_open_seats(batch=world.batch, by=world.staff, application_ids=[application.pk])
    assert report.filled == {application.pk: ["空闲考官", "输电考官"]}
    assert report.short == {}
    assert live(application) == [("空闲考官", True), ("输电考官", False)]


def test_filling_reports_a_panel_nobody_eligible_can_complete(world):
    application = candidate_passed(world, 1, history=[FORMER])
    examiner_add(world, "conf@example.com", "曾任考官", fields=("01",), past=["许继集团"])
    examiner_add(world, "line@example.com", "输电考官", fields=("07",))
    report = panel_fill_open_seats(batch=world.batch, by=world.staff)
    assert report.filled == {application.pk: ["输电考官"]}
    assert report.short == {
        application.pk: [
            "The panel has 1 of the 2 examiners it needs.",
            "Nobody on the panel examines the candidate's field (Power systems and automation).",
        ]
    }


# Pages ---------------------------------------------------------------------------------------


def panel_url(world, application, tail=""):
    return f"/staff/csee/batches/{world.batch.pk}/panels/{application.uid}/{tail}"


def test_the_panel_page_refuses_a_conflicted_examiner_with_the_reason(world):
    application = candidate_passed(world, 1, history=[FORMER])
    conflicted = examiner_add(world, "c@example.com", "曾任考官", past=["许继集团"])
    client = world.client_for(world.staff)
    page = client.get(panel_url(world, application)).content.decode()
    assert "曾任考官 · 华北电力大学 · Power systems and automation — conflict of interest" in page
    response = client.post(panel_url(world, application, "seats/"), {"examiner": conflicted.pk}, follow=True)
    assert (
        "曾任考官 cannot sit on this panel: Conflict of interest (Employer in the candidate&#x27;s work history): "
        "The examiner used to work for 许继集团有限公司, which appears in the candidate&#x27;s work history."
    ) in response.content.decode()
    assert PanelSeat.objects.count() == 0


def test_the_panel_page_adds_removes_and_replaces_with_reasons(world):
    application, chair, member, day = panel_ready(world)
    client = world.client_for(world.staff)
    seat = PanelSeat.objects.get(examiner=member)
    form = client.get(panel_url(world, application, f"seats/{seat.pk}/remove/"))
    assert form.status_code == 200
    missing = client.post(panel_url(world, application, f"seats/{seat.pk}/remove/"), {"reason": ""})
    assert "This field is required." in missing.content.decode()
    client.post(panel_url(world, application, f"seats/{seat.pk}/remove/"), {"reason": "请假"})
    assert live(application) == [("主考1", True)]
    third = examiner_add(world, "third@example.com", "第三考官", days=[day])
    client.post(panel_url(world, application, "seats/"), {"examiner": third.pk})
    assert live(application) == [("主考1", True), ("第三考官", False)]
    chair_seat = PanelSeat.objects.get(examiner=chair)
    fourth = examiner_add(world, "fourth@example.com", "第四考官", days=[day])
    client.post(
        panel_url(world, application, f"seats/{chair_seat.pk}/replace/"),
        {"examiner": fourth.pk, "reason": "回避"},
    )
    assert live(application) == [("第四考官", True), ("第三考官", False)]
    # A removed seat cannot be acted on again.
    assert client.get(panel_url(world, application, f"seats/{seat.pk}/remove/")).status_code == 403


def test_filling_never_puts_back_an_examiner_staff_took_off_the_panel(world):
    application, _chair, member, day = panel_ready(world)
    panel_seat_remove(
        seat=PanelSeat.objects.get(panel__application=application, examiner=member),
        by=world.staff,
        reason="出差",
    )
    report = panel_fill_open_seats(batch=world.batch, by=world.staff)
    assert report.short == {application.pk: ["The panel has 1 of the 2 examiners it needs."]}
    examiner_add(world, "spare@example.com", "备用考官", days=[day])
    report = panel_fill_open_seats(batch=world.batch, by=world.staff)
    assert report.filled == {application.pk: ["备用考官"]}
    assert live(application) == [("主考1", True), ("备用考官", False)]
