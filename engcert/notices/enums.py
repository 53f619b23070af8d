"""Kinds and states of the public notice's data."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarDayKind(models.TextChoices):
    """A day that departs from the default week (Monday to Friday working, the weekend off)."""

    HOLIDAY = "holiday", _("Public holiday (not a working day)")
    WORKDAY = "workday", _("Make-up working day (调休)")


class NoticeStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class ObjectionStatus(models.TextChoices):
    OPEN = "open", _("Under investigation")
    UPHELD = "upheld", _("Upheld")
    DISMISSED = "dismissed", _("Dismissed")


class ObjectionOutcome(models.TextChoices):
    UPHELD = "upheld", _("Uphold: the candidate is not approved")
    DISMISSED = "dismissed", _("Dismiss: the candidate continues")
