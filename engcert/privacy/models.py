"""Records kept to show who saw personal data, as PIPL requires."""

from __future__ import annotations

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
