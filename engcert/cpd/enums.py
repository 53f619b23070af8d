"""Choices of continuing professional development and its yearly audit."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditOutcome(models.TextChoices):
    """What staff found when they reviewed a drawn member's activities and evidence."""

    PENDING = "pending", _("Waiting for review")
    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Failed")
    MORE_EVIDENCE = "more_evidence", _("More evidence asked")


# Outcomes after which staff have said their word (more evidence asked keeps the case open).
AUDIT_DECIDED = frozenset({AuditOutcome.PASSED, AuditOutcome.FAILED})
