"""Sheets due within a day or overdue earn their examiner one reminder each; staff and the
examiner see overdue sheets flagged."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone, translation

from engcert.applications.domain.transition import application_transition
from engcert.applications.enums import ApplicationState
from engcert.examiners.enums import InterviewStatus
from engcert.examiners.models import EvaluationPolicy, Interview
from engcert.scoring.domain.reminders import sheet_reminders_send
from engcert.scoring.enums import ReminderKind
from engcert.scoring.models import ScoreSheetReminder
from tests.scoring.conftest import declare_and_submit, room_of


@pytest.fixture(autouse=True)
def _locmem_mail(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def _interview_ended(setup, hours_ago: float) -> None:
    interview = setup.interview
    interview.ends_at = timezone.now() - timedelta(hours=hours_ago)
    interview.starts_at = interview.ends_at - timedelta(minutes=45)
    interview.save(update_fields=["starts_at", "ends_at"])


def _zh(text: str) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(text)


def _run() -> str:
    out = StringIO()
    call_command("send_score_sheet_reminders", stdout=out)
    return out.getvalue().strip()


def test_nothing_is_sent_while_the_sheet_is_more_than_a_day_from_due(world, setup):
    _interview_ended(setup, hours_ago=10)  # due in 38 hours with the default 48
    mail.outbox.clear()
    assert _run() == "0 reminder emails sent."
    assert mail.outbox == []


def test_a_sheet_due_within_a_day_earns_each_examiner_one_reminder(world, setup):
    _interview_ended(setup, hours_ago=30)  # due in 18 hours
    mail.outbox.clear()
    assert _run() == "2 reminder emails sent."
    assert sorted(m.to[0] for m in mail.outbox) == sorted([world.examiner.email, setup.user(1).email])
    message = next(m for m in mail.outbox if m.to == [world.examiner.email])
    # The examiner reads Chinese (the default); the mail is plain text with the way to the sheet.
    with translation.override("zh-hans"):
        assert message.subject == translation.gettext("Score sheets due within a day")
    assert setup.application.number in message.body
    assert f"/examiner/{setup.application.uid}/score/" in message.body
    assert "<" not in message.body
    assert list(ScoreSheetReminder.objects.values_list("kind", flat=True)) == [ReminderKind.DUE_SOON] * 2
    # Running again sends nothing new.
    assert _run() == "0 reminder emails sent."
    assert len(mail.outbox) == 2


def test_an_overdue_sheet_earns_one_more_reminder_then_none(world, setup):
    _interview_ended(setup, hours_ago=30)
    sheet_reminders_send(now=timezone.now())
    mail.outbox.clear()
    _interview_ended(setup, hours_ago=50)  # same interview moved in the data: a new due date
    ScoreSheetReminder.objects.all().delete()
    assert sheet_reminders_send(now=timezone.now()) == 2
    assert {m.subject for m in mail.outbox} == {_zh("Score sheets overdue")}
    assert sheet_reminders_send(now=timezone.now()) == 0
    later = timezone.now() + timedelta(hours=5)
    assert sheet_reminders_send(now=later) == 0


def test_overdue_follows_due_soon_for_the_same_due_date(world, setup):
    _interview_ended(setup, hours_ago=30)
    due_at = setup.interview.ends_at + timedelta(hours=48)
    assert sheet_reminders_send(now=timezone.now()) == 2
    assert sheet_reminders_send(now=due_at + timedelta(minutes=1)) == 2
    assert sheet_reminders_send(now=due_at + timedelta(hours=3)) == 0
    kinds = sorted(ScoreSheetReminder.objects.values_list("kind", flat=True))
    assert kinds == sorted([ReminderKind.DUE_SOON] * 2 + [ReminderKind.OVERDUE] * 2)


def test_an_english_reader_gets_the_reminder_in_english(world, setup):
    world.examiner.language = "en"
    world.examiner.save(update_fields=["language"])
    _interview_ended(setup, hours_ago=60)
    mail.outbox.clear()
    sheet_reminders_send(now=timezone.now())
    message = next(m for m in mail.outbox if m.to == [world.examiner.email])
    assert message.subject == "Score sheets overdue"
    due = timezone.localtime(setup.interview.ends_at + timedelta(hours=48)).strftime("%Y-%m-%d %H:%M")
    assert f"Overdue: was due {due} (Beijing time)" in message.body


def test_a_submitted_sheet_earns_no_reminder(world, setup):
    declare_and_submit(setup.chair, level=2)
    _interview_ended(setup, hours_ago=60)
    mail.outbox.clear()
    assert _run() == "1 reminder email sent."
    assert [m.to for m in mail.outbox] == [[setup.user(1).email]]


def test_a_moved_interview_moves_the_due_date_and_earns_a_new_reminder(world, setup):
    _interview_ended(setup, hours_ago=30)
    assert sheet_reminders_send(now=timezone.now()) == 2
    setup.interview.status = InterviewStatus.CANCELLED
    setup.interview.save(update_fields=["status"])
    ends = timezone.now() - timedelta(hours=29)
    Interview.objects.create(
        application=setup.application,
        starts_at=ends - timedelta(minutes=45),
        ends_at=ends,
        room=room_of(world.society),
    )
    assert sheet_reminders_send(now=timezone.now()) == 2
    assert ScoreSheetReminder.objects.count() == 4


def test_no_reminder_once_the_candidate_has_left_the_interview_stage(world, setup):
    _interview_ended(setup, hours_ago=60)
    application_transition(
        application=setup.application,
        to_state=ApplicationState.WITHDRAWN,
        by=setup.application.applicant,
        reason="个人原因",
    )
    assert sheet_reminders_send(now=timezone.now()) == 0


def test_the_society_decides_when_sheets_are_due(world, setup):
    EvaluationPolicy.objects.create(society=world.society, score_sheet_due_hours=12)
    _interview_ended(setup, hours_ago=13)
    mail.outbox.clear()
    sheet_reminders_send(now=timezone.now())
    assert {m.subject for m in mail.outbox} == {_zh("Score sheets overdue")}


def test_overdue_sheets_are_flagged_for_staff_and_the_examiner(world, setup):
    declare_and_submit(setup.chair, level=2)
    _interview_ended(setup, hours_ago=60)
    staff = world.client_for(world.staff)
    html = staff.get(
        f"/staff/{world.society.code}/applications/{setup.application.uid}/scores/"
    ).content.decode()
    assert html.count('<span class="status status-sheet-overdue">Overdue</span>') == 1
    assert '<span class="status status-sheet-submitted">Submitted</span>' in html
    listing = staff.get(f"/staff/{world.society.code}/scores/").content.decode()
    assert '<span class="status status-sheet-overdue">1 overdue</span>' in listing
    member = world.client_for(setup.user(1)).get("/examiner/").content.decode()
    assert '<span class="status status-sheet-overdue">Overdue</span>' in member
