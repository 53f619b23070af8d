"""States of a unit's endorsement of an application and of a request to administer a unit."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from engcert.applications.enums import ApplicationState


class EndorsementDecision(models.TextChoices):
    PENDING = "pending", _("Not yet endorsed")
    ENDORSED = "endorsed", _("Endorsed by the unit")
    DECLINED = "declined", _("Declined by the unit")


# The one transition table of an endorsement: the unit may change its mind while the society
# has not finished its initial review (see ENDORSABLE_STATES).
ENDORSEMENT_TRANSITIONS: dict[str, frozenset[str]] = {
    EndorsementDecision.PENDING: frozenset({EndorsementDecision.ENDORSED, EndorsementDecision.DECLINED}),
    EndorsementDecision.ENDORSED: frozenset({EndorsementDecision.DECLINED}),
    EndorsementDecision.DECLINED: frozenset({EndorsementDecision.ENDORSED}),
}

# An application the unit may still endorse or decline: in the society's initial review.
ENDORSABLE_STATES = frozenset(
    {ApplicationState.SUBMITTED, ApplicationState.RETURNED, ApplicationState.RESUBMITTED}
)


class AdminRequestState(models.TextChoices):
    PENDING = "pending", _("Waiting for the society")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")


ADMIN_REQUEST_TRANSITIONS: dict[str, frozenset[str]] = {
    AdminRequestState.PENDING: frozenset({AdminRequestState.APPROVED, AdminRequestState.DECLINED}),
    AdminRequestState.APPROVED: frozenset(),
    AdminRequestState.DECLINED: frozenset(),
}
