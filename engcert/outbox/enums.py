"""Where an outgoing email stands."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxStatus(models.TextChoices):
    # Waiting for its first try, or for its next one after the mail server could not take it.
    QUEUED = "queued", _("Waiting to be sent")
    SENT = "sent", _("Sent")
    # Refused for good (a 5xx answer) or still not taken after the last try.
    FAILED = "failed", _("Could not be sent")
