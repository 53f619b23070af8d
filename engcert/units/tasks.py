"""Emails of units: an invitation to administer a unit, the answer to a request to administer
one, and a unit's invitation to one of its engineers to apply."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks import task

from engcert.accounts.models import User
from engcert.tasks_queue import rerunnable
from engcert.units.domain import unit_admin_invitation_token_issue
from engcert.units.models import AdminInvitation, AdminRequest, EngineerInvitation


def _language_of(email: str, fallback: str) -> str:
    user = User.objects.filter(email__iexact=email).only("language").first()
    return user.language if user is not None else fallback


def _send(*, address: str, language: str, template: str, context: dict[str, Any]) -> None:
    with translation.override(language):
        subject = render_to_string(f"units/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"units/email/{template}_body.txt", context)
    send_mail(subject, body, None, [address])


@rerunnable
@task()
def admin_invitation_deliver(*, invitation_id: int) -> None:
    invitation = AdminInvitation.objects.select_related("unit", "unit__society", "invited_by").get(
        pk=invitation_id
    )
    if invitation.accepted_at is not None:
        return
    token = unit_admin_invitation_token_issue(invitation=invitation)
    _send(
        address=invitation.email,
        language=_language_of(invitation.email, invitation.invited_by.language),
        template="admin_invitation",
        context={
            "invitation": invitation,
            "link": settings.SITE_URL + reverse("units:invitation", args=[token]),
        },
    )


@rerunnable
@task()
def admin_request_notify(*, request_id: int) -> None:
    request = AdminRequest.objects.select_related("unit", "unit__society", "user").get(pk=request_id)
    _send(
        address=request.user.email,
        language=request.user.language,
        template=f"admin_request_{request.state}",
        context={"request": request, "link": settings.SITE_URL + reverse("units:home")},
    )


@rerunnable
@task()
def engineer_invitation_send(*, invitation_id: int) -> None:
    invitation = EngineerInvitation.objects.select_related(
        "unit", "batch", "batch__society", "invited_by"
    ).get(pk=invitation_id)
    batch = invitation.batch
    _send(
        address=invitation.email,
        language=_language_of(invitation.email, invitation.invited_by.language),
        template="engineer_invitation",
        context={
            "invitation": invitation,
            "link": settings.SITE_URL + reverse("calls:detail", args=[batch.society.code, batch.code]),
        },
    )
