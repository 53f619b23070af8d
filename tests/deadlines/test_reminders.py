"""Reminders before the application deadline and the roster deadline: each once, the one due
now, in the recipient's language."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from engcert.batches.models import Batch
from engcert.deadlines.domain.policy import deadline_policy_save
from engcert.deadlines.domain.reminders import deadline_reminders_send, threshold_due
from engcert.deadlines.enums import ReminderKind
from engcert.deadlines.models import SentReminder
from engcert.review.domain import RevisionInput, initial_review_return
from engcert.units.domain import endorsement_decide
from engcert.units.enums import EndorsementDecision
from tests.conftest import World
from tests.units.helpers import engineer_application

pytestmark = pytest.mark.usefixtures("english")

EN_BATCH = "Fourth batch of electrical engineering members"
ZH_BATCH = "第四批电气工程类工程会员"


@pytest.mark.parametrize(
    ("left", "due"),
    [
        (timedelta(days=10), None),
        (timedelta(days=7), 7),
        (timedelta(days=6, hours=23), 7),
        (timedelta(days=2), 3),
        (timedelta(hours=5), 1),
        (timedelta(0), None),
        (-timedelta(hours=1), None),
    ],
)
def test_the_reminder_due_is_the_smallest_threshold_covering_the_time_left(left: timedelta, due: int | None):
    now = timezone.now()
    assert threshold_due(deadline=now + left, now=now, days=[7, 3, 1]) == due


def _closing_in(world: World, left: timedelta) -> None:
    """The call closes `left` from now; no roster deadline in reach."""
    Batch.objects.filter(pk=world.batch.pk).update(closes_at=timezone.now() + left, roster_deadline=None)


def _english(*users) -> None:  # type: ignore[no-untyped-def]
    for user in users:
        user.language = "en"
        user.save(update_fields=["language"])


def test_applicants_with_a_draft_or_a_returned_application_are_reminded_once(world: World):
    draft = engineer_application(world, index=1, unit=world.unit, submit=False)
    returned = engineer_application(world, index=2, unit=world.unit)
    initial_review_return(
        application=returned, by=world.staff, items=[RevisionInput("personal", "手机号码有误。")]
    )
    engineer_application(world, index=3, unit=world.unit)  # submitted: no reminder
    _english(draft.applicant, returned.applicant)
    _closing_in(world, timedelta(days=2, hours=12))

    run = deadline_reminders_send()
    again = deadline_reminders_send()

    assert (run.applicants, run.unit_admins) == (2, 0)
    assert (again.applicants, again.unit_admins) == (0, 0)
    assert sorted((m.to[0], m.subject) for m in mail.outbox) == [
        ("engineer1@example.com", f"{EN_BATCH}: the call closes in 3 days"),
        ("engineer2@example.com", f"{EN_BATCH}: the call closes in 3 days"),
    ]
    bodies = {m.to[0]: m.body for m in mail.outbox}
    assert "Your application is still a draft" in bodies["engineer1@example.com"]
    assert "returned your application for revision" in bodies["engineer2@example.com"]
    assert f"/applications/{draft.uid}/" in bodies["engineer1@example.com"]
    assert list(SentReminder.objects.values_list("days_before", flat=True)) == [3, 3]


def test_a_late_run_sends_only_the_reminder_due_now_then_the_next_one(world: World):
    draft = engineer_application(world, index=1, unit=world.unit, submit=False)
    _english(draft.applicant)
    closes = timezone.now() + timedelta(days=10)
    Batch.objects.filter(pk=world.batch.pk).update(closes_at=closes, roster_deadline=None)

    # The sender was stopped through the 7-day and the 3-day reminders.
    first = deadline_reminders_send(now=closes - timedelta(hours=20))
    later = deadline_reminders_send(now=closes - timedelta(hours=2))

    assert (first.applicants, later.applicants) == (1, 0)
    assert [m.subject for m in mail.outbox] == [f"{EN_BATCH}: the call closes in 1 day"]


def test_each_threshold_goes_once_as_the_deadline_approaches(world: World):
    draft = engineer_application(world, index=1, unit=world.unit, submit=False)
    _english(draft.applicant)
    closes = timezone.now() + timedelta(days=10)
    Batch.objects.filter(pk=world.batch.pk).update(closes_at=closes, roster_deadline=None)

    for left in (
        timedelta(days=9),
        timedelta(days=6),
        timedelta(days=5),
        timedelta(days=2),
        timedelta(hours=3),
    ):
        deadline_reminders_send(now=closes - left)

    assert [m.subject for m in mail.outbox] == [
        f"{EN_BATCH}: the call closes in 7 days",
        f"{EN_BATCH}: the call closes in 3 days",
        f"{EN_BATCH}: the call closes in 1 day",
    ]


def test_a_reminder_another_host_already_claimed_is_not_sent_again(world: World):
    draft = engineer_application(world, index=1, unit=world.unit, submit=False)
    _closing_in(world, timedelta(days=2))
    world.batch.refresh_from_db()
    SentReminder.objects.create(
        kind=ReminderKind.APPLICATION,
        batch=world.batch,
        recipient=draft.applicant,
        deadline_at=world.batch.closes_at,
        days_before=3,
    )

    assert deadline_reminders_send().applicants == 0
    assert mail.outbox == []


def test_the_database_refuses_a_second_row_for_the_same_reminder(world: World):
    world.batch.refresh_from_db()
    values = {
        "kind": ReminderKind.ROSTER,
        "batch": world.batch,
        "recipient": world.unit_admin,
        "unit": world.unit,
        "deadline_at": world.batch.closes_at,
        "days_before": 1,
    }
    SentReminder.objects.create(**values)
    with pytest.raises(IntegrityError), transaction.atomic():
        SentReminder.objects.create(**values)
    values.update(kind=ReminderKind.APPLICATION, unit=None)
    SentReminder.objects.create(**values)
    with pytest.raises(IntegrityError), transaction.atomic():
        SentReminder.objects.create(**values)


def test_reminders_are_written_in_the_recipients_language(world: World):
    chinese = engineer_application(world, index=1, unit=world.unit, submit=False)
    english = engineer_application(world, index=2, unit=world.unit, submit=False)
    chinese.applicant.language = "zh-hans"
    chinese.applicant.save(update_fields=["language"])
    _english(english.applicant)
    _closing_in(world, timedelta(days=1))

    deadline_reminders_send()

    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert ZH_BATCH in subjects["engineer1@example.com"]
    assert EN_BATCH not in subjects["engineer1@example.com"]
    assert subjects["engineer2@example.com"] == f"{EN_BATCH}: the call closes in 1 day"


def test_unit_admins_are_reminded_with_their_engineers_counts(world: World):
    endorsed = engineer_application(world, index=1, unit=world.unit)
    engineer_application(world, index=2, unit=world.unit)
    engineer_application(world, index=3, unit=world.unit, submit=False)
    endorsement_decide(application=endorsed, to_decision=EndorsementDecision.ENDORSED, by=world.unit_admin)
    _english(world.unit_admin)
    Batch.objects.filter(pk=world.batch.pk).update(
        closes_at=timezone.now() + timedelta(days=20), roster_deadline=timezone.now() + timedelta(days=6)
    )
    mail.outbox.clear()

    run = deadline_reminders_send()

    assert (run.applicants, run.unit_admins) == (0, 1)
    [message] = mail.outbox
    assert message.to == ["unit@example.com"]
    assert message.subject == f"{EN_BATCH}: the roster deadline is in 7 days"
    assert "2 of your engineers have submitted an application." in message.body
    assert "1 application is waiting for your endorsement." in message.body
    assert f"/unit/{world.unit.code}/" in message.body


def test_the_societys_policy_sets_the_days(world: World):
    draft = engineer_application(world, index=1, unit=world.unit, submit=False)
    _english(draft.applicant)
    deadline_policy_save(
        society=world.society, application_reminder_days="2", roster_reminder_days="5", by=world.staff
    )
    closes = timezone.now() + timedelta(days=10)
    Batch.objects.filter(pk=world.batch.pk).update(closes_at=closes, roster_deadline=None)

    deadline_reminders_send(now=closes - timedelta(days=5))
    assert mail.outbox == []
    deadline_reminders_send(now=closes - timedelta(days=1, hours=12))
    assert [m.subject for m in mail.outbox] == [f"{EN_BATCH}: the call closes in 2 days"]


def test_the_command_sends_and_says_how_many(world: World):
    engineer_application(world, index=1, unit=world.unit, submit=False)
    engineer_application(world, index=2, unit=world.unit)
    _closing_in(world, timedelta(days=1))
    out = StringIO()

    call_command("send_deadline_reminders", stdout=out)
    call_command("send_deadline_reminders", stdout=out)

    assert out.getvalue() == "applicants: 1, unit administrators: 0\napplicants: 0, unit administrators: 0\n"
    assert [m.to for m in mail.outbox] == [["engineer1@example.com"]]
