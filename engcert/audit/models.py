"""An append-only audit trail, chained by hash so that an edited or deleted event is detected."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

GENESIS_HASH = "0" * 64


class AuditChainHead(models.Model):
    """One row per chain; locking it serialises appends so the chain never forks."""

    key = models.CharField(max_length=40, unique=True)
    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)
    length = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.key}: {self.length} events"


class AuditEvent(models.Model):
    chain = models.CharField(_("chain"), max_length=40, default="main", db_index=True)
    position = models.PositiveBigIntegerField(_("sequence number"))
    created_at = models.DateTimeField(_("time"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=60)
    subject_type = models.CharField(_("subject type"), max_length=40)
    subject_id = models.CharField(_("subject"), max_length=64)
    application = models.ForeignKey(
        "applications.Application",
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_events",
    )
    from_state = models.CharField(_("from"), max_length=40, blank=True)
    to_state = models.CharField(_("to"), max_length=40, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["chain", "position"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        constraints = [models.UniqueConstraint(fields=["chain", "position"], name="audit_position_unique")]
        indexes = [models.Index(fields=["application", "position"])]

    def __str__(self) -> str:
        return f"{self.chain} #{self.position} {self.action}"

    def payload(self) -> dict[str, Any]:
        """The fields the hash covers, in a stable form."""
        return {
            "chain": self.chain,
            "position": self.position,
            "created_at": self.created_at.isoformat(),
            "actor": self.actor_id,
            "action": self.action,
            "subject_type": self.subject_type,
            "subject_id": self.subject_id,
            "application": self.application_id,
            "from_state": self.from_state,
            "to_state": self.to_state,
            "reason": self.reason,
            "data": self.data,
            "prev_hash": self.prev_hash,
        }
