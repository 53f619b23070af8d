"""What the applicant's own application page shows about the interview."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from engcert.applications.enums import ApplicationState
from engcert.applications.models import Application
from engcert.examiners.enums import InterviewMode
from engcert.examiners.selectors import LIVE_SEAT_VALUES, interview_scheduled_for

register = template.Library()


@register.simple_tag(takes_context=True)
def applicant_interview(context: template.Context, application: Application) -> dict[str, Any] | None:
    """The scheduled interview (time, place or link, panel size) and the unavailable days; None when
    there is nothing to show. Never the examiners' names."""
    if application.state not in (ApplicationState.REVIEW_PASSED, ApplicationState.INTERVIEW_SCHEDULED):
        return None
    user = context.get("user")
    interview = (
        interview_scheduled_for(application=application)
        if application.state == ApplicationState.INTERVIEW_SCHEDULED
        else None
    )
    panel_size = (
        application.panel.seats.filter(status__in=LIVE_SEAT_VALUES).count()
        if interview is not None and hasattr(application, "panel")
        else 0
    )
    return {
        "interview": interview,
        "starts": timezone.localtime(interview.starts_at) if interview else None,
        "ends": timezone.localtime(interview.ends_at) if interview else None,
        "online": interview is not None and interview.room.mode == InterviewMode.ONLINE,
        "panel_size": panel_size,
        "unavailable": list(application.unavailable_days.order_by("date")),
        "is_applicant": user is not None and application.applicant_id == getattr(user, "pk", None),
        "can_record": user is not None and user.has_perm("examiners.record_unavailability", application),
    }
