"""Choices of score sheets and the panel's agreed assessment."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Recommendation(models.TextChoices):
    GRADE_APPLIED = "grade_applied", _("The grade applied for")
    LOWER_GRADE = "lower_grade", _("A lower grade")
    NOT_YET = "not_yet", _("Not yet")


class SheetStatus(models.TextChoices):
    """Where one examiner's sheet stands, as the examiner and staff read it."""

    NOT_STARTED = "not_started", _("Not started")
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    OVERDUE = "overdue", _("Overdue")


class PanelProgress(models.TextChoices):
    """Where the panel as a whole stands on one candidate."""

    SHORT = "short", _("Short of examiners")
    DECLARATIONS = "declarations", _("Waiting for declarations")
    SCORING = "scoring", _("Scoring")
    READY = "ready", _("All sheets in, agreement pending")
    AGREED = "agreed", _("Assessment agreed")


class ReminderKind(models.TextChoices):
    DUE_SOON = "due_soon", _("Due within a day")
    OVERDUE = "overdue", _("Overdue")
