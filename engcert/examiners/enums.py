"""Choices of the examiner pool, panels and interviews."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SeatStatus(models.TextChoices):
    # Assigned by hand or by the solver; the file stays closed to the examiner until they declare.
    ASSIGNED = "assigned", _("Assigned, declaration pending")
    CONFIRMED = "confirmed", _("Declared no conflict")
    CONFLICT = "conflict", _("Declared a conflict")
    REMOVED = "removed", _("Removed")


# Seats that count towards a panel.
ACTIVE_SEATS = frozenset({SeatStatus.ASSIGNED, SeatStatus.CONFIRMED})


class InterviewMode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")


class InterviewStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    HELD = "held", _("Held")
    NO_SHOW = "no_show", _("Candidate did not attend")
    CANCELLED = "cancelled", _("Cancelled or moved")


class ConflictReason(models.TextChoices):
    SAME_UNIT = "same_unit", _("Same unit")
    SAME_EMPLOYER = "same_employer", _("Same employer now")
    PAST_EMPLOYER = "past_employer", _("Employer in the candidate's work history")
    DECLARED_RELATION = "declared_relation", _("Declared relation")
    DECLARED_FOR_FILE = "declared_for_file", _("Conflict declared for this file")


class ScheduleRunStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Solving")
    PROPOSED = "proposed", _("Proposal ready")
    INFEASIBLE = "infeasible", _("No schedule possible")
    FAILED = "failed", _("Failed")
    CONFIRMING = "confirming", _("Saving the schedule")
    CONFIRMED = "confirmed", _("Confirmed")


# Runs whose page keeps refreshing itself.
SCHEDULE_RUN_BUSY = frozenset(
    {ScheduleRunStatus.QUEUED, ScheduleRunStatus.RUNNING, ScheduleRunStatus.CONFIRMING}
)
