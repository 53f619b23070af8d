"""Referees who have not answered are reminded once per threshold (7 and 14 days by default)."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from engcert.applications.models import Application
from engcert.audit.models import AuditEvent
from engcert.referees.domain.requests import referee_reminders_send
from engcert.referees.models import RefereeClaim, RefereeRequest
from engcert.referees.selectors import referee_policy_get
from tests.conftest import World
from tests.referees.conftest import REFEREE_A, REFEREE_B, link_for, links_sent


def _age(application: Application, days: float) -> None:
    sent = timezone.now() - timedelta(days=days)
    RefereeRequest.objects.filter(application=application).update(sent_at=sent, last_sent_at=sent)


def test_each_threshold_reminds_once(client: Client, submitted: Application) -> None:
    li = link_for(REFEREE_A["referee_email"])
    claims = RefereeClaim.objects.filter(request__uid=li.uid)
    client.post(li.path, {f"verdict_{c.pk}": "confirmed" for c in claims})
    before = len(links_sent())
    _age(submitted, 6.9)
    assert referee_reminders_send() == 0
    _age(submitted, 7.1)
    assert referee_reminders_send() == 1
    assert referee_reminders_send() == 0
    reminders = links_sent()[before:]
    assert [(s.to, s.subject) for s in reminders] == [
        (REFEREE_B["referee_email"], "Reminder: please confirm what 王伟 wrote about their engineering work")
    ]
    assert "We wrote to you earlier and have not received your answer yet." in reminders[0].body
    _age(submitted, 14.2)
    assert referee_reminders_send() == 1
    assert referee_reminders_send() == 0
    request = RefereeRequest.objects.get(application=submitted, email=REFEREE_B["referee_email"])
    assert request.reminders_done == [7, 14]
    assert [
        e.data["after_days"] for e in AuditEvent.objects.filter(action="referees.reminded").order_by("pk")
    ] == [
        [7],
        [14],
    ]


def test_a_late_run_sends_one_reminder_for_every_threshold_passed(submitted: Application) -> None:
    _age(submitted, 15)
    assert referee_reminders_send() == 2  # one per referee, not one per threshold
    assert sorted(r.reminders_done for r in RefereeRequest.objects.filter(application=submitted)) == [
        [7, 14],
        [7, 14],
    ]
    assert referee_reminders_send() == 0


def test_the_reminder_carries_a_new_link_and_the_earlier_one_says_so(
    client: Client, submitted: Application
) -> None:
    first = link_for(REFEREE_B["referee_email"])
    _age(submitted, 8)
    referee_reminders_send()
    second = link_for(REFEREE_B["referee_email"])
    assert second.uid == first.uid and second.token != first.token
    refused = client.get(first.path)
    assert refused.status_code == 410
    assert "A newer link was sent to you" in refused.content.decode()
    assert client.get(second.path).status_code == 200


def test_the_societys_own_days_are_followed_and_expired_links_are_not_reminded(
    world: World, submitted: Application
) -> None:
    policy = referee_policy_get(society=world.society)
    policy.reminder_days = [3]
    policy.save()
    _age(submitted, 3.5)
    RefereeRequest.objects.filter(email=REFEREE_A["referee_email"]).update(expires_at=timezone.now())
    assert referee_reminders_send() == 1
    assert RefereeRequest.objects.get(email=REFEREE_B["referee_email"]).reminders_done == [3]


def test_the_command_sends_the_reminders(submitted: Application) -> None:
    _age(submitted, 8)
    out = StringIO()
    call_command("send_referee_reminders", stdout=out)
    assert out.getvalue() == "2 referee reminder(s) sent.\n"
    out = StringIO()
    call_command("send_referee_reminders", stdout=out)
    assert out.getvalue() == "0 referee reminder(s) sent.\n"
