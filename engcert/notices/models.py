"""Public notice (公示) of approved candidates, the working-day calendar and objections from the public."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from engcert.applications.models import Application
from engcert.batches.models import Batch
from engcert.notices.enums import CalendarDayKind, NoticeStatus, ObjectionStatus
from engcert.organisations.enums import OrganisationKind
from engcert.organisations.models import Organisation
from engcert.privacy.fields import EncryptedTextField

# A notice longer than this many working days is certainly a typing mistake.
MAX_NOTICE_WORKING_DAYS = 60


class CalendarDay(models.Model):
    """A calendar day that is not what the default week says: a public holiday on a weekday, or
    a weekend day made a working day (调休). Shared by every society (the State Council sets it)."""

    day = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=CalendarDayKind.choices)
    name = models.CharField(
        pgettext_lazy("calendar day", "name"),
        max_length=100,
        help_text=_("For example 国庆节 or 国庆节调休."),
    )

    class Meta:
        ordering = ["day"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("working-day calendar")

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d} {self.name}"

    @property
    def is_working(self) -> bool:
        return self.kind == CalendarDayKind.WORKDAY


class NoticePolicy(models.Model):
    """How a society runs its public notices."""

    society = models.OneToOneField(
        Organisation,
        verbose_name=_("society"),
        on_delete=models.CASCADE,
        related_name="notice_policy",
        limit_choices_to={"kind": OrganisationKind.SOCIETY},
    )
    working_days = models.PositiveSmallIntegerField(
        _("length of the notice in working days"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_NOTICE_WORKING_DAYS)],
    )
    contact = models.CharField(
        _("contact for questions about the notice"),
        max_length=300,
        blank=True,
        help_text=_("Shown on the public notice, for example the office and its telephone number."),
    )
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        verbose_name = _("notice policy")
        verbose_name_plural = _("notice policies")

    def __str__(self) -> str:
        return str(self.society)


class Notice(models.Model):
    """One public notice of a batch's approved candidates, for a period of working days."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    batch = models.ForeignKey(
        Batch, verbose_name=_("batch"), on_delete=models.PROTECT, related_name="notices"
    )
    starts_on = models.DateField(_("first day"))
    working_days = models.PositiveSmallIntegerField(_("working days"))
    last_day = models.DateField(_("last day"))
    # Start of the first day and end of the last working day, Beijing time.
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"), db_index=True)
    contact = models.CharField(_("contact"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=NoticeStatus.choices, default=NoticeStatus.OPEN, db_index=True
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("published by"), on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(_("published at"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        ordering = ["-starts_at", "-pk"]
        verbose_name = _("public notice")
        verbose_name_plural = _("public notices")
        constraints = [
            models.CheckConstraint(condition=models.Q(working_days__gte=1), name="notice_at_least_one_day"),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="notice_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.batch} {self.starts_on:%Y-%m-%d}"


class NoticeEntry(models.Model):
    """One candidate listed on a notice."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    notice = models.ForeignKey(
        Notice, verbose_name=_("notice"), on_delete=models.CASCADE, related_name="entries"
    )
    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.PROTECT, related_name="notice_entries"
    )
    position = models.PositiveIntegerField(_("row"))

    class Meta:
        ordering = ["notice", "position"]
        verbose_name = _("notice entry")
        verbose_name_plural = _("notice entries")
        constraints = [
            models.UniqueConstraint(fields=["notice", "application"], name="notice_entry_once"),
            models.UniqueConstraint(fields=["notice", "position"], name="notice_entry_position"),
        ]

    def __str__(self) -> str:
        return f"{self.notice} #{self.position}"


def evidence_path(instance: Objection, filename: str) -> str:
    # The stored name is random; the original name is kept for display only.
    return f"objections/{instance.uid.hex}/{filename}"


class Objection(models.Model):
    """An objection from the public about one listed candidate. The objector's name and contact
    are encrypted and shown only to the society's staff."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(_("reference"), max_length=20, unique=True)
    entry = models.ForeignKey(
        NoticeEntry, verbose_name=_("candidate"), on_delete=models.PROTECT, related_name="objections"
    )
    objector_name = EncryptedTextField(_("objector's name"))
    objector_phone = EncryptedTextField(_("objector's telephone"), blank=True)
    objector_email = EncryptedTextField(_("objector's email"), blank=True)
    statement = models.TextField(_("statement"))
    evidence = models.FileField(_("evidence"), upload_to=evidence_path, blank=True, max_length=300)
    evidence_name = models.CharField(_("evidence file name"), max_length=200, blank=True)
    evidence_content_type = models.CharField(max_length=100, blank=True)
    evidence_size = models.PositiveBigIntegerField(default=0)
    received_at = models.DateTimeField(_("received at"))
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ObjectionStatus.choices,
        default=ObjectionStatus.OPEN,
        db_index=True,
    )
    investigation_notes = models.TextField(_("investigation notes"), blank=True)
    decision_note = models.TextField(_("note on the decision"), blank=True)
    reason_for_candidate = models.TextField(_("reason given to the candidate"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        ordering = ["received_at", "pk"]
        verbose_name = _("objection")
        verbose_name_plural = _("objections")

    def __str__(self) -> str:
        return self.reference
