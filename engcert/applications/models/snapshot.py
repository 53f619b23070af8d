"""What the applicant handed in at each submission, kept as it was."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from engcert.applications.models.application import Application


class ApplicationSnapshot(models.Model):
    """The whole application (every section, the attachments' names and digests) at one submission.

    Written in the submission's transaction and never changed afterwards, so the reviewer of a
    resubmission can be shown exactly what changed since the previous one.
    """

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="snapshots")
    sequence = models.PositiveSmallIntegerField(_("submission number"))
    state = models.CharField(_("status after submission"), max_length=30)
    taken_at = models.DateTimeField(_("taken at"))
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), on_delete=models.PROTECT, related_name="+"
    )
    data = models.JSONField(_("content"))

    class Meta:
        ordering = ["application", "sequence"]
        verbose_name = _("application snapshot")
        verbose_name_plural = _("application snapshots")
        constraints = [
            models.UniqueConstraint(fields=["application", "sequence"], name="snapshot_sequence_unique")
        ]

    def __str__(self) -> str:
        return f"{self.application} #{self.sequence}"
