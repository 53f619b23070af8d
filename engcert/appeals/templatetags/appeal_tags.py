"""Template tags that put this app's panels on pages other apps own."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from engcert.appeals.domain import decision_for_appeal
from engcert.appeals.enums import SEND_BACK_PLAIN, UPHELD_PLAIN, AppealStatus, SendBackStage
from engcert.appeals.selectors import appeal_latest_for
from engcert.applications.models import Application

register = template.Library()


@register.simple_tag(takes_context=True)
def appeal_applicant_panel(context: dict[str, Any], application: Application) -> SafeString | str:
    """On the applicant's own page: the right to appeal and until when, then the appeal's progress
    and outcome in plain words. Nothing for anyone else, nor when there is nothing to appeal."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or application.applicant_id != user.pk:
        return ""
    decision = decision_for_appeal(application=application)
    appeal = appeal_latest_for(application=application)
    appeal_current = appeal is not None and (decision is None or decision.already_appealed)
    if decision is None and not appeal_current:
        return ""
    outcome_plain: Any = ""
    stage_label: Any = ""
    if appeal is not None and appeal.status == AppealStatus.UPHELD:
        outcome_plain = UPHELD_PLAIN
    elif appeal is not None and appeal.status == AppealStatus.SENT_BACK:
        outcome_plain = SEND_BACK_PLAIN[appeal.send_back_to]
        stage_label = SendBackStage(appeal.send_back_to).label
    return render_to_string(
        "appeals/includes/applicant_panel.html",
        {
            "application": application,
            "decision": decision,
            "window_open": decision.window_open() if decision else False,
            "appeal": appeal,
            "appeal_current": appeal_current,
            "outcome_plain": outcome_plain,
            "stage_label": stage_label,
        },
        request=request,
    )
