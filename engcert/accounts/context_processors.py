from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from engcert.organisations.enums import Role


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The roles the signed-in person holds, for the navigation bar."""
    user = request.user
    if not user.is_authenticated:
        return {"nav_roles": frozenset()}
    roles = getattr(request, "_engcert_roles", None)
    if roles is None:
        roles = frozenset(
            user.memberships.filter(is_active=True).values_list("role", flat=True)  # type: ignore[union-attr]
        )
        request._engcert_roles = roles  # type: ignore[attr-defined]
    return {
        "nav_roles": roles,
        "nav_is_staff": Role.STAFF in roles,
    }
