"""Template tags that put this app's panels on pages other apps own."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def similarity_review_panel(context: dict[str, Any], application: Any) -> str:
    # Filled in by the similarity app.
    return ""
