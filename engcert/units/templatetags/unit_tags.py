"""Template tags that put this app's panels on pages other apps own."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from engcert.review.enums import ChecklistItem
from engcert.units.domain import endorsement_get

register = template.Library()


@register.simple_tag(takes_context=True)
def unit_endorsement_panel(context: dict[str, Any], application: Any) -> SafeString:
    """For the society's staff on the initial review: whether the unit the application names
    endorsed or declined it, and why. Nothing for an application without a unit."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if application.unit_id is None or user is None:
        return mark_safe("")
    if not user.has_perm("batches.manage_batches", application.batch.society):
        return mark_safe("")
    html = render_to_string(
        "units/includes/endorsement_panel.html",
        {
            "application": application,
            "endorsement": endorsement_get(application=application),
            "checklist_label": ChecklistItem.UNIT_ENDORSEMENT.label,
        },
        request=request,
    )
    return mark_safe(html)
