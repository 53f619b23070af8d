"""Records kept to show who saw personal data, as PIPL requires."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class IdentityNumberView(models.Model):
    """One showing of a full (unmasked) identity-document number to a person.

    Append-only: rows are never changed or deleted through the ORM instance API.
    """

    viewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="identity_number_views",
        verbose_name=_("viewer"),
    )
    subject_type = models.CharField(_("subject type"), max_length=50)
    subject_id = models.CharField(_("subject id"), max_length=64)
    purpose = models.CharField(_("purpose"), max_length=200)
    viewed_at = models.DateTimeField(_("viewed at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("identity number view")
        verbose_name_plural = _("identity number views")
        ordering = ("-viewed_at", "-id")
        indexes = (models.Index(fields=("subject_type", "subject_id"), name="privacy_idview_subject_idx"),)

    def __str__(self) -> str:
        return f"{self.viewer_id} viewed {self.subject_type}:{self.subject_id} at {self.viewed_at}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise RuntimeError("Identity number views are append-only and cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise RuntimeError("Identity number views are append-only and cannot be deleted")


class DeletionRequestState(models.TextChoices):
    PENDING = "pending", _("Waiting for the society")
    CARRIED_OUT = "carried_out", _("Carried out")
    REFUSED = "refused", _("Refused")
    CANCELLED = "cancelled", _("Cancelled by the person")


class DeletionRequest(models.Model):
    """A person's request that one society erase the personal data it holds about them.

    One row per society that holds their data (an account with no application has one row with
    no society, carried out at once). The account itself is deactivated and stripped only when
    every society has carried out its part."""

    uid = models.UUIDField(_("reference"), default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="deletion_requests",
        verbose_name=_("person"),
    )
    society = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deletion_requests",
        verbose_name=_("society"),
    )
    state = models.CharField(
        _("state"), max_length=20, choices=DeletionRequestState.choices, default=DeletionRequestState.PENDING
    )
    note = models.TextField(_("note from the person"), blank=True)
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    due_on = models.DateField(_("answer due by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    reason = models.TextField(_("reason given"), blank=True)
    outcome = models.JSONField(_("what was done"), default=dict, blank=True)

    class Meta:
        verbose_name = _("deletion request")
        verbose_name_plural = _("deletion requests")
        ordering = ("due_on", "requested_at", "pk")
        constraints = (
            models.UniqueConstraint(
                fields=("person", "society"),
                condition=models.Q(state="pending"),
                name="privacy_one_pending_deletion_per_society",
            ),
        )

    def __str__(self) -> str:
        return f"{self.person_id} → {self.society_id} ({self.state})"
