"""Continuing professional development (持续职业发展): each society's rule, the activities its
members log, and the yearly audit draw with the outcome for every drawn member."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from engcert.applications.enums import CpdActivityType
from engcert.cpd.enums import AuditOutcome
from engcert.organisations.enums import OrganisationKind
from engcert.organisations.models import Organisation
from engcert.registration.models import Registration

# One activity of more than this many hours is almost certainly a typing mistake (a full-time
# month of training is about 170 hours); longer programmes are logged in parts.
MAX_ACTIVITY_HOURS = Decimal("200")


class CpdRule(models.Model):
    """One society's CPD rule: the hours a member needs each registration year, optional
    limits on how many hours of one kind of activity count in a year, and the share of
    members drawn for audit each year."""

    society = models.OneToOneField(
        Organisation,
        verbose_name=_("society"),
        on_delete=models.PROTECT,
        related_name="cpd_rule",
        limit_choices_to={"kind": OrganisationKind.SOCIETY},
    )
    annual_hours = models.DecimalField(
        _("hours needed each year"),
        max_digits=5,
        decimal_places=1,
        default=Decimal("40"),
        validators=[MinValueValidator(Decimal("1")), MaxValueValidator(Decimal("500"))],
    )
    # {activity type: the most hours of that type counted in one year}; a missing type has no limit.
    type_limits = models.JSONField(_("limits per activity type"), default=dict, blank=True)
    audit_share_percent = models.DecimalField(
        _("share of members drawn for audit each year (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("5"),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100"))],
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
        verbose_name = _("CPD rule")
        verbose_name_plural = _("CPD rules")

    def __str__(self) -> str:
        return f"{self.society.code}: {self.annual_hours} h"

    def limit_for(self, activity_type: str) -> Decimal | None:
        value = (self.type_limits or {}).get(activity_type)
        return Decimal(str(value)) if value not in (None, "") else None


class CpdActivity(models.Model):
    """One activity a member logged for one registration, with its evidence if any."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    registration = models.ForeignKey(
        Registration, verbose_name=_("registration"), on_delete=models.CASCADE, related_name="cpd_activities"
    )
    activity_type = models.CharField(_("type of activity"), max_length=20, choices=CpdActivityType.choices)
    date = models.DateField(_("date"))
    hours = models.DecimalField(
        _("hours"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(MAX_ACTIVITY_HOURS)],
    )
    title = models.CharField(_("title"), max_length=200)
    provider = models.CharField(_("provider or organiser"), max_length=200, blank=True)
    # Stored through the storage API under a random name; the original name is for display.
    evidence = models.FileField(_("evidence"), upload_to="cpd/%Y/%m/", max_length=300, blank=True)
    evidence_name = models.CharField(_("evidence file name"), max_length=255, blank=True)
    evidence_type = models.CharField(_("evidence content type"), max_length=60, blank=True)
    evidence_size = models.PositiveBigIntegerField(_("evidence size in bytes"), default=0)
    created_at = models.DateTimeField(_("logged"), default=timezone.now)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("CPD activity")
        verbose_name_plural = _("CPD activities")
        indexes = [models.Index(fields=["registration", "date"], name="cpd_activity_reg_date")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(hours__gt=0) & models.Q(hours__lte=MAX_ACTIVITY_HOURS),
                name="cpd_activity_hours_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.title} ({self.hours} h)"


class AuditDraw(models.Model):
    """The yearly audit draw of one society, recorded so that anyone can re-run it: every
    member in the population is ordered by HMAC-SHA256(seed, member number) and the first
    ceil(share × population) are drawn."""

    society = models.ForeignKey(
        Organisation, verbose_name=_("society"), on_delete=models.PROTECT, related_name="cpd_audit_draws"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    share_percent = models.DecimalField(_("share drawn (%)"), max_digits=5, decimal_places=2)
    seed = models.CharField(_("random seed"), max_length=64)
    # The member numbers the draw was made from, sorted, as they were on the day.
    population = models.JSONField(_("members drawn from"), default=list)
    drawn_at = models.DateTimeField(_("drawn"), default=timezone.now)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("drawn by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-year", "-pk"]
        verbose_name = _("CPD audit draw")
        verbose_name_plural = _("CPD audit draws")
        constraints = [models.UniqueConstraint(fields=["society", "year"], name="cpd_audit_draw_year_unique")]

    def __str__(self) -> str:
        return f"{self.society.code} {self.year}"


class AuditSelection(models.Model):
    """One member drawn for audit, and what staff found."""

    draw = models.ForeignKey(
        AuditDraw, verbose_name=_("draw"), on_delete=models.CASCADE, related_name="selections"
    )
    registration = models.ForeignKey(
        Registration, verbose_name=_("registration"), on_delete=models.PROTECT, related_name="cpd_audits"
    )
    # 1 for the member first in the draw's order.
    rank = models.PositiveIntegerField(_("position in the draw"))
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=AuditOutcome.choices, default=AuditOutcome.PENDING
    )
    note = models.TextField(_("note to the member"), blank=True)
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
        ordering = ["draw", "rank"]
        verbose_name = _("member drawn for audit")
        verbose_name_plural = _("members drawn for audit")
        constraints = [
            models.UniqueConstraint(fields=["draw", "registration"], name="cpd_audit_selection_unique"),
            models.UniqueConstraint(fields=["draw", "rank"], name="cpd_audit_selection_rank_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.draw} #{self.rank}"
