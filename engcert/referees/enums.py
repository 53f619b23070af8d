"""Choices of referee confirmation (证明人确认): what a request is in, what a referee answered,
and the status a claim shows to staff and to the applicant."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ClaimKind(models.TextChoices):
    PROJECT = "project", _("Engineering project")
    WORK = "work", _("Work history entry")


class RequestState(models.TextChoices):
    """One referee's link for some claims of one application."""

    PENDING = "pending", _("Not sent yet")
    SENT = "sent", _("Sent, awaiting an answer")
    ANSWERED = "answered", _("Answered")
    UNDELIVERABLE = "undeliverable", _("Could not be delivered")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# A link opens only in these states; the others explain why it does not.
OPEN = frozenset({RequestState.SENT})
# States in which a request still waits for its referee (an answer or a replacement may follow).
UNANSWERED = frozenset({RequestState.PENDING, RequestState.SENT, RequestState.UNDELIVERABLE})


class Verdict(models.TextChoices):
    CONFIRMED = "confirmed", _("I confirm this")
    DISPUTED = "disputed", _("This is not accurate")
    COMMENTED = "commented", _("I can only comment")


class ClaimStatus(models.TextChoices):
    """What one claim shows: its latest request's state and answer, read together."""

    NOT_ASKED = "not_asked", _("Not asked yet")
    AWAITING = "awaiting", _("Asked, awaiting an answer")
    CONFIRMED = "confirmed", _("Confirmed")
    DISPUTED = "disputed", _("Disputed")
    COMMENTED = "commented", _("Commented")
    UNDELIVERABLE = "undeliverable", _("Could not be delivered")
    REPLACED = "replaced", _("Referee replaced")
    EXPIRED = "expired", _("Link expired")


# Statuses in which the applicant may name another referee.
REPLACEABLE = frozenset({ClaimStatus.AWAITING, ClaimStatus.UNDELIVERABLE, ClaimStatus.EXPIRED})


class FlagKind(models.TextChoices):
    """Why a referee may not be independent, shown to staff."""

    APPLICANT_EMAIL = "applicant_email", _("Same email as the applicant")
    APPLICANT_PHONE = "applicant_phone", _("Same phone as the applicant")
    EXAMINER = "examiner", _("Examiner on this application's panel")
