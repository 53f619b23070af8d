"""Examiners' independent score sheets and the panel's agreed assessment."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from engcert.applications.models import Application
from engcert.examiners.models import PanelSeat
from engcert.frameworks.models import CompetencyArea, Grade, ScaleLevel
from engcert.scoring.enums import Recommendation, ReminderKind


class ScoreSheet(models.Model):
    """One examiner's own assessment of one candidate; the others' sheets stay hidden until it is submitted."""

    seat = models.OneToOneField(PanelSeat, on_delete=models.PROTECT, related_name="score_sheet")
    recommendation = models.CharField(
        _("overall recommendation"), max_length=20, choices=Recommendation.choices, blank=True
    )
    recommended_grade = models.ForeignKey(
        Grade,
        verbose_name=_("recommended grade"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    comment = models.TextField(_("overall comment"), blank=True)
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last saved"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)

    class Meta:
        verbose_name = _("score sheet")
        verbose_name_plural = _("score sheets")

    def __str__(self) -> str:
        return str(self.seat)


class AreaScore(models.Model):
    sheet = models.ForeignKey(ScoreSheet, on_delete=models.CASCADE, related_name="area_scores")
    area = models.ForeignKey(CompetencyArea, verbose_name=_("competency area"), on_delete=models.PROTECT)
    # Empty only while the sheet is a draft: a half-written justification is kept without a level.
    level = models.ForeignKey(
        ScaleLevel, verbose_name=_("level"), on_delete=models.PROTECT, null=True, blank=True
    )
    justification = models.TextField(_("justification"), blank=True)

    class Meta:
        ordering = ["area__number"]
        verbose_name = _("area score")
        verbose_name_plural = _("area scores")
        constraints = [models.UniqueConstraint(fields=["sheet", "area"], name="area_scored_once_per_sheet")]

    def __str__(self) -> str:
        return f"{self.sheet} · {self.area}"


class PanelAssessment(models.Model):
    """What the panel agreed after every member submitted their own sheet."""

    # The application's current assessment; empty once a later interview replaces it (an appeal
    # sent the candidate back), when ``superseded_for`` keeps the link and the record stays.
    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="panel_assessment", null=True, blank=True
    )
    superseded_for = models.ForeignKey(
        Application,
        verbose_name=_("replaced, for the application"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_panel_assessments",
    )
    superseded_at = models.DateTimeField(_("replaced"), null=True, blank=True)
    recommendation = models.CharField(
        _("panel recommendation"), max_length=20, choices=Recommendation.choices
    )
    recommended_grade = models.ForeignKey(
        Grade,
        verbose_name=_("recommended grade"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    summary = models.TextField(_("summary"))
    # The qualification criteria (合格准则) as computed when the assessment was recorded.
    meets_criteria = models.BooleanField(_("meets the qualification criteria"), default=False)
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("panel's agreed assessment")
        verbose_name_plural = _("panels' agreed assessments")

    def __str__(self) -> str:
        return str(self.application or self.superseded_for)


class AgreedAreaScore(models.Model):
    assessment = models.ForeignKey(PanelAssessment, on_delete=models.CASCADE, related_name="area_scores")
    area = models.ForeignKey(CompetencyArea, verbose_name=_("competency area"), on_delete=models.PROTECT)
    level = models.ForeignKey(ScaleLevel, verbose_name=_("level"), on_delete=models.PROTECT)
    justification = models.TextField(_("justification"))

    class Meta:
        ordering = ["area__number"]
        verbose_name = _("agreed area score")
        verbose_name_plural = _("agreed area scores")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "area"], name="area_agreed_once_per_assessment")
        ]

    def __str__(self) -> str:
        return f"{self.assessment} · {self.area}"


class ScoreSheetReminder(models.Model):
    """A reminder sent to an examiner about a sheet, so each is sent once per due date."""

    seat = models.ForeignKey(PanelSeat, on_delete=models.CASCADE, related_name="sheet_reminders")
    kind = models.CharField(_("kind"), max_length=20, choices=ReminderKind.choices)
    # The due date the reminder was about: a moved interview moves it, and earns a new reminder.
    due_at = models.DateTimeField(_("due"))
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        ordering = ["sent_at"]
        verbose_name = _("score sheet reminder")
        verbose_name_plural = _("score sheet reminders")
        constraints = [models.UniqueConstraint(fields=["seat", "kind", "due_at"], name="sheet_reminder_once")]

    def __str__(self) -> str:
        return f"{self.seat} · {self.get_kind_display()}"
