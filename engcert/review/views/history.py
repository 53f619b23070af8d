"""The whole audit trail of one application, for its society's staff: every recorded step with
who took it, when, the states, the reason and the details, each checked against its hash."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrPromise

from engcert.accounts.models import User
from engcert.applications.enums import ApplicationState
from engcert.audit.domain import audit_event_intact
from engcert.audit.models import AuditEvent
from engcert.review.access import get_application_for_review

# What each recorded action means, in words; an action missing here shows its code.
ACTION_LABELS: dict[str, StrPromise] = {
    "application.create": _("Application started"),
    "application.pledge_signed": _("Integrity pledge signed"),
    "application.transition": _("Status changed"),
    "review.checklist_saved": _("Review checklist saved"),
    "review.title_verification": _("International title checked"),
    "panel.seat_add": _("Examiner added to the panel"),
    "panel.seat_remove": _("Examiner removed from the panel"),
    "panel.chair_set": _("Panel chair set"),
    "panel.seat_reopened": _("Panel seat reopened after a conflict"),
    "panel_seat.declare": _("Examiner declared their interests"),
    "interview.schedule": _("Interview arranged"),
    "interview.move": _("Interview moved"),
    "interview.held": _("Interview held"),
    "interview.no_show": _("Candidate did not attend the interview"),
    "score_sheet.submit": _("Score sheet submitted"),
    "panel_assessment.record": _("Panel's agreed assessment recorded"),
    "panel_assessment.supersede": _("Panel's agreed assessment replaced by a new interview"),
    "committee_agenda.add": _("Put on the committee's agenda"),
    "committee_agenda.remove": _("Taken off the committee's agenda"),
    "committee_recusal.record": _("Committee member recused"),
    "committee_vote.cast": _("Committee member voted"),
    "committee_decision.record": _("Committee's decision recorded"),
    "notices.objection_received": _("Objection received from the public"),
    "notices.objection_view": _("Objection read by staff"),
    "notices.objection_evidence_read": _("Objection evidence opened"),
    "notices.objection_notes": _("Investigation notes saved"),
    "notices.objection_decide": _("Objection decided"),
    "registration.registered": _("Registered by the alliance"),
    "certificates.issued": _("Certificate issued"),
    "certificates.suspended": _("Certificate suspended"),
    "certificates.reinstated": _("Certificate reinstated"),
    "certificates.revoked": _("Certificate revoked"),
    "certificates.expired": _("Certificate expired"),
    "certificates.pdf_downloaded": _("Certificate PDF downloaded by staff"),
    "referees.asked": _("Referees asked to confirm the claims"),
    "referees.request_sent": _("Referee's link sent"),
    "referees.request_answered": _("Referee answered"),
    "referees.request_undeliverable": _("Referee's email could not be delivered"),
    "referees.request_withdrawn": _("Referee's link withdrawn"),
    "referees.reminded": _("Referee reminded"),
    "referees.replaced": _("Referee replaced by the applicant"),
    "similarity.pair_reviewed": _("Similar statements reviewed by staff"),
    "appeal.lodge": _("Appeal lodged"),
    "appeal.panel_assign": _("Appeal panel chosen"),
    "appeal.view_record": _("Appeal panel member gave their view"),
    "appeal.evidence_read": _("Appeal evidence opened"),
    "appeal.decide": _("Appeal decided"),
    "apiclients.registration_confirmed": _("Registration confirmed through the API"),
    "apiclients.registration_returned": _("Registration returned through the API"),
}


@dataclass(frozen=True)
class HistoryRow:
    event: AuditEvent
    label: str
    from_label: str
    to_label: str
    details: list[tuple[str, str]]
    intact: bool


def _state(value: str) -> str:
    return str(ApplicationState(value).label) if value in ApplicationState.values else value


def _details(data: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (str(key), value if isinstance(value, str) else json.dumps(value, ensure_ascii=False))
        for key, value in sorted(data.items())
    ]


@login_required
def application_history(request: HttpRequest, society: str, uid: UUID) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    organisation, application = get_application_for_review(user=user, society_code=society, uid=uid)
    events = AuditEvent.objects.filter(application=application).select_related("actor").order_by("position")
    rows = [
        HistoryRow(
            event=event,
            label=str(ACTION_LABELS.get(event.action, event.action)),
            from_label=_state(event.from_state) if event.from_state else "",
            to_label=_state(event.to_state) if event.to_state else "",
            details=_details(event.data or {}),
            intact=audit_event_intact(event),
        )
        for event in events
    ]
    return render(
        request,
        "review/history.html",
        {
            "society": organisation,
            "application": application,
            "rows": rows,
            "broken": sum(1 for row in rows if not row.intact),
        },
    )
