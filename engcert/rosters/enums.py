from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RosterJobKind(models.TextChoices):
    EXPORT_ALL = "export_all", _("Export of every unit's roster")
    IMPORT = "import", _("Import of a unit's roster")


class RosterJobStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Working")
    DONE = "done", _("Finished")
    REFUSED = "refused", _("Not imported: the file has problems")
    FAILED = "failed", _("Stopped with an error")


BUSY = frozenset({RosterJobStatus.QUEUED, RosterJobStatus.RUNNING})
