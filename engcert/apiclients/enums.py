"""The scopes an API client may be given."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiScope(models.TextChoices):
    BATCHES_READ = "batches:read", _("List batches")
    EVALUATIONS_READ = "evaluations:read", _("Read candidates' evaluation records")
    REGISTRATIONS_WRITE = "registrations:write", _("Confirm or return registrations (alliance only)")


# A society's own systems read; only the alliance decides on registrations.
SOCIETY_SCOPES = (ApiScope.BATCHES_READ, ApiScope.EVALUATIONS_READ)
ALLIANCE_SCOPES = tuple(ApiScope)

# A token's last use is written at most this often, so a busy client does not write on every call.
LAST_USED_RESOLUTION_SECONDS = 60
