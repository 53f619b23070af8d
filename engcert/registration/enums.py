"""Choices of the alliance's verification and the national register."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ItemOutcome(models.TextChoices):
    """What the alliance decided about one candidate of a package."""

    PENDING = "pending", _("Waiting for the alliance")
    CONFIRMED = "confirmed", _("Confirmed and registered")
    RETURNED = "returned", _("Returned to the society")
    # Moved back to the society outside these pages and sent again in a later package.
    SUPERSEDED = "superseded", _("Sent again in a later package")


class PackageStatus(models.TextChoices):
    """A package is pending while any of its candidates waits for a decision."""

    PENDING = "pending", _("Pending")
    COMPLETE = "complete", _("Complete")


class SequenceScope(models.TextChoices):
    """Which numbers share one running sequence (each sequence restarts every year when the
    format contains the year)."""

    NATIONAL = "national", _("One sequence for the whole alliance")
    SOCIETY = "society", _("One sequence per society")
    SOCIETY_GRADE = "society_grade", _("One sequence per society and grade")
