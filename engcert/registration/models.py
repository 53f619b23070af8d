"""The alliance's verification (核实) of a society's results and the national registration of members."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from engcert.applications.models import Application
from engcert.batches.models import Batch
from engcert.frameworks.models import Grade
from engcert.organisations.enums import OrganisationKind
from engcert.organisations.models import Discipline, Organisation
from engcert.registration.enums import ItemOutcome, SequenceScope
from engcert.registration.numbering import DEFAULT_FORMAT, DEFAULT_PREFIX, number_format_problems

FORMAT_HELP = _(
    "How national member numbers are written. Tokens: {prefix} the prefix below; {year} the "
    "year of registration (Beijing time, four digits); {society} the society's code in capitals "
    "(e.g. CSEE); {grade} the grade's code (AE, PE, SPE); {seq:06d} the running number, here "
    "six digits with leading zeros (required, exactly once). Default: {prefix}{year}{society}{seq:06d}, "
    "which gives e.g. CEA2026CSEE000001."
)


class RegistrationPolicy(models.Model):
    """The alliance-wide rule for member numbers: one row, editable in the admin and on the
    alliance's policy page. Changing it affects only numbers handed out afterwards."""

    # A constant unique value keeps the table at one row.
    singleton = models.BooleanField(default=True, unique=True, editable=False)
    prefix = models.CharField(
        _("prefix"),
        max_length=10,
        default=DEFAULT_PREFIX,
        help_text=_("Letters or digits put where the format says {prefix}."),
    )
    number_format = models.CharField(
        _("member number format"), max_length=100, default=DEFAULT_FORMAT, help_text=FORMAT_HELP
    )
    sequence_scope = models.CharField(
        _("running number"),
        max_length=20,
        choices=SequenceScope.choices,
        default=SequenceScope.NATIONAL,
        help_text=_(
            "A sequence per society needs {society} in the format, one per society and grade "
            "needs {society} and {grade}, so that two members never get the same number."
        ),
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
        verbose_name = _("registration policy")
        verbose_name_plural = _("registration policy")

    def __str__(self) -> str:
        return str(_("Member numbers: %(format)s") % {"format": self.number_format})

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        problems = number_format_problems(
            self.number_format, scope=SequenceScope(self.sequence_scope), prefix=self.prefix
        )
        if problems:
            errors["number_format"] = problems
        if not self.prefix.isalnum() and self.prefix:
            errors["prefix"] = _("Use letters and digits only.")
        if errors:
            raise ValidationError(errors)


class NumberCounter(models.Model):
    """The last running number handed out in one sequence: a row per (scope, year), locked while
    a number is taken, so that app servers never hand out the same number twice and a rolled-back
    registration leaves no gap (the counter rolls back with it)."""

    scope = models.CharField(_("sequence"), max_length=60)
    # 0 when the format has no year, so the sequence never restarts.
    year = models.PositiveSmallIntegerField(_("year"))
    last_value = models.PositiveIntegerField(_("last number handed out"), default=0)

    class Meta:
        verbose_name = _("member number counter")
        verbose_name_plural = _("member number counters")
        constraints = [models.UniqueConstraint(fields=["scope", "year"], name="number_counter_unique")]

    def __str__(self) -> str:
        return f"{self.scope} {self.year}: {self.last_value}"


class AlliancePackage(models.Model):
    """One sending of a batch's candidates to the alliance, frozen as it was sent."""

    society = models.ForeignKey(
        Organisation,
        verbose_name=_("society"),
        on_delete=models.PROTECT,
        related_name="alliance_packages",
        limit_choices_to={"kind": OrganisationKind.SOCIETY},
    )
    batch = models.ForeignKey(
        Batch, verbose_name=_("batch"), on_delete=models.PROTECT, related_name="alliance_packages"
    )
    version = models.PositiveIntegerField(_("version"))
    # The evaluation records as sent; the digest is SHA-256 over its canonical JSON.
    snapshot = models.JSONField(_("records as sent"))
    digest = models.CharField(_("SHA-256 digest"), max_length=64)
    sent_at = models.DateTimeField(_("sent"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("sent by"), on_delete=models.PROTECT, related_name="+"
    )
    # Set when the last candidate was decided; the list filters on it.
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        verbose_name = _("package for the alliance")
        verbose_name_plural = _("packages for the alliance")
        constraints = [
            models.UniqueConstraint(fields=["society", "batch", "version"], name="package_version_unique")
        ]
        indexes = [models.Index(fields=["completed_at", "sent_at"], name="package_status_sent")]

    def __str__(self) -> str:
        return f"{self.society.code} · {self.batch.code} · v{self.version}"

    @property
    def is_complete(self) -> bool:
        return self.completed_at is not None


class PackageItem(models.Model):
    """One candidate in one package and what the alliance decided about them."""

    package = models.ForeignKey(AlliancePackage, on_delete=models.CASCADE, related_name="items")
    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.PROTECT, related_name="alliance_items"
    )
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=ItemOutcome.choices, default=ItemOutcome.PENDING
    )
    reason = models.TextField(_("reason for returning"), blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["package", "pk"]
        verbose_name = _("candidate in a package")
        verbose_name_plural = _("candidates in packages")
        constraints = [models.UniqueConstraint(fields=["package", "application"], name="package_item_unique")]

    def __str__(self) -> str:
        return f"{self.package} · {self.application}"


class Registration(models.Model):
    """A registered engineer member of the national register."""

    # Empty for members registered before engcert existed (`manage.py import_members`).
    application = models.OneToOneField(
        Application,
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        related_name="registration",
        null=True,
        blank=True,
    )
    member_number = models.CharField(_("member number"), max_length=60, unique=True)
    # The member: their account (an imported member may not have one yet), name and unit.
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="registrations",
    )
    full_name = models.CharField(_("name"), max_length=100, blank=True)
    full_name_en = models.CharField(_("name in English or pinyin"), max_length=100, blank=True)
    email = models.EmailField(_("email"), blank=True)
    unit = models.ForeignKey(
        Organisation,
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="unit_registrations",
    )
    imported = models.BooleanField(_("imported from earlier records"), default=False)
    society = models.ForeignKey(
        Organisation,
        verbose_name=_("society"),
        on_delete=models.PROTECT,
        related_name="registrations",
        limit_choices_to={"kind": OrganisationKind.SOCIETY},
    )
    grade = models.ForeignKey(Grade, verbose_name=_("grade"), on_delete=models.PROTECT, related_name="+")
    discipline = models.ForeignKey(
        Discipline,
        verbose_name=_("professional field"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    package_item = models.OneToOneField(
        PackageItem, on_delete=models.PROTECT, null=True, blank=True, related_name="registration"
    )
    registered_at = models.DateTimeField(_("registered"))
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-registered_at"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")

    def __str__(self) -> str:
        return self.member_number
