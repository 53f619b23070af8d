from __future__ import annotations

from django.db.models import QuerySet

from engcert.accounts.models import User
from engcert.organisations.enums import SECOND_FACTOR_ROLES, Role
from engcert.organisations.models import Membership, Organisation


def membership_list(*, user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user, is_active=True).select_related("organisation")


def user_has_role(*, user: User, role: Role, organisation: Organisation | None = None) -> bool:
    if not user.is_authenticated:
        return False
    qs = Membership.objects.filter(user=user, role=role, is_active=True)
    if organisation is not None:
        qs = qs.filter(organisation=organisation)
    return qs.exists()


def user_needs_second_factor(*, user: User) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return Membership.objects.filter(user=user, role__in=list(SECOND_FACTOR_ROLES), is_active=True).exists()


def societies_where_staff(*, user: User) -> QuerySet[Organisation]:
    return Organisation.objects.filter(
        memberships__user=user,
        memberships__role=Role.STAFF,
        memberships__is_active=True,
    ).distinct()
