"""Conflicts of interest, rule by rule, for one pair and for many pairs at once."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from engcert.examiners.domain.conflicts import conflicts_for, conflicts_for_many
from engcert.examiners.domain.panels import PanelError, panel_seat_add
from engcert.examiners.domain.pool import declared_relation_add
from engcert.examiners.enums import ConflictReason, SeatStatus
from engcert.examiners.models import Panel, PanelSeat
from tests.examiners.helpers import candidate_passed, examiner_add, unit_named

pytestmark = pytest.mark.django_db

FORMER = "中国能源建设集团广东省电力设计研究院有限公司"


def reasons(conflicts):
    return [c.reason for c in conflicts]


def test_an_examiner_of_the_candidates_nominating_unit_is_in_conflict(world):
    examiner = examiner_add(world, "u@example.com", "单位考官", employer="别的名字", unit=world.unit)
    application = candidate_passed(world, 1)
    conflicts = conflicts_for(examiner=examiner, application=application)
    assert reasons(conflicts) == [ConflictReason.SAME_UNIT]
    assert (
        conflicts[0].detail
        == "The examiner belongs to the candidate's nominating unit 山东电力建设第三工程有限公司."
    )


def test_an_examiner_whose_employer_is_the_nominating_unit_by_name_is_in_conflict(world):
    examiner = examiner_add(world, "u@example.com", "单位考官", employer="山东电力建设第三工程公司")
    application = candidate_passed(world, 1, employer="另一家公司")
    conflicts = conflicts_for(examiner=examiner, application=application)
    assert reasons(conflicts) == [ConflictReason.SAME_UNIT]
    assert "山东电力建设第三工程公司" in conflicts[0].detail


def test_the_same_employer_now_written_differently_is_a_conflict(world):
    examiner = examiner_add(world, "e@example.com", "同单位考官", employer="国网北京电力公司")
    application = candidate_passed(world, 1, unit=world.other_unit, employer="国网北京电力有限公司")
    conflicts = conflicts_for(examiner=examiner, application=application)
    assert reasons(conflicts) == [ConflictReason.SAME_EMPLOYER]
    assert conflicts[0].detail == "The examiner and the candidate both work for 国网北京电力有限公司."


def test_the_examiners_employer_in_the_candidates_work_history_is_a_conflict(world):
    examiner = examiner_add(world, "e@example.com", "考官", employer=FORMER)
    application = candidate_passed(world, 1, history=["中国能建广东省电力设计研究院有限公司", FORMER])
    conflicts = conflicts_for(examiner=examiner, application=application)
    assert reasons(conflicts) == [ConflictReason.PAST_EMPLOYER]
    assert conflicts[0].detail == (
        f"The examiner works for {FORMER}, which appears in the candidate's work history."
    )


def test_an_examiner_who_once_worked_for_the_candidates_former_employer_is_in_conflict(world):
    examiner = examiner_add(world, "e@example.com", "考官", past=["广东省电力设计研究院（有限公司）", FORMER])
    application = candidate_passed(world, 1, history=[FORMER])
    conflicts = conflicts_for(examiner=examiner, application=application)
    assert reasons(conflicts) == [ConflictReason.PAST_EMPLOYER]
    assert conflicts[0].detail == (
        f"The examiner used to work for {FORMER}, which appears in the candidate's work history."
    )


def test_an_examiner_who_once_worked_for_the_candidates_current_employer_is_in_conflict(world):
    examiner = examiner_add(world, "e@example.com", "考官", past=["许继集团"])
    application = candidate_passed(world, 1, unit=world.other_unit, employer="许继集团有限公司")
    conflicts = conflicts_for(examiner=examiner, application=application)
    assert reasons(conflicts) == [ConflictReason.PAST_EMPLOYER]
    assert (
        conflicts[0].detail
        == "The examiner used to work for 许继集团有限公司, the candidate's current employer."
    )


def test_an_examiner_who_once_worked_for_the_candidates_former_employer_is_refused_by_hand(world):
    examiner = examiner_add(world, "e@example.com", "考官", past=[FORMER])
    application = candidate_passed(world, 1, history=[FORMER])
    with pytest.raises(PanelError) as refused:
        panel_seat_add(application=application, examiner=examiner, by=world.staff)
    assert str(refused.value) == (
        "Conflict of interest (Employer in the candidate's work history): The examiner used to work for "
        f"{FORMER}, which appears in the candidate's work history."
    )
    assert PanelSeat.objects.count() == 0


def test_a_declared_relation_is_found_by_the_identity_number_and_not_by_the_name_alone(world):
    application = candidate_passed(world, 1)
    examiner = examiner_add(world, "e@example.com", "考官")
    declared_relation_add(
        examiner=examiner,
        by=world.staff,
        person_name="候选人1",
        id_number=" " + application.id_number.lower() + " ",
        relation="配偶",
    )
    namesake = examiner_add(world, "n@example.com", "另一考官")
    declared_relation_add(
        examiner=namesake,
        by=world.staff,
        person_name="候选人1",
        id_number="110101199001011234",
        relation="同学",
    )
    conflicts = conflicts_for(examiner=examiner, application=application)
    assert reasons(conflicts) == [ConflictReason.DECLARED_RELATION]
    assert conflicts[0].detail == "The examiner declared a relation with 候选人1 (配偶)."
    # Same name, another identity number: another person.
    assert conflicts_for(examiner=namesake, application=application) == []


def test_a_declared_relation_without_a_number_is_found_by_the_name(world):
    application = candidate_passed(world, 1)
    examiner = examiner_add(world, "e@example.com", "考官")
    declared_relation_add(examiner=examiner, by=world.staff, person_name="候选 人1", relation="学生")
    assert reasons(conflicts_for(examiner=examiner, application=application)) == [
        ConflictReason.DECLARED_RELATION
    ]


def test_a_declared_relation_with_an_employer_of_the_candidate_is_a_conflict(world):
    application = candidate_passed(world, 1, history=["许继集团有限公司"])
    examiner = examiner_add(world, "e@example.com", "考官")
    declared_relation_add(examiner=examiner, by=world.staff, organisation="许继集团", relation="兼职顾问")
    conflicts = conflicts_for(examiner=examiner, application=application)
    assert reasons(conflicts) == [ConflictReason.DECLARED_RELATION]
    assert conflicts[0].detail == (
        "The examiner declared a relation with 许继集团 (兼职顾问), an employer of the candidate."
    )


def test_a_conflict_declared_on_a_seat_for_this_file_is_a_conflict_for_good(world):
    application = candidate_passed(world, 1)
    examiner = examiner_add(world, "e@example.com", "考官")
    panel = Panel.objects.create(application=application)
    PanelSeat.objects.create(
        panel=panel, examiner=examiner, status=SeatStatus.CONFLICT, declaration_note="亲戚"
    )
    conflicts = conflicts_for(examiner=examiner, application=application)
    assert reasons(conflicts) == [ConflictReason.DECLARED_FOR_FILE]
    other = candidate_passed(world, 2)
    assert conflicts_for(examiner=examiner, application=other) == []


def test_an_examiner_with_nothing_in_common_has_no_conflict(world):
    examiner = examiner_add(world, "e@example.com", "考官", employer="清华大学", past=["西安交通大学"])
    application = candidate_passed(world, 1, history=["中国西电集团有限公司"])
    assert conflicts_for(examiner=examiner, application=application) == []


def test_several_rules_are_all_reported(world):
    examiner = examiner_add(
        world, "e@example.com", "考官", unit=world.unit, employer=world.unit.name, past=[FORMER]
    )
    application = candidate_passed(world, 1, history=[FORMER])
    assert reasons(conflicts_for(examiner=examiner, application=application)) == [
        ConflictReason.SAME_UNIT,
        ConflictReason.SAME_EMPLOYER,
        ConflictReason.PAST_EMPLOYER,
    ]


def _mixed_world(world, count):
    third = unit_named(world, "xj", "许继集团有限公司")
    examiners = [
        examiner_add(world, "a@example.com", "甲", unit=world.unit),
        examiner_add(world, "b@example.com", "乙", past=[FORMER]),
        examiner_add(world, "c@example.com", "丙", employer="许继集团"),
        examiner_add(world, "d@example.com", "丁", employer="清华大学"),
    ]
    declared_relation_add(examiner=examiners[3], by=world.staff, person_name="候选人2", relation="学生")
    applications = [
        candidate_passed(
            world, i, unit=[world.unit, world.other_unit, third][i % 3], history=[FORMER] if i % 2 else []
        )
        for i in range(1, count + 1)
    ]
    return examiners, applications


def test_the_batch_check_finds_exactly_what_the_pair_check_finds(world):
    examiners, applications = _mixed_world(world, 4)
    many = conflicts_for_many(examiners=examiners, applications=applications)
    single = {
        (a.pk, e.pk): conflicts_for(examiner=e, application=a)
        for a in applications
        for e in examiners
        if conflicts_for(examiner=e, application=a)
    }
    assert {k: reasons(v) for k, v in many.items()} == {k: reasons(v) for k, v in single.items()}
    a1, a2, a3, _a4 = applications
    jia, yi, bing, ding = examiners
    assert {k: reasons(v) for k, v in many.items()} == {
        (a3.pk, jia.pk): [ConflictReason.SAME_UNIT],
        (a1.pk, yi.pk): [ConflictReason.PAST_EMPLOYER],
        (a3.pk, yi.pk): [ConflictReason.PAST_EMPLOYER],
        (a2.pk, bing.pk): [ConflictReason.SAME_UNIT, ConflictReason.SAME_EMPLOYER],
        (a2.pk, ding.pk): [ConflictReason.DECLARED_RELATION],
    }


def test_the_batch_check_reads_a_fixed_number_of_queries(world):
    examiners, applications = _mixed_world(world, 6)
    with CaptureQueriesContext(connection) as few:
        conflicts_for_many(examiners=examiners[:2], applications=applications[:1])
    with CaptureQueriesContext(connection) as many:
        conflicts_for_many(examiners=examiners, applications=applications)
    assert len(few) == len(many) == 5
