"""The emails a referee receives: in the society's language (Chinese by default), with the same
text in English below it, since a referee has no account and no language of their own here."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from engcert.referees.models import RefereeRequest


def referee_link(*, request: RefereeRequest, token: str) -> str:
    return settings.SITE_URL + reverse("referees:answer", args=[request.uid, token])


def _languages() -> list[str]:
    primary = settings.LANGUAGE_CODE
    return [primary] if primary == "en" else [primary, "en"]


def referee_email_send(*, request: RefereeRequest, token: str, reminder: bool) -> None:
    """Render and send the ask (or the reminder); SMTP errors reach the caller."""
    application = request.application
    claims = list(request.claims.filter(replaced_at__isnull=True).order_by("pk"))
    context = {
        "request": request,
        "claims": claims,
        "applicant_name": application.full_name or str(application.applicant),
        "society": application.batch.society,
        "url": referee_link(request=request, token=token),
        "expires": timezone.localtime(request.expires_at).strftime("%Y-%m-%d"),
        "reminder": reminder,
    }
    subjects, bodies = [], []
    for language in _languages():
        with translation.override(language):
            context["society_name"] = application.batch.society.display_name
            subjects.append(render_to_string("referees/email/ask_subject.txt", context).strip())
            bodies.append(render_to_string("referees/email/ask_body.txt", context).strip())
    send_mail(" / ".join(subjects), "\n\n-----\n\n".join(bodies) + "\n", None, [request.email])
