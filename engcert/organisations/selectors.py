from __future__ import annotations

from django.db.models import QuerySet

from engcert.accounts.models import User
from engcert.organisations.enums import Role
from engcert.organisations.models import Organisation


def societies_where_staff(*, user: User) -> QuerySet[Organisation]:
    return Organisation.objects.filter(
        memberships__user=user,
        memberships__role=Role.STAFF,
        memberships__is_active=True,
    ).distinct()
