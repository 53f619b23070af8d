"""What still stands between an application and its submission, section by section and field by field."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from engcert.applications.models import Application


@dataclass(frozen=True)
class Problem:
    section: str
    field: str  # the form field the message belongs beside; "" for the section as a whole
    message: str


REQUIRED_PERSONAL = (
    "full_name",
    "gender",
    "birth_date",
    "nationality",
    "id_type",
    "id_number",
    "phone",
    "email",
    "address",
)


# Fields a saved row must have by submission; the draft forms let the applicant save rows without them.
REQUIRED_IN_ROWS: dict[str, tuple[str, ...]] = {
    "education": ("degree", "institution", "major"),
    "work": ("employer", "position"),
    "projects": ("name", "role", "scale", "responsibilities", "results"),
    "achievements": ("kind", "title"),
    "international": ("kind", "number", "issuer"),
    "cpd": ("activity_type", "title"),
}


def _row_gaps(section: str, rows: Sequence[Model], *, name: str) -> list[Problem]:
    """One problem per row with empty required fields, naming the row and the fields."""
    found = []
    for position, row in enumerate(rows, start=1):
        missing = [
            str(row._meta.get_field(field).verbose_name)  # type: ignore[union-attr]
            for field in REQUIRED_IN_ROWS[section]
            if not str(getattr(row, field) or "").strip()
        ]
        if missing:
            label = str(getattr(row, name) or "").strip() or _("entry %(number)d") % {"number": position}
            found.append(
                Problem(
                    section,
                    "",
                    _("“%(entry)s” still needs: %(fields)s.")
                    % {"entry": label, "fields": pgettext("list separator", ", ").join(missing)},
                )
            )
    return found


# Who can confirm a claim: the confirmation link goes by email, and staff may call.
REFEREE_REQUIRED = (
    "referee_name",
    "referee_position",
    "referee_organisation",
    "referee_email",
    "referee_phone",
)


def _referee_gaps(section: str, rows: Sequence[Model], *, name: str) -> list[Problem]:
    """One problem per claim whose referee is not fully named, naming the claim and what is missing."""
    found = []
    for position, row in enumerate(rows, start=1):
        missing = [
            str(row._meta.get_field(field).verbose_name)  # type: ignore[union-attr]
            for field in REFEREE_REQUIRED
            if not str(getattr(row, field) or "").strip()
        ]
        if missing:
            label = str(getattr(row, name) or "").strip() or _("entry %(number)d") % {"number": position}
            found.append(
                Problem(
                    section,
                    "",
                    _("Name a person who can confirm “%(entry)s”; still missing: %(fields)s.")
                    % {"entry": label, "fields": pgettext("list separator", ", ").join(missing)},
                )
            )
    return found


def application_problems(*, application: Application, today: date | None = None) -> list[Problem]:
    """Every problem that blocks submission. Reads prefetched relations where present."""
    from django.core.exceptions import ValidationError

    from engcert.privacy.identity_documents import validate_document_number

    today = today or timezone.localdate()
    problems: list[Problem] = []
    add = problems.append
    required = _("This field is required.")

    # Grade and field
    if application.grade_id is None:
        add(Problem("application", "grade", required))
    if application.discipline_id is None:
        add(Problem("application", "discipline", required))
    if application.unit_id is None:
        add(Problem("application", "unit", required))

    # Personal data
    for name in REQUIRED_PERSONAL:
        if not getattr(application, name):
            add(Problem("personal", name, required))
    if application.id_type and application.id_number:
        try:
            validate_document_number(
                application.id_type,
                application.id_number,
                birth_date=application.birth_date,
                gender=application.gender or None,
            )
        except ValidationError as error:
            for message in error.messages:
                add(Problem("personal", "id_number", message))
    if application.birth_date and application.birth_date > today:
        add(Problem("personal", "birth_date", _("The date cannot be in the future.")))

    education = list(application.education.all())
    if not education:
        add(Problem("education", "", _("Add at least one degree.")))
    for item in education:
        if item.certificate_id is None:
            add(
                Problem(
                    "education",
                    "",
                    _("Upload the degree certificate for %(institution)s.")
                    % {"institution": item.institution},
                )
            )

    work = list(application.work_entries.all())
    if not work:
        add(Problem("work", "", _("Add your work history.")))

    projects = list(application.projects.all())
    if not projects:
        add(Problem("projects", "", _("Add at least one engineering project.")))
    problems += _referee_gaps("projects", projects, name="name")
    problems += _referee_gaps(
        "work", [entry for entry in work if entry.is_engineering_practice], name="employer"
    )

    statements = {s.area_id: s for s in application.statements.all()}
    for area in application.framework_version.areas.all():
        statement = statements.get(area.pk)
        if statement is None or not statement.text.strip():
            add(
                Problem(
                    "competency",
                    f"area_{area.number}",
                    _("Write a statement for “%(area)s”.") % {"area": area.display_name},
                )
            )
        elif not statement.projects.all():
            add(
                Problem(
                    "competency",
                    f"area_{area.number}",
                    _("Link “%(area)s” to at least one project.") % {"area": area.display_name},
                )
            )

    problems += _row_gaps("education", education, name="institution")
    problems += _row_gaps("work", work, name="employer")
    problems += _row_gaps("projects", projects, name="name")
    problems += _row_gaps("achievements", list(application.achievements.all()), name="title")
    problems += _row_gaps("international", list(application.international_titles.all()), name="number")
    problems += _row_gaps("cpd", list(application.cpd_records.all()), name="title")

    if application.simplified_requested and not list(application.international_titles.all()):
        add(
            Problem(
                "international", "", _("Simplified assessment needs an international title with evidence.")
            )
        )
    for title in application.international_titles.all():
        if title.evidence_id is None:
            add(
                Problem(
                    "international",
                    "",
                    _("Upload evidence for the title %(number)s.") % {"number": title.number},
                )
            )

    if not hasattr(application, "pledge_signature"):
        add(Problem("pledge", "", _("Sign the integrity pledge.")))
    return problems
