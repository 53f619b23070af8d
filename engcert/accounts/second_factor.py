"""Who must use a second factor, and whether they have one.

Unit administrators, staff, examiners, committee members, alliance reviewers and superusers
see or act on other people's files, so they act only after enrolling an authenticator app. The check runs on every request,
so it is one query that also yields the person's roles for the navigation bar: no extra query
on a rendered page. It is deliberately not cached in the session: a role granted or an
authenticator removed by an administrator (another session) must take effect at once.
"""

from __future__ import annotations

from dataclasses import dataclass

from allauth.mfa.models import Authenticator
from django.db.models import Exists, OuterRef
from django.http import HttpRequest

from engcert.accounts.models import User
from engcert.organisations.enums import SECOND_FACTOR_ROLES
from engcert.organisations.models import Membership

_REQUEST_CACHE = "_engcert_account_facts"


@dataclass(frozen=True)
class AccountFacts:
    roles: frozenset[str]
    second_factor_required: bool
    has_totp: bool

    @property
    def second_factor_missing(self) -> bool:
        return self.second_factor_required and not self.has_totp


def _totp_of(user_ref: OuterRef) -> Exists:
    return Exists(Authenticator.objects.filter(user=user_ref, type=Authenticator.Type.TOTP))


def second_factor_required(*, user: User, roles: frozenset[str] | None = None) -> bool:
    if user.is_superuser:
        return True
    if roles is None:
        roles = frozenset(Membership.objects.filter(user=user, is_active=True).values_list("role", flat=True))
    return not roles.isdisjoint(SECOND_FACTOR_ROLES)


def account_facts(*, user: User) -> AccountFacts:
    """Roles and second-factor state in one query (two for a superuser without roles)."""
    rows = list(
        Membership.objects.filter(user=user, is_active=True)
        .annotate(has_totp=_totp_of(OuterRef("user_id")))
        .values_list("role", "has_totp")
    )
    roles = frozenset(role for role, _has_totp in rows)
    if rows:
        has_totp = bool(rows[0][1])
    elif user.is_superuser:
        has_totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    else:
        has_totp = False  # not looked up: nobody requires it of a person without roles
    return AccountFacts(
        roles=roles,
        second_factor_required=second_factor_required(user=user, roles=roles),
        has_totp=has_totp,
    )


def account_facts_for_request(request: HttpRequest) -> AccountFacts | None:
    """The signed-in person's facts, computed once per request; None for a visitor."""
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        return None
    facts: AccountFacts | None = getattr(request, _REQUEST_CACHE, None)
    if facts is None:
        facts = account_facts(user=user)
        setattr(request, _REQUEST_CACHE, facts)
    return facts
