"""Fetching what the unit pages act on: 404 for anyone who is not to know of it (another
unit's administrators included)."""

from __future__ import annotations

from uuid import UUID

from django.http import Http404

from engcert.accounts.models import User
from engcert.applications.enums import ApplicationState
from engcert.applications.models import Application
from engcert.organisations.enums import OrganisationKind
from engcert.organisations.models import Organisation
from engcert.units.models import AdminRequest


def get_unit_for_admin(*, user: User, code: str) -> Organisation:
    unit = (
        Organisation.objects.filter(kind=OrganisationKind.UNIT, code=code).select_related("society").first()
    )
    if unit is None or not user.has_perm("units.administer_unit", unit):
        raise Http404
    return unit


def get_application_for_unit(*, unit: Organisation, uid: UUID) -> Application:
    """A submitted application naming the unit; the unit's pages read only its public facts."""
    application = (
        Application.objects.filter(uid=uid, unit=unit)
        .exclude(state=ApplicationState.DRAFT)
        .select_related("batch", "batch__society", "grade", "discipline", "discipline__parent", "unit")
        .first()
    )
    if application is None:
        raise Http404
    return application


def get_unit_for_staff(*, society: Organisation, code: str) -> Organisation:
    unit = Organisation.objects.filter(kind=OrganisationKind.UNIT, society=society, code=code).first()
    if unit is None:
        raise Http404
    return unit


def get_admin_request_for_staff(*, society: Organisation, pk: int) -> AdminRequest:
    request = AdminRequest.objects.select_related("unit", "user").filter(pk=pk, unit__society=society).first()
    if request is None:
        raise Http404
    return request
