"""Fetching re-registrations for the person asking: 404 for anyone who is not to know of them."""

from __future__ import annotations

from django.http import Http404

from engcert.accounts.models import User
from engcert.organisations.models import Organisation
from engcert.registration.models import Registration
from engcert.renewals.models import Renewal


def get_registration_for_member(*, user: User, pk: int) -> Registration:
    registration = Registration.objects.select_related("society", "holder").filter(pk=pk, holder=user).first()
    if registration is None:
        raise Http404
    return registration


def get_renewal_for_staff(*, society: Organisation, pk: int) -> Renewal:
    renewal = (
        Renewal.objects.select_related(
            "registration__unit",
            "registration__grade",
            "registration__holder",
            "registration__society",
            "certificate",
            "new_certificate",
            "pledge",
            "decided_by",
        )
        .filter(pk=pk, registration__society=society)
        .first()
    )
    if renewal is None:
        raise Http404
    return renewal
