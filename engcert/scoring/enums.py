"""Choices of score sheets and the panel's agreed assessment."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Recommendation(models.TextChoices):
    GRADE_APPLIED = "grade_applied", _("The grade applied for")
    LOWER_GRADE = "lower_grade", _("A lower grade")
    NOT_YET = "not_yet", _("Not yet")
