"""Emails of re-registration: each step of a renewal, the reminders before a certificate ends
and the notice that it has expired."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from django_tasks import task

from engcert.certificates.models import Certificate
from engcert.cpd.tasks import member_address
from engcert.registration.models import Registration
from engcert.renewals.models import Renewal, RenewalReminder
from engcert.tasks_queue import rerunnable


def _send(*, registration: Registration, template: str, context: dict[str, Any], address: str = "") -> None:
    default_address, language = member_address(registration)
    address = address or default_address
    if not address:
        return
    with translation.override(language):
        context = {
            **context,
            "name": registration.full_name or str(registration.holder or ""),
            "society": registration.society.display_name,
            "renewal_url": f"{settings.SITE_URL}/me/renewal/",
            "cpd_url": f"{settings.SITE_URL}/me/cpd/",
        }
        subject = render_to_string(f"renewals/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"renewals/email/{template}_body.txt", context)
    send_mail(subject, body, None, [address])


@rerunnable
@task()
def renewal_notify(*, renewal_id: int) -> None:
    renewal = Renewal.objects.select_related(
        "registration__holder", "registration__society", "certificate", "new_certificate"
    ).get(pk=renewal_id)
    _send(
        registration=renewal.registration,
        template=f"renewal_{renewal.state}",
        context={"renewal": renewal},
    )


@rerunnable
@task()
def reminder_send(*, reminder_id: int) -> None:
    reminder = RenewalReminder.objects.select_related(
        "certificate__registration__holder", "certificate__registration__society"
    ).get(pk=reminder_id)
    _send(
        registration=reminder.certificate.registration,
        template="reminder",
        context={"certificate": reminder.certificate, "days": reminder.days_before},
        address=reminder.email,
    )


@rerunnable
@task()
def expired_send(*, certificate_id: int) -> None:
    certificate = Certificate.objects.select_related("registration__holder", "registration__society").get(
        pk=certificate_id
    )
    _send(registration=certificate.registration, template="expired", context={"certificate": certificate})
