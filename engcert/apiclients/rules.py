"""Who may manage API clients: a society's staff for the society's clients, the alliance's
reviewers for the alliance's."""

from __future__ import annotations

from typing import Any

from rules.permissions import add_perm
from rules.predicates import predicate

from engcert.batches.rules import is_staff_of_society
from engcert.organisations.enums import OrganisationKind
from engcert.registration.rules import is_alliance_reviewer


@predicate
def manages_clients_of(user: Any, organisation: Any) -> bool:
    """The object is the organisation the clients belong to (a society or the alliance)."""
    if organisation is None or user is None or not user.is_authenticated:
        return False
    if organisation.kind == OrganisationKind.ALLIANCE:
        return bool(is_alliance_reviewer(user))
    if organisation.kind == OrganisationKind.SOCIETY:
        return bool(is_staff_of_society(user, organisation))
    return False


add_perm("apiclients.manage_clients", manages_clients_of)
