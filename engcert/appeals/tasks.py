"""Emails of appeals: the panel members are asked to review. (The candidate hears of each step
from the application's own status email, which carries the appeal's outcome in plain words.)"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks import task

from engcert.appeals.models import Appeal
from engcert.tasks_queue import rerunnable


@rerunnable
@task()
def appeal_notify_panel(*, appeal_id: int) -> None:
    appeal = Appeal.objects.select_related("application__batch__society").get(pk=appeal_id)
    for member in appeal.panel.select_related("user"):
        with translation.override(member.user.language):
            context = {
                "appeal": appeal,
                "name": member.user.full_name or member.user.email,
                "society": appeal.application.batch.society.display_name,
                "url": f"{settings.SITE_URL}{reverse('appeals:panel_review', args=[appeal.uid])}",
            }
            subject = render_to_string("appeals/email/panel_subject.txt", context).strip()
            body = render_to_string("appeals/email/panel_body.txt", context)
        send_mail(subject, body, None, [member.user.email])
