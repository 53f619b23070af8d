"""Every email engcert sends is first written here, in the transaction of the work that sends it:
the work never fails because the mail server is down, and work rolled back sends nothing."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from engcert.outbox.enums import OutboxStatus


class OutboxMessage(models.Model):
    # What the message is about, e.g. "referees.request:42": the hook that hears of a refusal.
    reference = models.CharField(_("about"), max_length=100, blank=True, db_index=True)
    from_email = models.CharField(_("from"), max_length=300)
    recipients = models.JSONField(_("recipients"), default=list)
    subject = models.CharField(_("subject"), max_length=1000, blank=True)
    body = models.TextField(_("text"), blank=True)
    # The whole message as it goes over the wire (headers, alternatives, attachments).
    mime = models.BinaryField(_("message"))
    status = models.CharField(
        _("status"), max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.QUEUED
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next try"), null=True, blank=True)
    last_error = models.TextField(_("mail server's last answer"), blank=True)
    created_at = models.DateTimeField(_("written"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("outgoing email")
        verbose_name_plural = _("outgoing emails")
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due")]

    def __str__(self) -> str:
        return f"{self.subject} → {', '.join(self.recipients)}"
