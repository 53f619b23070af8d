"""Who may see and do what with an application."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rules.permissions import add_perm
from rules.predicates import predicate

from engcert.applications.enums import EDITABLE_BY_APPLICANT, ApplicationState
from engcert.organisations.enums import Role
from engcert.organisations.models import Membership


@predicate
def is_applicant(user: Any, application: Any) -> bool:
    return application is not None and application.applicant_id == user.pk


@predicate
def is_society_staff(user: Any, application: Any) -> bool:
    if application is None or not user.is_authenticated:
        return False
    return Membership.objects.filter(
        user=user,
        organisation_id=application.batch.society_id,
        role=Role.STAFF,
        is_active=True,
    ).exists()


@predicate
def is_editable(user: Any, application: Any) -> bool:
    return application is not None and application.state in EDITABLE_BY_APPLICANT


add_perm("applications.view_application", is_applicant | is_society_staff)
add_perm("applications.edit_application", is_applicant & is_editable)
add_perm("applications.view_identity_number", is_society_staff)


def section_open(application: Any, section: str) -> bool:
    """Whether this section of the form can be changed now: every section of a draft; of an
    application returned for revision, only the sections the review named; nothing otherwise."""
    if application.state == ApplicationState.DRAFT:
        return True
    if application.state == ApplicationState.RETURNED:
        return section in (application.revision_sections or [])
    return False


def any_section_open(application: Any, sections: Iterable[str]) -> bool:
    return any(section_open(application, section) for section in sections)
