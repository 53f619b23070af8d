"""States of a re-registration (再注册) and who may move it on."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RenewalState(models.TextChoices):
    SUBMITTED = "submitted", _("Waiting for the society's review")
    RETURNED = "returned", _("Returned to the member for changes")
    APPROVED = "approved", _("Approved: new certificate term")
    REJECTED = "rejected", _("Not approved")


# A renewal the member cannot change any more.
DECIDED = frozenset({RenewalState.APPROVED, RenewalState.REJECTED})
# States that hold the certificate's one open or approved renewal (a rejected one leaves room
# for another application).
HOLDS_CERTIFICATE = frozenset({RenewalState.SUBMITTED, RenewalState.RETURNED, RenewalState.APPROVED})


class Actor(models.TextChoices):
    MEMBER = "member", _("the member")
    STAFF = "staff", _("the society's staff")


# from-state → {to-state: who may make the step}. A new renewal starts as submitted.
TRANSITIONS: dict[RenewalState, dict[RenewalState, Actor]] = {
    RenewalState.SUBMITTED: {
        RenewalState.RETURNED: Actor.STAFF,
        RenewalState.APPROVED: Actor.STAFF,
        RenewalState.REJECTED: Actor.STAFF,
    },
    RenewalState.RETURNED: {RenewalState.SUBMITTED: Actor.MEMBER},
    RenewalState.APPROVED: {},
    RenewalState.REJECTED: {},
}
