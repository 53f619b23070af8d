"""Fetching the society a staff page acts for: 404 for outsiders (other societies' staff too)."""

from __future__ import annotations

from django.http import Http404

from engcert.accounts.models import User
from engcert.organisations.enums import OrganisationKind
from engcert.organisations.models import Organisation


def get_society_for_staff(*, user: User, code: str) -> Organisation:
    """404 for a society that does not exist or where this person is not staff."""
    society = Organisation.objects.filter(kind=OrganisationKind.SOCIETY, code=code).first()
    if society is None or not user.has_perm("batches.manage_batches", society):
        raise Http404
    return society
