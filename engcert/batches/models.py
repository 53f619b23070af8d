"""A society's call for applications (批次) and its window."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from engcert.batches.enums import BatchStatus
from engcert.frameworks.models import FrameworkVersion, Grade
from engcert.organisations.enums import OrganisationKind
from engcert.organisations.models import BilingualName, Discipline, Organisation, in_reader_language


class Batch(BilingualName):
    society = models.ForeignKey(
        Organisation,
        verbose_name=_("society"),
        on_delete=models.PROTECT,
        related_name="batches",
        limit_choices_to={"kind": OrganisationKind.SOCIETY},
    )
    code = models.SlugField(_("code"), max_length=40)
    framework_version = models.ForeignKey(
        FrameworkVersion, verbose_name=_("framework version"), on_delete=models.PROTECT
    )
    call_text = models.TextField(_("call text (Chinese)"), blank=True)
    call_text_en = models.TextField(_("call text (English)"), blank=True)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    roster_deadline = models.DateTimeField(_("roster deadline"), null=True, blank=True)
    grades = models.ManyToManyField(Grade, verbose_name=_("grades offered"))
    disciplines = models.ManyToManyField(Discipline, verbose_name=_("discipline scope"), blank=True)
    open_to_all_units = models.BooleanField(_("open to all member units"), default=True)
    eligible_units = models.ManyToManyField(
        Organisation,
        verbose_name=_("eligible units"),
        blank=True,
        related_name="eligible_batches",
        limit_choices_to={"kind": OrganisationKind.UNIT},
    )
    requires_unit_endorsement = models.BooleanField(_("requires endorsement by the unit"), default=True)
    offers_simplified_assessment = models.BooleanField(_("offers simplified assessment"), default=True)
    status = models.CharField(
        _("status"), max_length=20, choices=BatchStatus.choices, default=BatchStatus.DRAFT
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-opens_at"]
        verbose_name = _("batch")
        verbose_name_plural = _("batches")
        constraints = [
            models.UniqueConstraint(fields=["society", "code"], name="batch_code_unique"),
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="batch_closes_after_opening",
            ),
        ]

    def clean(self) -> None:
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": _("The closing time must be after the opening time.")})
        if self.roster_deadline and self.opens_at and self.roster_deadline < self.opens_at:
            raise ValidationError(
                {"roster_deadline": _("The roster deadline must be after the opening time.")}
            )

    def is_open(self, at: datetime | None = None) -> bool:
        at = at or timezone.now()
        return self.status == BatchStatus.PUBLISHED and self.opens_at <= at < self.closes_at

    @property
    def has_closed(self) -> bool:
        return self.closes_at <= timezone.now()

    @property
    def display_call_text(self) -> str:
        return in_reader_language(self.call_text, self.call_text_en)
