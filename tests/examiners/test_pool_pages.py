"""Staff keep the examiner pool: list and filters, appointments by email, earlier employers,
available days added by range, declared relations, deactivation, the policy and the rooms."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from engcert.audit.models import AuditEvent
from engcert.examiners.domain.interviews import interview_schedule
from engcert.examiners.models import (
    DeclaredRelation,
    EvaluationPolicy,
    Examiner,
    ExaminerAvailability,
    ExaminerEmployment,
    Room,
)
from engcert.organisations.enums import Role
from engcert.organisations.models import Membership
from engcert.privacy.crypto import blind_index
from tests.examiners.helpers import at, discipline, examiner_add, monday_in, panel_ready, room_add

pytestmark = pytest.mark.django_db

POOL = "/staff/csee/examiners/"


def names_in(html: str, names):
    return [n for n in names if n in html]


def test_the_pool_lists_and_filters_by_field_grade_employer_status_and_term(world):
    today = timezone.localdate()
    senior = examiner_add(world, "a@example.com", "发电考官", fields=("06",), employer="清华大学")
    Examiner.objects.filter(pk=senior.pk).update(grade=world.batch.grades.get(code="SPE"))
    examiner_add(world, "b@example.com", "火电考官", fields=("06.1",), past=["许继集团有限公司"])
    examiner_add(
        world, "c@example.com", "到期考官", term=(today - timedelta(days=900), today - timedelta(days=5))
    )
    quiet = examiner_add(world, "d@example.com", "停用考官")
    from engcert.examiners.domain.pool import examiner_set_active

    examiner_set_active(examiner=quiet, active=False, by=world.staff, reason="退休")
    everyone = ["发电考官", "火电考官", "到期考官", "停用考官"]
    client = world.client_for(world.staff)
    assert names_in(client.get(POOL).content.decode(), everyone) == ["发电考官", "火电考官", "到期考官"]
    generation = discipline(world.society, "06").pk
    assert names_in(client.get(f"{POOL}?discipline={generation}").content.decode(), everyone) == [
        "发电考官",
        "火电考官",
    ]
    assert names_in(client.get(f"{POOL}?employer=许继").content.decode(), everyone) == ["火电考官"]
    assert names_in(client.get(f"{POOL}?active=no").content.decode(), everyone) == ["停用考官"]
    assert names_in(client.get(f"{POOL}?term=ended&active=any").content.decode(), everyone) == ["到期考官"]
    assert names_in(client.get(f"{POOL}?term=current").content.decode(), everyone) == ["发电考官", "火电考官"]
    spe = world.batch.grades.get(code="SPE").pk
    assert names_in(client.get(f"{POOL}?grade={spe}").content.decode(), everyone) == ["发电考官"]
    assert "No examiner matches these filters." in client.get(f"{POOL}?employer=没有这家").content.decode()


def test_staff_add_an_examiner_by_the_email_of_an_existing_account(world):
    client = world.client_for(world.staff)
    fields = [discipline(world.society, "01").pk, discipline(world.society, "07").pk]
    data = {
        "email": "OUTSIDER@example.com",
        "disciplines": fields,
        "employer": "华北电力大学",
        "term_starts": "2026-01-01",
        "term_ends": "2030-12-31",
    }
    response = client.post(f"{POOL}new/", data)
    examiner = Examiner.objects.get(user=world.outsider)
    assert response["Location"] == f"{POOL}{examiner.pk}/"
    assert sorted(examiner.disciplines.values_list("pk", flat=True)) == sorted(fields)
    assert Membership.objects.get(
        user=world.outsider, organisation=world.society, role=Role.EXAMINER
    ).is_active
    assert AuditEvent.objects.filter(action="examiner.create", subject_id=str(examiner.pk)).count() == 1
    again = client.post(f"{POOL}new/", data).content.decode()
    assert "This person is already in the society&#x27;s examiner pool." in again
    unknown = client.post(f"{POOL}new/", {**data, "email": "nobody@example.com"}).content.decode()
    assert "No account uses this email address. Ask the person to register first." in unknown
    backwards = client.post(f"{POOL}new/", {**data, "email": "other@example.com", "term_ends": "2025-01-01"})
    assert "The term must end after it starts." in backwards.content.decode()
    assert Examiner.objects.count() == 1


def test_staff_edit_an_examiner(world):
    examiner = examiner_add(world, "a@example.com", "甲考官")
    client = world.client_for(world.staff)
    client.post(
        f"{POOL}{examiner.pk}/edit/",
        {
            "disciplines": [discipline(world.society, "08").pk],
            "employer": "国网北京电力公司",
            "unit": world.unit.pk,
            "term_starts": "2026-01-01",
            "term_ends": "2031-12-31",
        },
    )
    examiner.refresh_from_db()
    assert (examiner.employer, examiner.unit, str(examiner.term_ends)) == (
        "国网北京电力公司",
        world.unit,
        "2031-12-31",
    )
    assert list(examiner.disciplines.values_list("code", flat=True)) == ["08"]


def test_available_days_are_added_and_removed_by_range_and_weekdays(world):
    examiner = examiner_add(world, "a@example.com", "甲考官")
    monday = monday_in(2)
    client = world.client_for(world.staff)
    url = f"{POOL}{examiner.pk}/days/"
    client.post(url, {"first": monday, "last": monday + timedelta(days=13), "weekdays": ["1", "3"]})
    expected = [monday + timedelta(days=d) for d in (1, 3, 8, 10)]
    assert list(ExaminerAvailability.objects.values_list("date", flat=True)) == expected
    # Adding again adds nothing twice.
    client.post(url, {"first": monday, "last": monday + timedelta(days=13), "weekdays": ["1", "3"]})
    assert ExaminerAvailability.objects.count() == 4
    client.post(url, {"first": monday, "last": monday + timedelta(days=6), "weekdays": ["1"], "remove": "1"})
    assert list(ExaminerAvailability.objects.values_list("date", flat=True)) == expected[1:]
    page = client.get(f"{POOL}{examiner.pk}/").content.decode()
    assert f"{expected[1]:%m-%d}" in page and f"{expected[0]:%m-%d}" not in page


def test_a_day_with_an_interview_cannot_be_taken_away(world):
    application, chair, _member, day = panel_ready(world)
    interview_schedule(
        application=application, room=room_add(world.society), starts_at=at(day, 9), by=world.staff
    )
    response = world.client_for(world.staff).post(
        f"{POOL}{chair.pk}/days/",
        {"first": day, "last": day, "weekdays": [str(day.weekday())], "remove": "1"},
        follow=True,
    )
    assert (
        f"The examiner sits on interviews on {day}; move those interviews or change the panel first."
        in response.content.decode()
    )
    assert ExaminerAvailability.objects.filter(examiner=chair, date=day).exists()


def test_earlier_employers_are_added_and_removed(world):
    examiner = examiner_add(world, "a@example.com", "甲考官")
    client = world.client_for(world.staff)
    client.post(
        f"{POOL}{examiner.pk}/employers/",
        {"employer": "许继集团有限公司", "start_date": "2001-07-01", "end_date": "2008-06-30"},
    )
    row = ExaminerEmployment.objects.get()
    assert (row.employer, str(row.start_date)) == ("许继集团有限公司", "2001-07-01")
    backwards = client.post(
        f"{POOL}{examiner.pk}/employers/",
        {"employer": "X", "start_date": "2009-01-01", "end_date": "2008-01-01"},
        follow=True,
    )
    assert "The end date must not be before the start date." in backwards.content.decode()
    client.post(f"{POOL}{examiner.pk}/employers/{row.pk}/delete/")
    assert ExaminerEmployment.objects.count() == 0
    assert [e.action for e in AuditEvent.objects.filter(action__startswith="examiner.employment")] == [
        "examiner.employment_add",
        "examiner.employment_remove",
    ]


def test_a_declared_relation_keeps_only_a_fingerprint_of_the_identity_number(world):
    examiner = examiner_add(world, "a@example.com", "甲考官")
    client = world.client_for(world.staff)
    client.post(
        f"{POOL}{examiner.pk}/relations/",
        {"person_name": "王伟", "id_number": "11010119850314121x", "relation": "配偶"},
    )
    row = DeclaredRelation.objects.get()
    assert row.id_number_index == blind_index("11010119850314121X")
    assert "11010119850314121" not in str(list(DeclaredRelation.objects.values()))
    assert "11010119850314121" not in str(list(AuditEvent.objects.values("data", "reason")))
    nameless = client.post(f"{POOL}{examiner.pk}/relations/", {"relation": "朋友"}, follow=True)
    assert "Please name the person or the organisation." in nameless.content.decode()
    no_reason = client.post(f"{POOL}{examiner.pk}/relations/{row.pk}/delete/", {"reason": ""}, follow=True)
    assert "Please give a reason." in no_reason.content.decode()
    client.post(f"{POOL}{examiner.pk}/relations/{row.pk}/delete/", {"reason": "已离婚"})
    assert DeclaredRelation.objects.count() == 0


def test_deactivating_needs_a_reason_and_takes_the_examiner_role_away(world):
    _application, chair, _member, _day = panel_ready(world)
    client = world.client_for(world.staff)
    url = f"{POOL}{chair.pk}/active/"
    no_reason = client.post(url, {"active": "0", "reason": ""}, follow=True)
    assert "Please give a reason." in no_reason.content.decode()
    done = client.post(url, {"active": "0", "reason": "调离"}, follow=True).content.decode()
    assert (
        "The examiner is deactivated. They still hold 1 panel seats: replace them on the panels pages."
        in done
    )
    chair.refresh_from_db()
    assert chair.is_active is False
    membership = Membership.objects.get(user=chair.user, organisation=world.society, role=Role.EXAMINER)
    assert membership.is_active is False
    panels = client.get(f"/staff/csee/batches/{world.batch.pk}/panels/").content.decode()
    assert "No longer active examiners: 主考1." in panels
    client.post(url, {"active": "1"})
    membership.refresh_from_db()
    assert membership.is_active is True


def test_the_policy_is_made_with_defaults_on_first_use_and_checked_when_saved(world):
    client = world.client_for(world.staff)
    assert EvaluationPolicy.objects.count() == 0
    page = client.get(f"{POOL}policy/").content.decode()
    policy = EvaluationPolicy.objects.get(society=world.society)
    assert (policy.min_panel_size, policy.interview_minutes) == (2, 45)
    assert 'name="min_panel_size" value="2"' in page
    data = {
        "min_panel_size": 3,
        "max_interviews_per_day": 5,
        "interview_minutes": 50,
        "simplified_interview_minutes": 25,
        "simplified_scored_areas": ["1", "5"],
        "day_starts_at": "08:30",
        "day_ends_at": "08:00",
        "break_minutes": 10,
        "score_sheet_due_hours": 24,
    }
    bad = client.post(f"{POOL}policy/", data).content.decode()
    assert "The interview day must end after it starts." in bad
    client.post(f"{POOL}policy/", {**data, "day_ends_at": "17:00"})
    policy.refresh_from_db()
    assert (policy.min_panel_size, policy.max_interviews_per_day, policy.simplified_scored_areas) == (
        3,
        5,
        [1, 5],
    )
    assert AuditEvent.objects.get(action="evaluation_policy.update").data["changed"][0] == "day_ends_at"
    one = client.post(
        f"{POOL}policy/", {**data, "day_ends_at": "17:00", "min_panel_size": 1}
    ).content.decode()
    assert "Ensure this value is greater than or equal to 2." in one


def test_rooms_are_added_and_an_online_meeting_needs_its_link(world):
    client = world.client_for(world.staff)
    client.post(
        f"{POOL}rooms/new/",
        {"name": "第一会议室", "mode": "in_person", "location": "学会大楼305", "is_active": "on"},
    )
    no_link = client.post(
        f"{POOL}rooms/new/", {"name": "线上", "mode": "online", "location": "腾讯会议", "is_active": "on"}
    )
    assert "An online meeting needs its link, starting with https://." in no_link.content.decode()
    same = client.post(
        f"{POOL}rooms/new/", {"name": "第一会议室", "mode": "in_person", "location": "x", "is_active": "on"}
    )
    assert "Another room of the society has this name." in same.content.decode()
    client.post(
        f"{POOL}rooms/new/",
        {
            "name": "线上",
            "mode": "online",
            "location": "https://meeting.tencent.com/dm/abc",
            "is_active": "on",
        },
    )
    assert list(Room.objects.order_by("name").values_list("name", "mode")) == [
        ("第一会议室", "in_person"),
        ("线上", "online"),
    ]
    room = Room.objects.get(name="线上")
    client.post(
        f"{POOL}rooms/{room.pk}/", {"name": "线上一", "mode": "online", "location": "https://m.example.com/1"}
    )
    room.refresh_from_db()
    assert (room.name, room.is_active) == ("线上一", False)
    listing = client.get(f"{POOL}rooms/").content.decode()
    assert "Not in use" in listing
