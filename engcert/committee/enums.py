"""Choices of the committee's meetings, votes and decisions."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    CLOSED = "closed", pgettext_lazy("meeting status", "Closed")


class VoteChoice(models.TextChoices):
    APPROVE = "approve", _("Approve")
    NOT_APPROVE = "not_approve", _("Not approve")
    ABSTAIN = "abstain", _("Abstain")


class Outcome(models.TextChoices):
    """Where one candidate on the agenda stands."""

    PENDING = "pending", _("Not decided yet")
    APPROVED = "approved", _("Approved")
    NOT_APPROVED = "not_approved", _("Not approved")
    # The meeting closed without a decision: the candidate may go on a later meeting's agenda.
    DEFERRED = "deferred", _("Deferred to a later meeting")


DECIDED = frozenset({Outcome.APPROVED, Outcome.NOT_APPROVED})
