"""Who may administer a unit, and who may endorse an application that names one."""

from __future__ import annotations

from typing import Any

from rules.permissions import add_perm
from rules.predicates import predicate

from engcert.organisations.enums import Role
from engcert.organisations.models import Membership
from engcert.units.enums import ENDORSABLE_STATES


@predicate
def is_unit_admin(user: Any, unit: Any) -> bool:
    if unit is None or not user.is_authenticated:
        return False
    return Membership.objects.filter(
        user=user, organisation=unit, role=Role.UNIT_ADMIN, is_active=True
    ).exists()


@predicate
def is_admin_of_named_unit(user: Any, application: Any) -> bool:
    if application is None or application.unit_id is None or not user.is_authenticated:
        return False
    return Membership.objects.filter(
        user=user, organisation_id=application.unit_id, role=Role.UNIT_ADMIN, is_active=True
    ).exists()


@predicate
def is_endorsable(user: Any, application: Any) -> bool:
    return application is not None and application.state in ENDORSABLE_STATES


# The object is the unit: its active administrators keep its profile and invite its engineers.
add_perm("units.administer_unit", is_unit_admin)
# The object is the application: the administrators of the unit it names, during initial review.
add_perm("units.endorse_application", is_admin_of_named_unit & is_endorsable)
