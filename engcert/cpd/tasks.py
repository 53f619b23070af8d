"""Emails of CPD: a member drawn for audit, and the audit's outcome."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from django_tasks import task

from engcert.cpd.models import AuditSelection
from engcert.registration.models import Registration
from engcert.tasks_queue import rerunnable


def member_address(registration: Registration) -> tuple[str, str]:
    """Where to write to a member, and in which language."""
    holder = registration.holder
    if holder is not None and holder.email:
        return holder.email, holder.language
    return registration.email, settings.LANGUAGE_CODE


@rerunnable
@task()
def audit_notify(*, selection_id: int, event: str) -> None:
    selection = AuditSelection.objects.select_related(
        "draw__society", "registration__holder", "registration__society"
    ).get(pk=selection_id)
    address, language = member_address(selection.registration)
    if not address:
        return
    with translation.override(language):
        context = {
            "selection": selection,
            "registration": selection.registration,
            "name": selection.registration.full_name or str(selection.registration.holder or ""),
            "society": selection.draw.society.display_name,
            "outcome": selection.get_outcome_display(),
            "url": f"{settings.SITE_URL}/me/cpd/",
        }
        subject = render_to_string(f"cpd/email/audit_{event}_subject.txt", context).strip()
        body = render_to_string(f"cpd/email/audit_{event}_body.txt", context)
    send_mail(subject, body, None, [address])
