"""Deadlines where people work: "N days left" or "closed on …", counting extensions.

{% load deadline_tags %}
{% deadline_left batch.closes_at %}           any deadline
{% application_deadline application %}        the applicant's (with their extension)
{% roster_deadline batch unit %}              a unit's roster deadline (with its extension)
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django import template
from django.db.models import Max, Q
from django.utils import timezone

from engcert.batches.enums import BatchStatus
from engcert.batches.models import Batch
from engcert.deadlines.domain.checks import application_deadline_get, roster_deadline_get
from engcert.deadlines.models import DeadlineExtension

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


# How long a passed roster deadline stays on the unit's workspace, so "closed on …" explains
# why endorsing stopped.
PASSED_SHOWN_FOR = timedelta(days=30)


@register.inclusion_tag("deadlines/includes/unit_deadlines.html")
def unit_deadlines(unit: Any) -> dict[str, Any]:
    """The unit's roster deadlines of its society's published calls (two queries)."""
    now = timezone.now()
    batches = list(
        Batch.objects.filter(
            society_id=unit.society_id,
            status=BatchStatus.PUBLISHED,
            roster_deadline__gt=now - PASSED_SHOWN_FOR,
        )
        .filter(Q(open_to_all_units=True) | Q(eligible_units=unit))
        .distinct()
        .order_by("roster_deadline")
    )
    extended = dict(
        DeadlineExtension.objects.filter(batch__in=batches, unit=unit)
        .values_list("batch_id")
        .annotate(until=Max("until"))
    )
    rows = []
    for batch in batches:
        assert batch.roster_deadline is not None  # filtered on it above
        until = extended.get(batch.pk)
        deadline = max(batch.roster_deadline, until) if until else batch.roster_deadline
        rows.append(
            {"batch": batch, "extended": deadline != batch.roster_deadline, **_context(deadline, now)}
        )
    return {"rows": rows}
