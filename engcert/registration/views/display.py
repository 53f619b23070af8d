"""The frozen evaluation record, read for a person: names in their language, states and
choices in words, times as times."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _

from engcert.applications.enums import ApplicationState, AssessmentPath
from engcert.committee.enums import Outcome
from engcert.organisations.models import in_reader_language
from engcert.privacy.identity_documents import DocumentType
from engcert.registration.models import AlliancePackage, PackageItem
from engcert.registration.selectors import package_items
from engcert.scoring.enums import Recommendation


def _name(value: dict[str, Any] | None) -> str:
    if not value:
        return ""
    return in_reader_language(value.get("name", ""), value.get("name_en", ""))


def _label(choices: Any, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def record_for_display(record: dict[str, Any]) -> dict[str, Any]:
    discipline = record.get("discipline")
    discipline_name = ""
    if discipline:
        discipline_name = _name(discipline)
        if discipline.get("parent"):
            discipline_name = f"{_name(discipline['parent'])} / {discipline_name}"
    assessment = record.get("assessment")
    shown_assessment = None
    if assessment:
        shown_assessment = {
            "recommendation": _label(Recommendation, assessment["recommendation"]),
            "recommended_grade": _name(assessment.get("recommended_grade")),
            "summary": assessment["summary"],
            "meets_criteria": assessment["meets_criteria"],
            "recorded_at": _time(assessment.get("recorded_at")),
            "recorded_by": assessment.get("recorded_by", ""),
            "areas": [
                {
                    "number": area["number"],
                    "name": in_reader_language(area["name"], area["name_en"]),
                    "level": area["level"],
                    "level_name": in_reader_language(area["level_name"], area["level_name_en"]),
                    "meets_requirement": area["meets_requirement"],
                    "justification": area["justification"],
                }
                for area in assessment["areas"]
            ],
        }
    committee = record.get("committee")
    shown_committee = None
    if committee:
        shown_committee = {
            "meeting": committee["meeting"],
            "meeting_at": _time(committee.get("meeting_at")),
            "outcome": _label(Outcome, committee["outcome"]),
            "grade": _name(committee.get("grade")),
            "rationale": committee["rationale"],
            "departs_from_criteria": committee["departs_from_criteria"],
            "departure_reason": committee["departure_reason"],
            "decided_at": _time(committee.get("decided_at")),
            "tally": committee["tally"],
        }
    applied, approved = record.get("grade_applied"), record.get("grade_approved")
    return {
        "uid": record["uid"],
        "number": record.get("number") or "",
        "full_name": record.get("full_name", ""),
        "full_name_en": record.get("full_name_en", ""),
        "id_type": _label(DocumentType, record.get("id_type", "")) if record.get("id_type") else "",
        "id_number_masked": record.get("id_number_masked", ""),
        "unit": _name(record.get("unit")),
        "discipline": discipline_name,
        "grade_applied": f"{_name(applied)} ({applied['code']})" if applied else "",
        "grade_approved": f"{_name(approved)} ({approved['code']})" if approved else "",
        "grade_differs": bool(applied and approved and applied["code"] != approved["code"]),
        "assessment_path": _label(AssessmentPath, record.get("assessment_path", "full")),
        "assessment": shown_assessment,
        "committee": shown_committee,
        "history": [
            {
                "at": _time(step["at"]),
                "actor": step["actor"] or _("the system"),
                "from": _label(ApplicationState, step["from"]) if step["from"] else "",
                "to": _label(ApplicationState, step["to"]) if step["to"] else "",
                "reason": step["reason"],
            }
            for step in record.get("history", [])
        ],
        "notice_passed_at": _time(record.get("notice_passed_at")),
    }


def package_rows(package: AlliancePackage) -> list[PackageItem]:
    """The package's candidates, each with its frozen name line (what was sent) beside the live state."""
    sent = {record["uid"]: record for record in package.snapshot.get("candidates", [])}
    items = list(package_items(package=package))
    for item in items:
        record = sent.get(str(item.application.uid), {})
        item.sent_grade = _name(record.get("grade_approved"))  # type: ignore[attr-defined]
        item.decidable = (  # type: ignore[attr-defined]
            item.outcome == "pending"
            and not item.superseded  # type: ignore[attr-defined]
            and item.application.state == ApplicationState.WITH_ALLIANCE
        )
    return items
