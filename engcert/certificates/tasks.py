"""Background work of certificates: issuing one member's or a batch's, telling the member."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks import task

from engcert.certificates.models import Certificate
from engcert.tasks_queue import rerunnable

logger = logging.getLogger(__name__)


@task()
def certificate_issue_task(*, registration_id: int) -> None:
    """Issue a newly registered member's certificate (the system issues it). A certificate that
    cannot be issued (e.g. a name no font can print) stays waiting; the society's issuance page
    lists the member and a run records the reason."""
    from engcert.certificates.domain import CertificateError, certificate_issue
    from engcert.registration.models import Registration

    registration = Registration.objects.select_related("society", "grade", "discipline").get(
        pk=registration_id
    )
    try:
        certificate_issue(registration=registration, by=None)
    except CertificateError as error:
        logger.warning("certificate of member %s not issued: %s", registration.member_number, error)


@task()
def issuance_run_task(*, run_id: int) -> None:
    from engcert.certificates.domain import issuance_run_execute

    issuance_run_execute(run_id=run_id)


@rerunnable
@task()
def certificate_notify_ready(*, certificate_id: int) -> None:
    """Tell the member that their certificate is ready to download."""
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
            "url": f"{settings.SITE_URL.rstrip('/')}{reverse('certificates:mine')}",
        }
        subject = render_to_string("certificates/member/email_ready_subject.txt", context).strip()
        body = render_to_string("certificates/member/email_ready_body.txt", context)
    send_mail(subject, body, None, [address])
