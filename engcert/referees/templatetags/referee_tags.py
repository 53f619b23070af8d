"""Template tags that put this app's panels on pages other apps own."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from engcert.applications.enums import ApplicationState
from engcert.referees.forms import BounceForm
from engcert.referees.panels import claim_rows, open_requests

register = template.Library()


@register.simple_tag(takes_context=True)
def referee_review_panel(context: dict[str, Any], application: Any) -> SafeString:
    """For the society's staff on the initial review: each claim's status, the answers, the flags,
    and the buttons to ask the referees and to record a bounce."""
    request = context.get("request")
    user = getattr(request, "user", None)
    society = application.batch.society
    if user is None or not user.has_perm("referees.manage_referees", society):
        return mark_safe("")
    rows = claim_rows(application=application, with_flags=True)
    html = render_to_string(
        "referees/includes/review_panel.html",
        {
            "application": application,
            "society": society,
            "rows": rows,
            "links": open_requests(rows),
            "bounce_form": BounceForm(),
            "flagged": sum(1 for row in rows if row.flags),
        },
        request=request,
    )
    return mark_safe(html)


@register.simple_tag(takes_context=True)
def referee_applicant_panel(context: dict[str, Any], application: Any) -> SafeString:
    """For the applicant, once submitted: whether each claim is confirmed yet, and a way to
    replace a referee who has not answered or could not be reached."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or application.applicant_id != user.pk or application.state == ApplicationState.DRAFT:
        return mark_safe("")
    rows = claim_rows(application=application, with_flags=False)
    html = render_to_string(
        "referees/includes/applicant_panel.html",
        {
            "application": application,
            "rows": rows,
            "can_replace": user.has_perm("referees.replace_referee", application),
        },
        request=request,
    )
    return mark_safe(html)
