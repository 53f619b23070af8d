"""Telling a member that the status of their certificate changed (suspended, reinstated, revoked)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks import task

from engcert.certificates.models import Certificate
from engcert.tasks_queue import rerunnable


@rerunnable
@task()
def certificate_notify_status(*, certificate_id: int) -> None:
    """Email the member the certificate's new status and the reason staff gave."""
    certificate = Certificate.objects.select_related("registration__holder", "society", "grade").get(
        pk=certificate_id
    )
    registration = certificate.registration
    holder = registration.holder
    address = registration.email or (holder.email if holder is not None else "")
    if not address:
        return
    language = holder.language if holder is not None and holder.language else settings.LANGUAGE_CODE
    with translation.override(language):
        context = {
            "certificate": certificate,
            "name": certificate.full_name,
            "url": f"{settings.SITE_URL.rstrip('/')}"
            f"{reverse('certificates:verify_number', args=[certificate.number])}",
        }
        subject = render_to_string("certificates/staff/detail_email_status_subject.txt", context).strip()
        body = render_to_string("certificates/staff/detail_email_status_body.txt", context)
    send_mail(subject, body, None, [address])
