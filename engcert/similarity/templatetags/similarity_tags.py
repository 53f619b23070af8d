"""Template tags that put this app's panels on pages other apps own."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from engcert.applications.models import Application
from engcert.similarity.domain import similarity_threshold
from engcert.similarity.models import IndexedText
from engcert.similarity.selectors import similar_pairs_for_application

register = template.Library()


@register.simple_tag(takes_context=True)
def similarity_review_panel(context: dict[str, Any], application: Application) -> SafeString:
    """The initial reviewer's list of this application's texts that resemble other applicants'.
    Shown on a staff-only page of the application's society (the review app checks who may see it)."""
    sides = similar_pairs_for_application(application=application)
    society = application.batch.society
    threshold = similarity_threshold(society=society)
    return render_to_string(
        "similarity/includes/review_panel.html",
        {
            "sides": sides,
            "indexed": bool(sides) or IndexedText.objects.filter(application=application).exists(),
            "threshold_percent": int(threshold * 100),
            "society_code": society.code,
            "batch_code": application.batch.code,
        },
    )
