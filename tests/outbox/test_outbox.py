"""Emails wait in the outbox while the mail server is down and go exactly once when it is back;
a server's "try again later" is tried again, waiting longer each time; a refusal for good fails
the email with the server's answer; work rolled back sends nothing; administrators send again."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives, send_mail
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from engcert.accounts.models import User
from engcert.applications.domain.application import application_submit
from engcert.applications.enums import ApplicationState
from engcert.applications.models import Application
from engcert.outbox.domain import OutboxError, outbox_about, outbox_deliver, outbox_message_retry
from engcert.outbox.enums import OutboxStatus
from engcert.outbox.models import OutboxMessage
from tests.conftest import World, enrol_totp
from tests.outbox.conftest import GREYLISTED, REFUSED
from tests.referees.smtp_sink import Sink

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def deliver_on_commit(django_capture_on_commit_callbacks):
    """Inside a test's transaction nothing commits: run what a commit would set going."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def row_state(message: OutboxMessage) -> tuple[str, int, str]:
    message.refresh_from_db()
    return (message.status, message.attempts, message.last_error)


def test_with_the_mail_server_down_a_submission_completes_and_its_email_waits_for_the_next_try(
    smtp_down: int, world: World, complete_draft: Application, django_capture_on_commit_callbacks
) -> None:
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        application_submit(application=complete_draft, by=world.applicant)
    after = timezone.now()

    complete_draft.refresh_from_db()
    assert complete_draft.state == ApplicationState.SUBMITTED
    message = OutboxMessage.objects.get(recipients=[world.applicant.email])
    assert (message.status, message.attempts, message.sent_at) == (OutboxStatus.QUEUED, 1, None)
    assert message.last_error == "ConnectionRefusedError: [Errno 111] Connection refused"
    assert message.next_attempt_at is not None
    assert before + timedelta(seconds=60) <= message.next_attempt_at <= after + timedelta(seconds=60)


def test_when_the_server_is_back_each_waiting_email_is_delivered_exactly_once(
    settings, smtp_down: int, world: World, complete_draft: Application, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        application_submit(application=complete_draft, by=world.applicant)
    message = OutboxMessage.objects.get(recipients=[world.applicant.email])
    waiting = sorted(row.recipients for row in OutboxMessage.objects.filter(status=OutboxStatus.QUEUED))
    assert outbox_deliver(now=timezone.now()).sent == 0  # not due yet: nothing is tried

    from tests.referees.smtp_sink import smtp_sink

    with smtp_sink(refused=set()) as server:
        settings.EMAIL_PORT = server.port
        later = timezone.now() + timedelta(seconds=61)
        first = outbox_deliver(now=later)
        second = outbox_deliver(now=later + timedelta(hours=1))
        accepted = list(server.accepted)

    assert (first.sent, first.retrying, first.failed, second.sent) == (len(waiting), 0, 0, 0)
    assert sorted(recipients for recipients, _data in accepted) == waiting
    assert OutboxMessage.objects.exclude(status=OutboxStatus.SENT).count() == 0
    mine = [data for recipients, data in accepted if recipients == [world.applicant.email]]
    assert len(mine) == 1 and f"/applications/{complete_draft.uid}/" in mine[0]
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxStatus.SENT, 2)
    assert message.sent_at is not None


def test_a_server_that_says_try_again_later_is_tried_again_waiting_twice_as_long_each_time(
    settings, sink: Sink, world: World, deliver_on_commit
) -> None:
    settings.ENGCERT_OUTBOX_MAX_ATTEMPTS = 4
    with deliver_on_commit():
        send_mail("Greylisted", "Body", None, [GREYLISTED])
    message = OutboxMessage.objects.get()
    waits = []
    for _try in range(2):
        assert message.next_attempt_at is not None
        due = message.next_attempt_at
        outbox_deliver(now=due)
        message.refresh_from_db()
        assert message.next_attempt_at is not None
        waits.append(message.next_attempt_at - due)
    assert waits == [timedelta(seconds=120), timedelta(seconds=240)]
    # The first try was made when the email was written (its delivery task ran at once).
    assert row_state(message) == (OutboxStatus.QUEUED, 3, "451 4.7.1 greylisted, try again later")

    outbox_deliver(now=message.next_attempt_at)
    assert row_state(message) == (OutboxStatus.FAILED, 4, "451 4.7.1 greylisted, try again later")
    assert message.next_attempt_at is None
    assert sink.accepted == []


def test_a_refusal_for_good_fails_the_email_with_the_servers_answer_and_the_others_go(
    sink: Sink, world: World, deliver_on_commit
) -> None:
    with deliver_on_commit():
        send_mail("Refused", "Body", None, [REFUSED])
        send_mail("Accepted", "Body", None, [world.applicant.email])

    refused = OutboxMessage.objects.get(subject="Refused")
    accepted = OutboxMessage.objects.get(subject="Accepted")
    assert row_state(refused) == (OutboxStatus.FAILED, 1, "550 5.1.1 mailbox unavailable")
    assert row_state(accepted) == (OutboxStatus.SENT, 1, "")
    assert [recipients for recipients, _data in sink.accepted] == [[world.applicant.email]]


def test_work_rolled_back_sends_nothing(sink: Sink, world: World) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        send_mail("Never", "Body", None, [world.applicant.email])
        raise RuntimeError("the work failed after writing its email")
    assert OutboxMessage.objects.count() == 0
    assert sink.accepted == []


def test_the_message_is_delivered_as_it_was_written_with_its_alternatives_and_reference(
    settings, outbox_over_smtp: None, world: World, deliver_on_commit
) -> None:
    settings.ENGCERT_EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    written = EmailMultiAlternatives("证书已签发 Certificate", "纯文本 text", None, ["member@example.com"])
    written.attach_alternative("<p>网页 html</p>", "text/html")
    with deliver_on_commit(), outbox_about("certificates.certificate:7"):
        written.send()

    row = OutboxMessage.objects.get()
    assert (row.reference, row.subject, row.recipients) == (
        "certificates.certificate:7",
        "证书已签发 Certificate",
        ["member@example.com"],
    )
    assert [(m.subject, m.body, m.to) for m in mail.outbox] == [
        ("证书已签发 Certificate", "纯文本 text", ["member@example.com"])
    ]
    assert mail.outbox[0].message().as_bytes() == bytes(row.mime)
    assert b"Content-Type: text/html" in bytes(row.mime)


def test_send_outbox_sends_what_is_due_and_says_how_many(sink: Sink, world: World, capsys) -> None:
    for index in range(3):
        OutboxMessage.objects.create(
            from_email="engcert <noreply@engcert.localhost>",
            recipients=[f"member{index}@example.com"],
            subject=f"Mail {index}",
            mime=f"Subject: Mail {index}\n\nBody\n".encode(),
            next_attempt_at=timezone.now(),
        )
    call_command("send_outbox")
    assert capsys.readouterr().out == "sent: 3, to try again: 0, failed: 0, waiting: 0\n"
    assert sorted(recipients[0] for recipients, _data in sink.accepted) == [
        "member0@example.com",
        "member1@example.com",
        "member2@example.com",
    ]


def _failed(deliver_on_commit) -> OutboxMessage:
    with deliver_on_commit():
        send_mail("Refused", "Body", None, [REFUSED])
    return OutboxMessage.objects.get(status=OutboxStatus.FAILED)


def test_an_administrator_sends_a_failed_email_again_from_the_admin(
    sink: Sink, world: World, deliver_on_commit
) -> None:
    message = _failed(deliver_on_commit)
    sink.refused.clear()  # the receiving end fixed the mailbox
    admin = User.objects.create_superuser(email="root@example.com", password="x", full_name="管理员")
    enrol_totp(admin)
    client = world.client_for(admin)
    listing = client.get("/admin/outbox/outboxmessage/?status__exact=failed")
    assert "550 5.1.1 mailbox unavailable" in listing.content.decode()

    with deliver_on_commit():
        response = client.post(
            "/admin/outbox/outboxmessage/",
            {"action": "send_again", "_selected_action": [str(message.pk)]},
            follow=True,
        )
    assert "1 email will be sent again." in response.content.decode()
    assert row_state(message) == (OutboxStatus.SENT, 1, "550 5.1.1 mailbox unavailable")
    assert [recipients for recipients, _data in sink.accepted] == [[REFUSED]]


def test_society_staff_who_are_not_administrators_cannot_see_or_resend_emails(
    sink: Sink, world: World, deliver_on_commit
) -> None:
    message = _failed(deliver_on_commit)
    response = world.client_for(world.staff).get("/admin/outbox/outboxmessage/")
    assert (response.status_code, response["Location"]) == (
        302,
        "/admin/login/?next=/admin/outbox/outboxmessage/",
    )
    with pytest.raises(OutboxError, match=r"^Only administrators can send an email again\.$"):
        outbox_message_retry(message=message, by=world.staff)
    assert row_state(message) == (OutboxStatus.FAILED, 1, "550 5.1.1 mailbox unavailable")
