from __future__ import annotations

from typing import Any

from rules.permissions import add_perm
from rules.predicates import predicate

from engcert.organisations.enums import Role
from engcert.organisations.models import Membership


@predicate
def is_staff_of_society(user: Any, society: Any) -> bool:
    if society is None or not user.is_authenticated:
        return False
    return Membership.objects.filter(
        user=user, organisation=society, role=Role.STAFF, is_active=True
    ).exists()


add_perm("batches.manage_batches", is_staff_of_society)
