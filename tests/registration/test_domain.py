"""Sending packages to the alliance, its decisions, and the register the decisions make."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from engcert.applications.enums import ApplicationState as S
from engcert.audit.models import AuditEvent
from engcert.registration.domain import (
    RegistrationError,
    package_send,
    registration_confirm,
    registration_confirm_many,
    registration_return,
)
from engcert.registration.enums import ItemOutcome
from engcert.registration.models import AlliancePackage, Registration
from engcert.registration.selectors import registration_for
from engcert.registration.snapshot import snapshot_digest
from tests.conftest import World
from tests.registration.conftest import candidate_notice_passed, item_of, sent

BEIJING = ZoneInfo("Asia/Shanghai")
RETURN_REASON = "面试记录中第三项能力的评语与评分不一致，请学会核对后重新报送。"


def test_sending_moves_every_notice_passed_candidate_of_the_batch_by_default(world: World):
    first = candidate_notice_passed(world, index=1)
    second = candidate_notice_passed(world, index=2)

    package = package_send(society=world.society, batch=world.batch, by=world.staff)

    first.refresh_from_db()
    second.refresh_from_db()
    assert (package.version, package.sent_by, first.state, second.state) == (
        1,
        world.staff,
        S.WITH_ALLIANCE,
        S.WITH_ALLIANCE,
    )
    assert sorted(package.items.values_list("application__number", "outcome")) == sorted(
        [(first.number, ItemOutcome.PENDING), (second.number, ItemOutcome.PENDING)]
    )
    assert list(
        AuditEvent.objects.filter(action="registration.package_sent").values_list("subject_id", flat=True)
    ) == [str(package.pk)]


def test_the_digest_is_the_sha256_of_the_snapshot_as_stored(world: World):
    application = candidate_notice_passed(world, index=1)
    package = sent(world, application)

    stored = AlliancePackage.objects.get(pk=package.pk)
    assert stored.digest == snapshot_digest(stored.snapshot)
    assert len(stored.digest) == 64


def test_the_snapshot_holds_the_candidates_evaluation_record(world: World):
    application = candidate_notice_passed(world, index=1)
    package = sent(world, application)

    [record] = AlliancePackage.objects.get(pk=package.pk).snapshot["candidates"]
    assessment = application.panel_assessment
    assert (record["uid"], record["number"], record["full_name"]) == (
        str(application.uid),
        application.number,
        application.full_name,
    )
    assert record["id_number_masked"] == application.id_number_masked
    assert "*" in record["id_number_masked"]
    assert record["unit"] == {"name": world.unit.name, "name_en": world.unit.name_en}
    assert record["grade_applied"]["code"] == application.grade.code
    assert record["grade_approved"]["code"] == application.grade.code
    assert record["assessment"]["recommendation"] == assessment.recommendation
    assert record["assessment"]["summary"] == assessment.summary
    assert record["assessment"]["meets_criteria"] is True
    assert [(a["number"], a["justification"]) for a in record["assessment"]["areas"]] == [
        (score.area.number, score.justification) for score in assessment.area_scores.order_by("area__number")
    ]
    assert [(step["from"], step["to"]) for step in record["history"]][-4:] == [
        (S.INTERVIEWED, S.DELIBERATION),
        (S.DELIBERATION, S.APPROVED),
        (S.APPROVED, S.PUBLIC_NOTICE),
        (S.PUBLIC_NOTICE, S.NOTICE_PASSED),
    ]
    assert record["history"][-3]["reason"] == "委员会审议通过，建议按申请级别注册。"
    assert record["history"][-3]["actor"] == world.committee.full_name
    passed = AuditEvent.objects.get(application=application, to_state=S.NOTICE_PASSED)
    assert record["notice_passed_at"] is not None
    assert record["notice_passed_at"][:19] == passed.created_at.astimezone(BEIJING).isoformat()[:19]


def test_the_snapshot_keeps_what_was_sent_when_the_file_changes_later(world: World):
    application = candidate_notice_passed(world, index=1)
    package = sent(world, application)
    name = application.full_name
    type(application).objects.filter(pk=application.pk).update(full_name="改过的名字")

    assert AlliancePackage.objects.get(pk=package.pk).snapshot["candidates"][0]["full_name"] == name


def test_the_approved_grade_is_sent_when_the_committee_approved_another(world: World):
    from engcert.frameworks.models import Grade

    application = candidate_notice_passed(world, index=1)
    lower = (
        Grade.objects.filter(framework_version=application.framework_version)
        .exclude(pk=application.grade_id)
        .order_by("position")
        .first()
    )
    type(application).objects.filter(pk=application.pk).update(awarded_grade=lower)
    package = sent(world, application)

    record = AlliancePackage.objects.get(pk=package.pk).snapshot["candidates"][0]
    assert (record["grade_applied"]["code"], record["grade_approved"]["code"]) == (
        application.grade.code,
        lower.code,
    )
    registration = registration_confirm(item=item_of(package, application), by=world.reviewer)
    assert registration.grade == lower


def test_versions_count_up_per_society_and_batch(world: World):
    first = candidate_notice_passed(world, index=1)
    second = candidate_notice_passed(world, index=2)

    one = sent(world, first)
    two = sent(world, second)

    assert (one.version, two.version) == (1, 2)
    assert AlliancePackage.objects.get(pk=two.pk).snapshot["version"] == 2


def test_a_returned_candidate_is_back_in_notice_passed_told_why_and_sent_again_in_version_two(
    world: World, django_capture_on_commit_callbacks
):
    application = candidate_notice_passed(world, index=1)
    first = sent(world, application)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        registration_return(item=item_of(first, application), reason=RETURN_REASON, by=world.reviewer)

    application.refresh_from_db()
    item = item_of(first, application)
    assert application.state == S.NOTICE_PASSED
    assert (item.outcome, item.reason, item.decided_by) == (
        ItemOutcome.RETURNED,
        RETURN_REASON,
        world.reviewer,
    )
    assert [m.to for m in mail.outbox] == [[application.applicant.email]]
    assert RETURN_REASON in mail.outbox[0].body
    event = AuditEvent.objects.filter(application=application, to_state=S.NOTICE_PASSED).latest("position")
    assert (event.from_state, event.reason, event.actor) == (S.WITH_ALLIANCE, RETURN_REASON, world.reviewer)
    assert AlliancePackage.objects.get(pk=first.pk).completed_at is not None

    second = sent(world, application)

    application.refresh_from_db()
    assert (second.version, application.state) == (2, S.WITH_ALLIANCE)
    # The new snapshot carries the return in the history.
    history = AlliancePackage.objects.get(pk=second.pk).snapshot["candidates"][0]["history"]
    assert (history[-1]["from"], history[-1]["to"], history[-1]["reason"]) == (
        S.WITH_ALLIANCE,
        S.NOTICE_PASSED,
        RETURN_REASON,
    )


def test_returning_needs_a_reason(world: World):
    application = candidate_notice_passed(world, index=1)
    package = sent(world, application)

    with pytest.raises(RegistrationError, match="Please say why the candidate is returned"):
        registration_return(item=item_of(package, application), reason="   ", by=world.reviewer)

    application.refresh_from_db()
    assert application.state == S.WITH_ALLIANCE


def test_confirming_registers_the_candidate_with_a_member_number(world: World):
    application = candidate_notice_passed(world, index=1)
    package = sent(world, application)

    registration = registration_confirm(item=item_of(package, application), by=world.reviewer)

    application.refresh_from_db()
    year = registration.registered_at.astimezone(BEIJING).year
    assert application.state == S.REGISTERED
    assert registration.member_number == f"CEA{year}CSEE000001"
    assert (
        registration.society,
        registration.grade,
        registration.discipline,
        registration.registered_by,
    ) == (
        world.society,
        application.grade,
        application.discipline,
        world.reviewer,
    )
    assert registration_for(application=application) == registration
    assert item_of(package, application).outcome == ItemOutcome.CONFIRMED
    assert (
        AuditEvent.objects.get(action="registration.registered").data["member_number"]
        == registration.member_number
    )
    assert AlliancePackage.objects.get(pk=package.pk).completed_at is not None


def test_confirming_twice_gives_the_same_registration(world: World):
    application = candidate_notice_passed(world, index=1)
    package = sent(world, application)

    first = registration_confirm(item=item_of(package, application), by=world.reviewer)
    again = registration_confirm(item=item_of(package, application), by=world.reviewer)

    assert again == first
    assert Registration.objects.count() == 1
    assert AuditEvent.objects.filter(action="registration.registered").count() == 1


def test_a_candidate_cannot_be_confirmed_from_a_superseded_package(world: World):
    application = candidate_notice_passed(world, index=1)
    first = sent(world, application)
    registration_return(item=item_of(first, application), reason=RETURN_REASON, by=world.reviewer)
    second = sent(world, application)

    with pytest.raises(RegistrationError, match="again in version 2"):
        registration_confirm(item=item_of(first, application), by=world.reviewer)

    application.refresh_from_db()
    assert (application.state, Registration.objects.count()) == (S.WITH_ALLIANCE, 0)
    assert registration_confirm(item=item_of(second, application), by=world.reviewer).member_number.endswith(
        "000001"
    )


def test_a_candidate_moved_back_outside_these_pages_is_superseded_when_sent_again(world: World):
    from engcert.applications.domain.transition import application_transition

    application = candidate_notice_passed(world, index=1)
    first = sent(world, application)
    application_transition(
        application=application, to_state=S.NOTICE_PASSED, by=world.reviewer, reason="退回"
    )

    sent(world, application)

    assert item_of(first, application).outcome == ItemOutcome.SUPERSEDED
    assert AlliancePackage.objects.get(pk=first.pk).completed_at is None
    with pytest.raises(RegistrationError):
        registration_confirm(item=item_of(first, application), by=world.reviewer)


def test_society_staff_cannot_confirm_or_return(world: World):
    application = candidate_notice_passed(world, index=1)
    package = sent(world, application)

    with pytest.raises(RegistrationError, match="Only the alliance's reviewers"):
        registration_confirm(item=item_of(package, application), by=world.staff)
    with pytest.raises(RegistrationError, match="Only the alliance's reviewers"):
        registration_return(item=item_of(package, application), reason="不行", by=world.staff)

    application.refresh_from_db()
    assert application.state == S.WITH_ALLIANCE


def test_an_alliance_reviewer_cannot_send_a_package(world: World):
    application = candidate_notice_passed(world, index=1)

    with pytest.raises(RegistrationError, match="Only the society's staff"):
        package_send(society=world.society, batch=world.batch, by=world.reviewer)

    application.refresh_from_db()
    assert (application.state, AlliancePackage.objects.count()) == (S.NOTICE_PASSED, 0)


def test_another_societys_staff_cannot_send_its_candidates(world: World, other_society_staff):
    candidate_notice_passed(world, index=1)

    with pytest.raises(RegistrationError, match="Only the society's staff"):
        package_send(society=world.society, batch=world.batch, by=other_society_staff)


def test_sending_a_candidate_no_longer_waiting_is_refused_and_sends_nothing(world: World):
    waiting = candidate_notice_passed(world, index=1)
    other = candidate_notice_passed(world, index=2)
    sent(world, other)

    with pytest.raises(RegistrationError, match=other.number):
        sent(world, waiting, other)

    waiting.refresh_from_db()
    assert (waiting.state, AlliancePackage.objects.count()) == (S.NOTICE_PASSED, 1)


def test_sending_with_nobody_ready_is_refused(world: World):
    with pytest.raises(RegistrationError, match="Choose at least one candidate"):
        package_send(society=world.society, batch=world.batch, by=world.staff)


def test_bulk_confirm_gives_a_result_for_each_candidate(world: World):
    first = candidate_notice_passed(world, index=1)
    second = candidate_notice_passed(world, index=2)
    package = sent(world, first, second)
    registration_return(item=item_of(package, second), reason=RETURN_REASON, by=world.reviewer)

    outcomes = registration_confirm_many(
        items=[item_of(package, first), item_of(package, second)], by=world.reviewer
    )

    number = Registration.objects.get(application=first).member_number
    assert [(o.item.application_id, o.done, o.message) for o in outcomes] == [
        (first.pk, True, f"Registered as {number}."),
        (
            second.pk,
            False,
            "This candidate is not waiting for the alliance: the application is now “Public notice passed”.",
        ),
    ]


def test_member_numbers_follow_each_other_in_one_year(world: World):
    candidates = [candidate_notice_passed(world, index=i) for i in (1, 2, 3)]
    package = sent(world, *candidates)

    numbers = [
        registration_confirm(item=item_of(package, c), by=world.reviewer).member_number for c in candidates
    ]

    assert [n[-6:] for n in numbers] == ["000001", "000002", "000003"]
    assert len(set(numbers)) == 3


def test_a_failed_registration_leaves_no_gap_in_the_numbers(world: World):
    from django.db import transaction

    from engcert.registration.domain import member_number_allocate

    application = candidate_notice_passed(world, index=1)
    package = sent(world, application)
    from django.utils import timezone

    with pytest.raises(RuntimeError), transaction.atomic():
        member_number_allocate(society=world.society, grade=application.grade, at=timezone.now())
        raise RuntimeError("the registration failed after taking a number")

    assert registration_confirm(item=item_of(package, application), by=world.reviewer).member_number.endswith(
        "000001"
    )
