"""The claims of an application that a referee confirms, as plain values: what the referee is
shown, who the referee is, and a fingerprint that changes when either does."""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from engcert.applications.models import Application, Project, WorkEntry
from engcert.referees.enums import ClaimKind

ClaimKey = tuple[str, int]


def email_normalise(email: str) -> str:
    """The form of an address that groups a referee's claims and compares people: trimmed, lower case."""
    return unicodedata.normalize("NFKC", email or "").strip().lower()


def phone_digits(phone: str) -> str:
    """A phone number's digits without the Chinese country code, so +86 139-1234-5678,
    0086 13912345678 and 139 1234 5678 compare equal."""
    digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", phone or ""))
    if digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


@dataclass(frozen=True)
class Referee:
    name: str
    position: str
    organisation: str
    email: str
    phone: str


@dataclass(frozen=True)
class ClaimSource:
    """One claim as the application holds it now."""

    kind: ClaimKind
    row: Project | WorkEntry
    facts: dict[str, str]
    referee: Referee
    fingerprint: str

    @property
    def key(self) -> ClaimKey:
        return (self.kind.value, self.row.pk)

    @property
    def title(self) -> str:
        return self.facts["title"]


def _referee_of(row: Project | WorkEntry) -> Referee:
    return Referee(
        name=row.referee_name.strip(),
        position=row.referee_position.strip(),
        organisation=row.referee_organisation.strip(),
        email=email_normalise(row.referee_email),
        phone=row.referee_phone.strip(),
    )


def project_facts(project: Project) -> dict[str, str]:
    """What the referee of a project is shown: its name, dates, role, responsibilities and results."""
    return {
        "title": project.name,
        "start": _day(project.start_date),
        "end": _day(project.end_date),
        "role": project.role,
        "responsibilities": project.responsibilities,
        "results": project.results,
    }


def work_facts(entry: WorkEntry) -> dict[str, str]:
    """What the referee of a work entry is shown: employer, department, position, dates and duties."""
    return {
        "title": f"{entry.employer} · {entry.position}",
        "employer": entry.employer,
        "department": entry.department,
        "position": entry.position,
        "start": _day(entry.start_date),
        "end": _day(entry.end_date),
        "duties": entry.description,
    }


def claim_fingerprint(*, kind: str, facts: dict[str, Any], referee: Referee) -> str:
    payload = {
        "kind": kind,
        "facts": facts,
        "referee": [
            referee.name,
            referee.position,
            referee.organisation,
            referee.email,
            phone_digits(referee.phone),
        ],
    }
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _source(kind: ClaimKind, row: Project | WorkEntry, facts: dict[str, str]) -> ClaimSource:
    referee = _referee_of(row)
    return ClaimSource(
        kind=kind,
        row=row,
        facts=facts,
        referee=referee,
        fingerprint=claim_fingerprint(kind=kind.value, facts=facts, referee=referee),
    )


def claim_sources(
    *,
    application: Application,
    projects: Iterable[Project] | None = None,
    work: Iterable[WorkEntry] | None = None,
) -> list[ClaimSource]:
    """Every claim a referee confirms: each project, and each work entry that counts as engineering
    practice, in the order of the form. Reads prefetched rows where present."""
    projects = application.projects.all() if projects is None else projects
    work = application.work_entries.all() if work is None else work
    sources = [_source(ClaimKind.PROJECT, project, project_facts(project)) for project in projects]
    sources += [
        _source(ClaimKind.WORK, entry, work_facts(entry)) for entry in work if entry.is_engineering_practice
    ]
    return sources
