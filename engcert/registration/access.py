"""Fetching packages for the person asking: 404 for anyone who is not to know of them."""

from __future__ import annotations

from django.http import Http404

from engcert.accounts.models import User
from engcert.organisations.models import Organisation
from engcert.registration.models import AlliancePackage


def require_reviewer(*, user: User) -> None:
    """The alliance's pages exist only for its reviewers."""
    if not user.has_perm("registration.review_packages"):
        raise Http404


def get_package_for_reviewer(*, user: User, pk: int) -> AlliancePackage:
    require_reviewer(user=user)
    package = AlliancePackage.objects.select_related("society", "batch", "sent_by").filter(pk=pk).first()
    if package is None:
        raise Http404
    return package


def get_package_for_society_staff(*, society: Organisation, pk: int) -> AlliancePackage:
    """A package of this society (the caller has checked the person is its staff)."""
    package = (
        AlliancePackage.objects.select_related("society", "batch", "sent_by")
        .filter(pk=pk, society=society)
        .first()
    )
    if package is None:
        raise Http404
    return package
