"""Template tags that put this app's panels on pages other apps own."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def referee_review_panel(context: dict[str, Any], application: Any) -> str:
    # Filled in by the referees app.
    return ""


@register.simple_tag(takes_context=True)
def referee_applicant_panel(context: dict[str, Any], application: Any) -> str:
    # Filled in by the referees app.
    return ""
