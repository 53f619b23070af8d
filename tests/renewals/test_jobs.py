"""The scheduled jobs: reminders before a certificate ends (once per threshold, a late run
sends only the one due) and expiry after it; running either again changes nothing."""

from __future__ import annotations

import io
from datetime import date, timedelta

from django.core import mail
from django.core.management import call_command

from engcert.audit.models import AuditEvent
from engcert.certificates.enums import CertificateStatus
from engcert.certificates.models import Certificate
from engcert.cpd.years import add_years
from engcert.renewals.domain import reminder_due
from engcert.renewals.models import RenewalReminder
from tests.conftest import World
from tests.cpd.members import certificate_add, member_create

TODAY = date(2026, 12, 5)


def _certificate_ending(
    world: World, until: date, *, name: str = "王伟", holder: object = "applicant"
) -> Certificate:
    registration = member_create(
        society=world.society,
        holder=getattr(world, holder) if isinstance(holder, str) else None,
        name=name,
        valid_from=add_years(until + timedelta(days=1), -5),
    )
    return registration.certificates.get()


def _run(command: str, today: date, capture) -> str:  # type: ignore[no-untyped-def]
    out = io.StringIO()
    with capture(execute=True):
        call_command(command, today=today.isoformat(), stdout=out)
    return out.getvalue().strip()


def test_the_due_threshold_is_the_smallest_not_below_the_days_left():
    thresholds = [180, 90, 30]

    assert [reminder_due(days_left=d, thresholds=thresholds) for d in (181, 180, 120, 90, 31, 30, 1, 0, -1)] == [
        None, 180, 180, 90, 90, 30, 30, 30, None,
    ]  # fmt: skip


def test_reminders_go_out_at_180_90_and_30_days_each_once(world: World, django_capture_on_commit_callbacks):
    certificate = _certificate_ending(world, TODAY + timedelta(days=180))
    outputs = []
    for day in (
        TODAY,
        TODAY,
        TODAY + timedelta(days=1),
        TODAY + timedelta(days=90),
        TODAY + timedelta(days=150),
    ):
        outputs.append(_run("send_renewal_reminders", day, django_capture_on_commit_callbacks))
        outputs.append(_run("send_renewal_reminders", day, django_capture_on_commit_callbacks))

    assert list(RenewalReminder.objects.order_by("days_before").values_list("days_before", flat=True)) == [
        30,
        90,
        180,
    ]
    assert [m.subject for m in mail.outbox] == [
        f"Your certificate ends on {certificate.valid_until.isoformat()}: time to re-register"
    ] * 3
    assert [m.to for m in mail.outbox] == [["applicant@example.com"]] * 3
    assert outputs[:2] == [
        "reminders sent: 1, already sent before: 0",
        "reminders sent: 0, already sent before: 1",
    ]
    assert AuditEvent.objects.filter(action="renewal.reminder_sent").count() == 3


def test_a_late_run_sends_only_the_reminder_due_now(world: World, django_capture_on_commit_callbacks):
    _certificate_ending(world, TODAY + timedelta(days=25))

    _run("send_renewal_reminders", TODAY, django_capture_on_commit_callbacks)
    _run("send_renewal_reminders", TODAY, django_capture_on_commit_callbacks)

    assert list(RenewalReminder.objects.values_list("days_before", flat=True)) == [30]
    assert len(mail.outbox) == 1


def test_no_reminder_for_a_member_whose_next_term_is_issued_or_a_suspended_certificate(
    world: World, django_capture_on_commit_callbacks
):
    renewed = _certificate_ending(world, TODAY + timedelta(days=60))
    certificate_add(
        registration=renewed.registration, valid_from=renewed.valid_until + timedelta(days=1), term=2
    )
    suspended = _certificate_ending(world, TODAY + timedelta(days=60), name="李娜", holder="other_applicant")
    suspended.status = CertificateStatus.SUSPENDED
    suspended.save()

    output = _run("send_renewal_reminders", TODAY, django_capture_on_commit_callbacks)

    assert output == "reminders sent: 0, already sent before: 0"
    assert mail.outbox == []


def test_a_societys_own_reminder_days_are_used(world: World, django_capture_on_commit_callbacks):
    from engcert.certificates.domain import certificate_policy_get

    policy = certificate_policy_get(world.society)
    policy.reminder_days = "60, 14"
    policy.save()
    _certificate_ending(world, TODAY + timedelta(days=100))
    _certificate_ending(world, TODAY + timedelta(days=14), name="李娜", holder="other_applicant")

    _run("send_renewal_reminders", TODAY, django_capture_on_commit_callbacks)

    assert list(RenewalReminder.objects.values_list("days_before", flat=True)) == [14]


def test_certificates_past_their_date_expire_once_and_members_are_told(
    world: World, django_capture_on_commit_callbacks
):
    ended = _certificate_ending(world, TODAY - timedelta(days=1))
    last_day = _certificate_ending(world, TODAY, name="李娜", holder="other_applicant")
    revoked = _certificate_ending(world, TODAY - timedelta(days=30), name="吊销", holder=None)
    revoked.status = CertificateStatus.REVOKED
    revoked.save()

    first = _run("expire_certificates", TODAY, django_capture_on_commit_callbacks)
    again = _run("expire_certificates", TODAY, django_capture_on_commit_callbacks)

    assert (first, again) == ("certificates expired: 1", "certificates expired: 0")
    statuses = {c.pk: c.status for c in Certificate.objects.all()}
    assert statuses == {
        ended.pk: CertificateStatus.EXPIRED,
        last_day.pk: CertificateStatus.VALID,
        revoked.pk: CertificateStatus.REVOKED,
    }
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["applicant@example.com"], f"Your certificate {ended.number} has expired")
    ]
    event = AuditEvent.objects.filter(action="certificates.expired").get()
    assert (event.subject_id, event.from_state, event.to_state, event.actor) == (
        str(ended.pk),
        "valid",
        "expired",
        None,
    )


def test_a_bad_date_is_refused_clearly():
    import pytest
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="--today must be a date like 2026-12-31, not '5/12/2026'"):
        call_command("expire_certificates", today="5/12/2026", stdout=io.StringIO())
