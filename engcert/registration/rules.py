"""Who may send packages to the alliance and who may verify them."""

from __future__ import annotations

from typing import Any

from rules.permissions import add_perm
from rules.predicates import predicate

from engcert.batches.rules import is_staff_of_society
from engcert.organisations.enums import OrganisationKind, Role
from engcert.organisations.models import Membership


@predicate
def is_alliance_reviewer(user: Any) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return Membership.objects.filter(
        user=user,
        organisation__kind=OrganisationKind.ALLIANCE,
        role=Role.ALLIANCE_REVIEWER,
        is_active=True,
    ).exists()


# The object is the society whose packages are sent or read.
add_perm("registration.send_packages", is_staff_of_society)
add_perm("registration.review_packages", is_alliance_reviewer)
