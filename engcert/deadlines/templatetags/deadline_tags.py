"""Deadlines where people work: "N days left" or "closed on …", counting extensions.

{% load deadline_tags %}
{% deadline_left batch.closes_at %}           any deadline
{% application_deadline application %}        the applicant's (with their extension)
{% roster_deadline batch unit %}              a unit's roster deadline (with its extension)
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import template
from django.utils import timezone

from engcert.deadlines.domain.checks import application_deadline_get, roster_deadline_get

register = template.Library()


def _context(deadline: datetime | None, now: datetime | None = None) -> dict[str, Any]:
    if deadline is None:
        return {"deadline": None}
    now = now or timezone.now()
    left = deadline - now
    return {
        "deadline": deadline,
        "closed": left.total_seconds() <= 0,
        "days": left.days,
        "soon": left.days < 3,
    }


@register.inclusion_tag("deadlines/includes/left.html")
def deadline_left(deadline: datetime | None) -> dict[str, Any]:
    return _context(deadline)


@register.inclusion_tag("deadlines/includes/left.html")
def application_deadline(application: Any) -> dict[str, Any]:
    return _context(application_deadline_get(batch=application.batch, applicant_id=application.applicant_id))


@register.inclusion_tag("deadlines/includes/left.html")
def roster_deadline(batch: Any, unit: Any) -> dict[str, Any]:
    return _context(roster_deadline_get(batch=batch, unit_id=unit.pk if unit is not None else None))
