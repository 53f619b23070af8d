from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from engcert.accounts.second_factor import account_facts_for_request
from engcert.organisations.enums import Role


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The roles the signed-in person holds, for the navigation bar (no query when the
    second-factor middleware has already looked them up for this request)."""
    facts = account_facts_for_request(request)
    if facts is None:
        return {"nav_roles": frozenset()}
    return {
        "nav_roles": facts.roles,
        "nav_is_staff": Role.STAFF in facts.roles,
        "nav_second_factor_required": facts.second_factor_required,
        "nav_second_factor_missing": facts.second_factor_missing,
    }
