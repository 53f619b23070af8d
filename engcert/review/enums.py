"""The outcomes of an initial review and the items of its checklist."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReviewOutcome(models.TextChoices):
    PASSED = "passed", _("Passed")
    RETURNED = "returned", _("Returned for revision")
    REJECTED = "rejected", _("Rejected")


class ChecklistItem(models.TextChoices):
    """What the initial review (初审) checks; the pledge is read from its signature, the rest ticked."""

    DOCUMENTS_COMPLETE = "documents_complete", _("Documents complete")
    DOCUMENTS_LEGIBLE = "documents_legible", _("Documents legible")
    ELIGIBILITY = "eligibility_confirmed", _("Eligibility for the grade confirmed")
    PLEDGE = "pledge_signed", _("Integrity pledge signed")
    UNIT_ENDORSEMENT = "unit_endorsement_received", _("Endorsement by the unit received")


# The items the reviewer ticks; the model has a field of the same name for each.
TICKED_ITEMS = (
    ChecklistItem.DOCUMENTS_COMPLETE,
    ChecklistItem.DOCUMENTS_LEGIBLE,
    ChecklistItem.ELIGIBILITY,
    ChecklistItem.UNIT_ENDORSEMENT,
)


class QueueExportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Working")
    DONE = "done", _("Finished")
    FAILED = "failed", _("Stopped with an error")


EXPORT_BUSY = frozenset({QueueExportStatus.QUEUED, QueueExportStatus.RUNNING})
