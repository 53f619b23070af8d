"""An address the mail server refuses marks the request undeliverable; staff can mark a bounce
that came back later. The applicant and staff see it, and nothing is lost."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core import mail

from engcert.applications.models import Application
from engcert.audit.models import AuditEvent
from engcert.outbox.enums import OutboxStatus
from engcert.outbox.models import OutboxMessage
from engcert.referees.enums import ClaimStatus, RequestState
from engcert.referees.models import RefereeRequest
from engcert.referees.panels import claim_rows
from tests.conftest import World
from tests.referees.conftest import REFEREE_A, REFEREE_B, link_for, name_referees
from tests.referees.smtp_sink import Sink, smtp_sink


@pytest.fixture
def sink(settings) -> Iterator[Sink]:
    with smtp_sink(refused={REFEREE_B["referee_email"]}) as server:
        # As in production: the email is written to the outbox, then delivered over SMTP.
        settings.EMAIL_BACKEND = "engcert.outbox.backend.OutboxBackend"
        settings.ENGCERT_EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = server.host
        settings.EMAIL_PORT = server.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        yield server


def test_an_address_refused_at_sending_is_marked_undeliverable(
    sink: Sink, world: World, complete_draft: Application, submit
) -> None:
    name_referees(complete_draft)
    submit(complete_draft)
    chen = RefereeRequest.objects.get(application=complete_draft, email=REFEREE_B["referee_email"])
    li = RefereeRequest.objects.get(application=complete_draft, email=REFEREE_A["referee_email"])
    assert (chen.state, li.state) == (RequestState.UNDELIVERABLE, RequestState.SENT)
    assert chen.state_reason == "The mail server refused the address: 550 5.1.1 mailbox unavailable"
    assert [recipients for recipients, _body in sink.accepted if recipients != [world.applicant.email]] == [
        [REFEREE_A["referee_email"]]
    ]
    event = AuditEvent.objects.get(action="referees.request_undeliverable", subject_id=str(chen.pk))
    assert event.data["smtp"] == "550 5.1.1 mailbox unavailable"
    refused = OutboxMessage.objects.get(reference=f"referees.request:{chen.pk}")
    assert (refused.status, refused.attempts, refused.last_error) == (
        OutboxStatus.FAILED,
        1,
        "550 5.1.1 mailbox unavailable",
    )
    assert OutboxMessage.objects.get(reference=f"referees.request:{li.pk}").status == OutboxStatus.SENT
    statuses = {
        row.source.referee.email + "/" + row.source.kind: row.status
        for row in claim_rows(application=complete_draft, with_flags=False)
    }
    assert statuses == {
        REFEREE_A["referee_email"] + "/project": ClaimStatus.AWAITING,
        REFEREE_A["referee_email"] + "/work": ClaimStatus.AWAITING,
        REFEREE_B["referee_email"] + "/work": ClaimStatus.UNDELIVERABLE,
    }
    # The applicant is told to replace the referee.
    html = world.client_for(world.applicant).get(f"/applications/{complete_draft.uid}/").content.decode()
    assert "Could not be delivered — replace the referee" in html
    # Staff see it on the review page, with the server's answer.
    review = world.client_for(world.staff).get(
        f"/staff/{world.society.code}/applications/{complete_draft.uid}/review/"
    )
    assert "550 5.1.1 mailbox unavailable" in review.content.decode()


def test_staff_mark_a_bounce_that_came_back_later(world: World, submitted: Application, client) -> None:
    chen = link_for(REFEREE_B["referee_email"])
    request = RefereeRequest.objects.get(uid=chen.uid)
    staff = world.client_for(world.staff)
    url = f"/staff/{world.society.code}/applications/{submitted.uid}/referees/{request.uid}/bounced/"
    empty = staff.post(url, {"note": " "}, follow=True)
    assert "Say what came back before marking the address as bounced." in empty.content.decode()
    assert RefereeRequest.objects.get(pk=request.pk).state == RequestState.SENT
    response = staff.post(url, {"note": "退信：550 User unknown（2025-03-02收到）"}, follow=True)
    assert "chen.jing@example.com is marked as undeliverable" in response.content.decode()
    request.refresh_from_db()
    assert (request.state, request.state_reason) == (
        RequestState.UNDELIVERABLE,
        "退信：550 User unknown（2025-03-02收到）",
    )
    event = AuditEvent.objects.get(action="referees.request_undeliverable", subject_id=str(request.pk))
    assert (event.actor, event.data["marked_by_hand"]) == (world.staff, True)
    # The referee who did receive it may still answer: nothing they send is lost.
    claim = request.claims.get()
    answered = client.post(chen.path, {f"verdict_{claim.pk}": "confirmed"})
    assert answered.status_code == 200
    assert RefereeRequest.objects.get(pk=request.pk).state == RequestState.ANSWERED


def test_a_bounce_is_not_asked_again_until_the_referee_is_replaced_or_staff_ask(
    world: World, submitted: Application, django_capture_on_commit_callbacks
) -> None:
    from engcert.referees.domain.requests import referee_request_mark_bounced, referees_ask

    request = RefereeRequest.objects.get(application=submitted, email=REFEREE_B["referee_email"])
    referee_request_mark_bounced(request=request, by=world.staff, note="550")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert referees_ask(application=submitted, by=None) == []
    assert mail.outbox == []
