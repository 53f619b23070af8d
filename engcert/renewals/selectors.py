"""Reads of re-registration."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from engcert.organisations.models import Organisation
from engcert.registration.models import Registration
from engcert.renewals.enums import RenewalState
from engcert.renewals.models import Renewal


def renewal_list(*, society: Organisation, state: str = "", query: str = "") -> QuerySet[Renewal]:
    found = Renewal.objects.filter(registration__society=society).select_related(
        "registration__unit", "registration__grade", "certificate", "new_certificate"
    )
    if state in RenewalState.values:
        found = found.filter(state=state)
    query = query.strip()
    if query:
        found = found.filter(
            Q(registration__full_name__icontains=query)
            | Q(registration__member_number__icontains=query)
            | Q(certificate__number__icontains=query)
            | Q(unit_name__icontains=query)
        )
    return (
        found.order_by("state_changed_at", "pk")
        if state == RenewalState.SUBMITTED
        else found.order_by("-state_changed_at", "-pk")
    )


def renewals_of(*, registration: Registration) -> list[Renewal]:
    return list(
        Renewal.objects.filter(registration=registration)
        .select_related("certificate", "new_certificate")
        .order_by("-submitted_at", "-pk")
    )
