"""The member-number policy: its format is checked when saved, and numbers never repeat."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction
from django.utils import timezone

from engcert.applications.enums import ApplicationState as S
from engcert.audit.models import AuditEvent
from engcert.registration.domain import (
    RegistrationError,
    member_number_allocate,
    registration_confirm,
    registration_policy_update,
)
from engcert.registration.enums import SequenceScope
from engcert.registration.models import NumberCounter, Registration, RegistrationPolicy
from engcert.registration.numbering import number_format_problems
from engcert.registration.selectors import registration_policy_get
from tests.conftest import World
from tests.registration.conftest import candidate_notice_passed, item_of, sent


@pytest.mark.parametrize(
    ("number_format", "problem"),
    [
        (
            "{prefix}{year}{member}{seq:06d}",
            "Unknown token: {member}. Use {prefix}, {year}, {society}, {grade} and {seq:06d}.",
        ),
        ("{prefix}{year}{society}", "The format must contain the running number {seq:06d} exactly once."),
        ("{seq:06d}-{seq:06d}", "The format must contain the running number {seq:06d} exactly once."),
        ("{prefix}{seq:>6}", "Write the running number as {seq:06d} (the digits give its width)."),
        ("{prefix:>5}{seq:06d}", "Only the running number takes a width, e.g. {seq:06d}."),
        ("{prefix{seq:06d}", "Braces must come in pairs around a token, e.g. {year}."),
        ("{prefix}}{seq:06d}", "Braces must come in pairs around a token, e.g. {year}."),
    ],
)
def test_an_invalid_format_is_refused_with_a_clear_reason(number_format: str, problem: str):
    assert number_format_problems(number_format, scope=SequenceScope.NATIONAL) == [problem]


def test_a_sequence_per_society_needs_the_society_in_the_number():
    assert number_format_problems("{prefix}{year}{seq:06d}", scope=SequenceScope.SOCIETY) == [
        "A running number per society needs {society} in the format."
    ]
    assert number_format_problems("{society}{year}{seq:06d}", scope=SequenceScope.SOCIETY_GRADE) == [
        "A running number per society and grade needs {grade} in the format."
    ]


def test_the_default_format_is_valid():
    policy = RegistrationPolicy()
    policy.clean()  # raises on a problem
    assert (policy.prefix, policy.number_format, policy.sequence_scope) == (
        "CEA",
        "{prefix}{year}{society}{seq:06d}",
        SequenceScope.NATIONAL,
    )


def test_saving_an_invalid_format_through_the_domain_is_refused_and_keeps_the_old_one(world: World):
    with pytest.raises(ValidationError) as refused:
        registration_policy_update(
            prefix="CEA",
            number_format="{prefix}{year}",
            sequence_scope=SequenceScope.NATIONAL,
            by=world.reviewer,
        )

    assert refused.value.message_dict == {
        "number_format": ["The format must contain the running number {seq:06d} exactly once."]
    }
    assert registration_policy_get().number_format == "{prefix}{year}{society}{seq:06d}"


def test_changing_the_policy_is_audited_and_shapes_the_next_number(world: World):
    registration_policy_update(
        prefix="CN",
        number_format="{prefix}-{society}-{grade}-{year}-{seq:04d}",
        sequence_scope=SequenceScope.SOCIETY_GRADE,
        by=world.reviewer,
    )

    grade = world.batch.framework_version.grades.get(code="PE")
    now = timezone.now()
    number = member_number_allocate(society=world.society, grade=grade, at=now)
    assert number == f"CN-CSEE-PE-{timezone.localtime(now).year}-0001"
    event = AuditEvent.objects.get(action="registration.policy_changed")
    assert (event.actor, event.data["after"]["number_format"]) == (
        world.reviewer,
        "{prefix}-{society}-{grade}-{year}-{seq:04d}",
    )


def test_only_a_reviewer_may_change_the_policy(world: World):
    with pytest.raises(RegistrationError):
        registration_policy_update(
            prefix="X", number_format="{seq:06d}", sequence_scope=SequenceScope.NATIONAL, by=world.staff
        )


def test_a_format_without_the_year_keeps_one_sequence_across_years(world: World):
    registration_policy_update(
        prefix="CEA",
        number_format="{prefix}{seq:08d}",
        sequence_scope=SequenceScope.NATIONAL,
        by=world.reviewer,
    )
    grade = world.batch.framework_version.grades.get(code="PE")

    first = member_number_allocate(society=world.society, grade=grade, at=timezone.now())
    second = member_number_allocate(
        society=world.society, grade=grade, at=timezone.now() + timezone.timedelta(days=400)
    )

    assert (first, second) == ("CEA00000001", "CEA00000002")
    assert list(NumberCounter.objects.values_list("scope", "year", "last_value")) == [("national", 0, 2)]


def test_the_sequence_restarts_each_year_when_the_format_has_the_year(world: World):
    grade = world.batch.framework_version.grades.get(code="PE")
    now = timezone.now()

    this_year = member_number_allocate(society=world.society, grade=grade, at=now)
    next_year = member_number_allocate(
        society=world.society, grade=grade, at=now + timezone.timedelta(days=370)
    )

    assert (this_year[-6:], next_year[-6:]) == ("000001", "000001")
    assert this_year != next_year


@pytest.mark.django_db(transaction=True)
def test_two_app_servers_taking_numbers_at_once_never_share_one(world: World):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are what is tested; SQLite serialises every writer anyway")
    grade = world.batch.framework_version.grades.get(code="PE")
    registration_policy_get()
    taken: list[str] = []
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def server() -> None:
        try:
            start.wait()
            for _ in range(15):
                with transaction.atomic():
                    taken.append(
                        member_number_allocate(society=world.society, grade=grade, at=timezone.now())
                    )
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=server) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(n[-6:] for n in taken) == [f"{i:06d}" for i in range(1, 31)]


@pytest.mark.django_db(transaction=True)
def test_two_reviewers_confirming_at_once_register_both_with_consecutive_numbers(world: World):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are what is tested; SQLite serialises every writer anyway")
    first = candidate_notice_passed(world, index=1)
    second = candidate_notice_passed(world, index=2)
    one, two = sent(world, first), sent(world, second)
    items = [item_of(one, first), item_of(two, second)]
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def reviewer(item: object) -> None:
        try:
            start.wait()
            registration_confirm(item=item, by=world.reviewer)  # type: ignore[arg-type]
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=reviewer, args=(item,)) for item in items]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(n[-6:] for n in Registration.objects.values_list("member_number", flat=True)) == [
        "000001",
        "000002",
    ]
    first.refresh_from_db()
    second.refresh_from_db()
    # Each registration then issues its member's certificate (a task, immediate in tests).
    assert (first.state, second.state) == (S.CERTIFICATE_ISSUED, S.CERTIFICATE_ISSUED)
