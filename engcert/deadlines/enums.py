"""The two deadlines a batch sets, and who is reminded of each."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReminderKind(models.TextChoices):
    # Applicants whose application is still a draft or returned, before the call closes.
    APPLICATION = "application", _("Application deadline")
    # A unit's administrators, before the unit's roster deadline.
    ROSTER = "roster", _("Roster deadline")


DEFAULT_REMINDER_DAYS = "7,3,1"


class ReminderRunStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Sending")
    DONE = "done", _("Finished")
    FAILED = "failed", _("Stopped with an error")


BUSY = frozenset({ReminderRunStatus.QUEUED, ReminderRunStatus.RUNNING})
