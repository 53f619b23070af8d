"""Certificates (证书), how a society writes and signs them, the runs that issue a batch's
certificates, and what each member agreed to show in the public register."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from engcert.batches.models import Batch
from engcert.certificates.enums import CertificateSource, CertificateStatus, IssuanceStatus
from engcert.frameworks.models import Grade
from engcert.organisations.enums import OrganisationKind
from engcert.organisations.models import Discipline, Organisation
from engcert.registration.models import Registration

DEFAULT_NUMBER_FORMAT = "{society}-{year}-{random:10}"

NUMBER_FORMAT_HELP = _(
    "How certificate numbers are written. Tokens: {society} the society's code in capitals; "
    "{year} the year of issue (four digits); {grade} the grade's code; {random:N} N random "
    "characters (digits and capital letters without I, L, O and U; required, at least 8), so "
    "that neighbouring numbers cannot be guessed. Default: {society}-{year}-{random:10}."
)


class CertificatePolicy(models.Model):
    """One society's rules for its certificates: numbering, validity, who signs, renewal."""

    society = models.OneToOneField(
        Organisation,
        verbose_name=_("society"),
        on_delete=models.PROTECT,
        related_name="certificate_policy",
        limit_choices_to={"kind": OrganisationKind.SOCIETY},
    )
    number_format = models.CharField(
        _("certificate number format"),
        max_length=80,
        default=DEFAULT_NUMBER_FORMAT,
        help_text=NUMBER_FORMAT_HELP,
    )
    validity_years = models.PositiveSmallIntegerField(_("years of validity"), default=5)
    head_name = models.CharField(_("head's name (Chinese)"), max_length=100, blank=True)
    head_name_en = models.CharField(_("head's name (English)"), max_length=100, blank=True)
    head_title = models.CharField(_("head's title (Chinese)"), max_length=100, blank=True)
    head_title_en = models.CharField(_("head's title (English)"), max_length=100, blank=True)
    signature_image = models.ImageField(
        _("head's signature"),
        upload_to="certificates/signatures/",
        blank=True,
        help_text=_("A PNG of the head's signature on a transparent or white background."),
    )
    renewal_opens_months = models.PositiveSmallIntegerField(
        _("re-registration opens (months before expiry)"), default=6
    )
    reminder_days = models.CharField(
        _("reminders (days before expiry)"),
        max_length=40,
        default="180,90,30",
        help_text=_("Days before expiry on which members are reminded, separated by commas."),
    )
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("certificate policy")
        verbose_name_plural = _("certificate policies")

    def __str__(self) -> str:
        return f"{self.society.code}: {self.number_format}"

    @property
    def reminder_day_list(self) -> list[int]:
        days = [
            int(part) for part in self.reminder_days.replace("，", ",").split(",") if part.strip().isdigit()
        ]
        return sorted(set(days), reverse=True)


class IssuanceRun(models.Model):
    """Issuing the certificates of a batch's registered members in the background. The run
    counts as it goes (the progress bar reads it) and can be started again after a crash: each
    certificate is issued at most once whatever happens to the worker."""

    society = models.ForeignKey(
        Organisation, verbose_name=_("society"), on_delete=models.PROTECT, related_name="issuance_runs"
    )
    batch = models.ForeignKey(
        Batch, verbose_name=_("batch"), on_delete=models.PROTECT, related_name="issuance_runs"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=IssuanceStatus.choices, default=IssuanceStatus.QUEUED
    )
    total = models.PositiveIntegerField(_("certificates to issue"), default=0)
    done = models.PositiveIntegerField(_("issued"), default=0)
    failed = models.PositiveIntegerField(_("could not be issued"), default=0)
    # Per member that could not be issued: {"registration": pk, "member_number": ..., "message": ...}
    problems = models.JSONField(_("problems"), default=list, blank=True)
    task_id = models.CharField(_("task"), max_length=64, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("requested"), default=timezone.now)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("certificate issuance run")
        verbose_name_plural = _("certificate issuance runs")

    def __str__(self) -> str:
        return f"{self.batch} · {self.get_status_display()} {self.done}/{self.total}"


class Certificate(models.Model):
    """One certificate of one registered member for one period of validity. A re-registration
    issues a new certificate (the next term) for the same registration."""

    number = models.CharField(_("certificate number"), max_length=60, unique=True)
    society = models.ForeignKey(
        Organisation, verbose_name=_("society"), on_delete=models.PROTECT, related_name="certificates"
    )
    registration = models.ForeignKey(
        Registration, verbose_name=_("registration"), on_delete=models.PROTECT, related_name="certificates"
    )
    term = models.PositiveSmallIntegerField(_("term"), default=1)
    # What the certificate says, frozen as printed and signed.
    full_name = models.CharField(_("name"), max_length=100)
    full_name_en = models.CharField(_("name in English (pinyin)"), max_length=100, blank=True)
    grade = models.ForeignKey(Grade, verbose_name=_("grade"), on_delete=models.PROTECT, related_name="+")
    discipline = models.ForeignKey(
        Discipline,
        verbose_name=_("professional field"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    status = models.CharField(
        _("status"), max_length=20, choices=CertificateStatus.choices, default=CertificateStatus.VALID
    )
    status_reason = models.TextField(_("reason"), blank=True)
    status_changed_at = models.DateTimeField(_("status changed"), null=True, blank=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("status changed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The position of this certificate in the society's status list (Verifiable Credentials).
    status_index = models.PositiveIntegerField(_("status list index"))
    source = models.CharField(
        _("source"), max_length=20, choices=CertificateSource.choices, default=CertificateSource.ISSUED
    )
    # The compact signed payload in the QR code, and the key that signed it.
    qr_token = models.TextField(_("signed QR payload"), blank=True)
    key_id = models.CharField(_("signing key"), max_length=64, blank=True)
    pdf = models.FileField(_("PDF"), upload_to="certificates/pdf/%Y/", blank=True)
    run = models.ForeignKey(
        IssuanceRun,
        verbose_name=_("issuance run"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="certificates",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    # Set once the signed PDF is stored: from then on the certificate counts as issued.
    issued_at = models.DateTimeField(_("issued"), null=True, blank=True)

    class Meta:
        ordering = ["-valid_from", "-pk"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        constraints = [
            models.UniqueConstraint(fields=["registration", "term"], name="certificate_term_unique"),
            models.UniqueConstraint(
                fields=["society", "status_index"], name="certificate_status_index_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "valid_until"], name="certificate_status_until"),
        ]

    def __str__(self) -> str:
        return self.number

    def effective_status(self, today: date | None = None) -> CertificateStatus:
        """The status as the public sees it today: a valid certificate past its date is expired
        even before the scheduled task has marked it."""
        today = today or timezone.localdate()
        if self.status == CertificateStatus.VALID and self.valid_until < today:
            return CertificateStatus.EXPIRED
        return CertificateStatus(self.status)


class RegisterListing(models.Model):
    """What a member agreed to show in the public register (PIPL: published only with consent).
    Without a row, or with `listed` off, the member does not appear in the register at all;
    the verification page by certificate number works either way."""

    registration = models.OneToOneField(
        Registration, verbose_name=_("registration"), on_delete=models.CASCADE, related_name="listing"
    )
    listed = models.BooleanField(_("list me in the public register"), default=False)
    show_unit = models.BooleanField(_("show my unit"), default=False)
    show_discipline = models.BooleanField(_("show my professional field"), default=True)
    show_name_en = models.BooleanField(_("show my name in English"), default=False)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        verbose_name = _("register listing")
        verbose_name_plural = _("register listings")

    def __str__(self) -> str:
        return f"{self.registration}: {'listed' if self.listed else 'not listed'}"
