"""The competency framework as versioned data: grades, areas, indicators and the grading scale.

A society adopts a new edition by adding a version; applications stay bound to the version
they were made under, so an edit never changes how an old file is read.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from engcert.organisations.models import BilingualName


class Framework(BilingualName):
    code = models.CharField(_("code"), max_length=60, unique=True)

    class Meta:
        verbose_name = _("competency framework")
        verbose_name_plural = _("competency frameworks")


class FrameworkVersion(models.Model):
    framework = models.ForeignKey(
        Framework, verbose_name=_("framework"), on_delete=models.PROTECT, related_name="versions"
    )
    version = models.CharField(_("version"), max_length=40)
    effective_from = models.DateField(_("effective from"))
    is_current = models.BooleanField(_("current"), default=False)

    class Meta:
        ordering = ["framework", "-effective_from"]
        verbose_name = _("framework version")
        verbose_name_plural = _("framework versions")
        constraints = [
            models.UniqueConstraint(fields=["framework", "version"], name="framework_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.framework.code} ({self.version})"


class Grade(BilingualName):
    """A grade with its entry requirements; years are computed from the work history."""

    framework_version = models.ForeignKey(
        FrameworkVersion, verbose_name=_("framework version"), on_delete=models.CASCADE, related_name="grades"
    )
    code = models.CharField(_("code"), max_length=10)
    position = models.PositiveSmallIntegerField(_("display order"), default=0)
    requires_degree = models.BooleanField(_("requires an engineering degree"), default=True)
    min_practice_years = models.DecimalField(
        _("minimum years of professional practice"), max_digits=4, decimal_places=1, default=0
    )
    min_responsible_years = models.DecimalField(
        _("minimum years in responsible charge"), max_digits=4, decimal_places=1, default=0
    )

    class Meta:
        ordering = ["framework_version", "position"]
        verbose_name = _("grade")
        verbose_name_plural = _("grades")
        constraints = [
            models.UniqueConstraint(fields=["framework_version", "code"], name="grade_code_unique")
        ]


class CompetencyArea(BilingualName):
    framework_version = models.ForeignKey(
        FrameworkVersion, verbose_name=_("framework version"), on_delete=models.CASCADE, related_name="areas"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    description = models.TextField(_("description (Chinese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)

    class Meta:
        ordering = ["framework_version", "number"]
        verbose_name = _("competency area")
        verbose_name_plural = _("competency areas")
        constraints = [
            models.UniqueConstraint(fields=["framework_version", "number"], name="area_number_unique")
        ]


class Indicator(BilingualName):
    area = models.ForeignKey(
        CompetencyArea, verbose_name=_("competency area"), on_delete=models.CASCADE, related_name="indicators"
    )
    code = models.CharField(_("code"), max_length=20)
    iea_element = models.CharField(_("IEA competency element"), max_length=20)
    position = models.PositiveSmallIntegerField(_("display order"), default=0)

    class Meta:
        ordering = ["area", "position"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")


class ScaleLevel(BilingualName):
    framework_version = models.ForeignKey(
        FrameworkVersion, verbose_name=_("framework version"), on_delete=models.CASCADE, related_name="scale"
    )
    value = models.PositiveSmallIntegerField(_("value"))
    meets_requirement = models.BooleanField(
        _("meets the requirement"),
        default=False,
        help_text=_("Whether a grade at this level counts as the area being shown."),
    )

    class Meta:
        ordering = ["framework_version", "value"]
        verbose_name = _("scale level")
        verbose_name_plural = _("scale levels")
        constraints = [
            models.UniqueConstraint(fields=["framework_version", "value"], name="scale_value_unique")
        ]
