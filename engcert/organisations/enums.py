from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    ALLIANCE = "alliance", _("Alliance")
    SOCIETY = "society", _("Authorised society")
    UNIT = "unit", _("Nominating unit")


class Role(models.TextChoices):
    APPLICANT = "applicant", _("Applicant")
    UNIT_ADMIN = "unit_admin", _("Unit administrator")
    STAFF = "staff", _("Society staff")
    EXAMINER = "examiner", _("Examiner")
    COMMITTEE = "committee", _("Committee member")
    ALLIANCE_REVIEWER = "alliance_reviewer", _("Alliance reviewer")


# Roles that act on, or see, other people's files must use a second factor before they can act:
# every role but the applicant's (for whom it is optional). Unit administrators see their
# engineers' personal data (identity numbers, phones, birth dates).
SECOND_FACTOR_ROLES = frozenset(
    {Role.UNIT_ADMIN, Role.STAFF, Role.EXAMINER, Role.COMMITTEE, Role.ALLIANCE_REVIEWER}
)
