"""Saving the repeating parts of a draft: education, work, projects, statements and the rest.

Each function checks that the person may still edit the application before it writes, and
refuses rows, files or projects that belong to another application, whatever the form sent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from engcert.accounts.models import User
from engcert.applications.domain.application import ApplicationError, application_assert_editable
from engcert.applications.models import (
    Achievement,
    Application,
    Attachment,
    CompetencyStatement,
    CpdRecord,
    Education,
    InternationalTitle,
    Project,
    WorkEntry,
)
from engcert.frameworks.models import CompetencyArea

SectionEntry = Education | WorkEntry | Project | Achievement | InternationalTitle | CpdRecord

# The section of the form each kind of row belongs to.
ENTRY_SECTIONS: dict[type[SectionEntry], str] = {
    Education: "education",
    WorkEntry: "work",
    Project: "projects",
    Achievement: "achievements",
    InternationalTitle: "international",
    CpdRecord: "cpd",
}


def _linked_attachment(entry: SectionEntry) -> Attachment | None:
    if isinstance(entry, Education):
        return entry.certificate
    if isinstance(entry, InternationalTitle):
        return entry.evidence
    return None


def _assert_belongs(*, application: Application, entry: SectionEntry) -> None:
    if entry.pk is not None and entry.application_id != application.pk:
        raise ApplicationError(_("This entry belongs to another application."))
    attachment = _linked_attachment(entry)
    if attachment is not None and attachment.application_id != application.pk:
        raise ApplicationError(_("This file belongs to another application."))


def section_entries_save(
    *,
    application: Application,
    by: User,
    save: Sequence[SectionEntry],
    delete: Sequence[SectionEntry] = (),
) -> None:
    """Write the changed and new rows of one section and remove the deleted ones, all or nothing."""
    application_assert_editable(application=application, by=by)
    for section in sorted({ENTRY_SECTIONS[type(entry)] for entry in [*save, *delete]}):
        application_assert_editable(application=application, by=by, sections=(section,))
    for entry in [*save, *delete]:
        _assert_belongs(application=application, entry=entry)
    with transaction.atomic():
        for entry in delete:
            if entry.pk is not None:
                entry.delete()
        for entry in save:
            entry.application = application
            entry.save()
        application.save(update_fields=["updated_at"])


@dataclass(frozen=True)
class StatementInput:
    area: CompetencyArea
    text: str
    projects: Sequence[Project]


def competency_statements_save(
    *, application: Application, by: User, statements: Sequence[StatementInput]
) -> None:
    """One statement per competency area of the application's framework, with the projects that show it."""
    application_assert_editable(application=application, by=by, sections=("competency",))
    for statement in statements:
        if statement.area.framework_version_id != application.framework_version_id:
            raise ApplicationError(_("This competency area is not part of the application's framework."))
        if any(project.application_id != application.pk for project in statement.projects):
            raise ApplicationError(_("This project belongs to another application."))
    with transaction.atomic():
        for statement in statements:
            stored, _created = CompetencyStatement.objects.update_or_create(
                application=application, area=statement.area, defaults={"text": statement.text}
            )
            stored.projects.set(statement.projects)
        application.save(update_fields=["updated_at"])
