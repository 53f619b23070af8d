"""The evaluation record of a candidate as the society sends it to the alliance: plain JSON,
frozen in the package, so the alliance reads what was sent and not what the live data says now."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone

from engcert.applications.enums import ApplicationState as S
from engcert.applications.models import Application
from engcert.audit.models import AuditEvent
from engcert.committee.enums import DECIDED
from engcert.committee.models import AgendaItem
from engcert.frameworks.models import Grade
from engcert.organisations.models import Organisation
from engcert.scoring.models import AgreedAreaScore, PanelAssessment

SNAPSHOT_FORMAT = 1


def snapshot_digest(snapshot: dict[str, Any]) -> str:
    """SHA-256 over the canonical JSON (sorted keys, no spaces, UTF-8)."""
    canonical = json.dumps(snapshot, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _names(obj: Any) -> dict[str, str] | None:
    if obj is None:
        return None
    return {"name": obj.name, "name_en": obj.name_en}


def _grade(grade: Grade | None) -> dict[str, str] | None:
    if grade is None:
        return None
    return {"code": grade.code, "name": grade.name, "name_en": grade.name_en}


def _stamp(moment: Any) -> str | None:
    return timezone.localtime(moment).isoformat() if moment is not None else None


def _assessment(assessment: PanelAssessment | None) -> dict[str, Any] | None:
    if assessment is None:
        return None
    return {
        "recommendation": assessment.recommendation,
        "recommended_grade": _grade(assessment.recommended_grade),
        "summary": assessment.summary,
        "meets_criteria": assessment.meets_criteria,
        "recorded_at": _stamp(assessment.recorded_at),
        "recorded_by": str(assessment.recorded_by),
        "areas": [
            {
                "number": score.area.number,
                "name": score.area.name,
                "name_en": score.area.name_en,
                "level": score.level.value,
                "level_name": score.level.name,
                "level_name_en": score.level.name_en,
                "meets_requirement": score.level.meets_requirement,
                "justification": score.justification,
            }
            for score in assessment.area_scores.all()
        ],
    }


def _history(events: Sequence[AuditEvent]) -> list[dict[str, Any]]:
    return [
        {
            "at": _stamp(event.created_at),
            "actor": str(event.actor) if event.actor is not None else "",
            "from": event.from_state,
            "to": event.to_state,
            "reason": event.reason,
        }
        for event in events
    ]


def _notice_passed_at(events: Sequence[AuditEvent]) -> str | None:
    """When the public notice ended: the move into "notice passed" from the notice or an
    objection (a return from the alliance also lands there, but is not the notice)."""
    moments = [
        event.created_at
        for event in events
        if event.to_state == S.NOTICE_PASSED and event.from_state in (S.PUBLIC_NOTICE, S.OBJECTION)
    ]
    return _stamp(moments[-1]) if moments else None


def _committee(items: Sequence[AgendaItem]) -> dict[str, Any] | None:
    """The committee's latest decision on the candidate, with its tally as recorded."""
    if not items:
        return None
    item = items[0]
    return {
        "meeting": item.meeting.title,
        "meeting_at": _stamp(item.meeting.starts_at),
        "outcome": item.outcome,
        "grade": _grade(item.awarded_grade),
        "rationale": item.rationale,
        "departs_from_criteria": item.departs_from_criteria,
        "departure_reason": item.departure_reason,
        "decided_at": _stamp(item.decided_at),
        "tally": {
            "members": item.members_count,
            "voting": item.voting_count,
            "approve": item.approve_count,
            "not_approve": item.not_approve_count,
            "abstain": item.abstain_count,
        },
    }


def candidate_record(application: Application, events: Sequence[AuditEvent]) -> dict[str, Any]:
    assessment = getattr(application, "panel_assessment", None)
    discipline = application.discipline
    return {
        "uid": str(application.uid),
        "number": application.number,
        "full_name": application.full_name,
        "full_name_en": application.full_name_en,
        "id_type": application.id_type,
        "id_number_masked": application.id_number_masked,
        "unit": _names(application.unit),
        "discipline": None
        if discipline is None
        else {
            "code": discipline.code,
            "name": discipline.name,
            "name_en": discipline.name_en,
            "parent": _names(discipline.parent),
        },
        "grade_applied": _grade(application.grade),
        "grade_approved": _grade(application.awarded_grade or application.grade),
        "assessment_path": application.assessment_path,
        "assessment": _assessment(assessment),
        "committee": _committee(getattr(application, "committee_decisions", [])),
        "history": _history(events),
        "notice_passed_at": _notice_passed_at(events),
    }


def candidates_for_snapshot(ids: Sequence[int]) -> list[Application]:
    return list(
        Application.objects.filter(pk__in=ids)
        .select_related(
            "unit",
            "discipline__parent",
            "grade",
            "awarded_grade",
            "panel_assessment__recommended_grade",
            "panel_assessment__recorded_by",
        )
        .prefetch_related(
            Prefetch(
                "panel_assessment__area_scores",
                queryset=AgreedAreaScore.objects.select_related("area", "level").order_by("area__number"),
            ),
            Prefetch(
                "agenda_items",
                queryset=AgendaItem.objects.filter(outcome__in=list(DECIDED))
                .select_related("meeting", "awarded_grade")
                .order_by("-decided_at"),
                to_attr="committee_decisions",
            ),
            Prefetch(
                "audit_events",
                queryset=AuditEvent.objects.filter(action="application.transition")
                .select_related("actor")
                .order_by("position"),
                to_attr="transition_events",
            ),
        )
        .order_by("number", "pk")
    )


def package_snapshot(
    *,
    society: Organisation,
    batch: Any,
    version: int,
    applications: Sequence[Application],
    sent_at: Any,
    sent_by: Any,
) -> dict[str, Any]:
    return {
        "format": SNAPSHOT_FORMAT,
        "society": {"code": society.code, **(_names(society) or {})},
        "batch": {"code": batch.code, "name": batch.name, "name_en": batch.name_en},
        "version": version,
        "sent_at": _stamp(sent_at),
        "sent_by": str(sent_by),
        "candidates": [
            candidate_record(application, getattr(application, "transition_events", []))
            for application in candidates_for_snapshot([a.pk for a in applications])
        ],
    }
