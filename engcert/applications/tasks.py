"""Background work for applications: emails after a state change."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from django_tasks import task

from engcert.applications.enums import PUBLIC_LABELS
from engcert.applications.models import Application


@task()
def application_notify_state_change(
    *, application_id: int, from_state: str, to_state: str, reason: str
) -> None:
    application = Application.objects.select_related("applicant", "batch").get(pk=application_id)
    user = application.applicant
    with translation.override(user.language):
        context = {
            "application": application,
            "status": PUBLIC_LABELS[to_state],
            "reason": reason,
            "url": f"{settings.SITE_URL}/applications/{application.uid}/",
        }
        subject = render_to_string("applications/email/state_subject.txt", context).strip()
        body = render_to_string("applications/email/state_body.txt", context)
    send_mail(subject, body, None, [user.email])
