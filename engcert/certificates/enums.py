"""Choices of certificates, their issuance runs and the public register."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CertificateStatus(models.TextChoices):
    """What the verification page says of a certificate. Expired is set by the scheduled task
    once the validity has ended; until it runs, readers treat a valid certificate past its date
    as expired too (see `Certificate.effective_status`)."""

    VALID = "valid", _("Valid")
    SUSPENDED = "suspended", _("Suspended")
    REVOKED = "revoked", _("Revoked")
    EXPIRED = "expired", _("Expired")


class IssuanceStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Issuing")
    DONE = "done", _("Finished")
    FAILED = "failed", _("Stopped with an error")


class CertificateSource(models.TextChoices):
    ISSUED = "issued", _("Issued by engcert")
    IMPORTED = "imported", _("Imported from earlier records")
