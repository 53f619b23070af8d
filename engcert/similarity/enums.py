"""What a compared text is, and what staff concluded about a flagged pair."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class TextSource(models.TextChoices):
    STATEMENT = "statement", _("Competency statement")
    PROJECT = "project", _("Project description")


class PairStatus(models.TextChoices):
    OPEN = "open", _("Not yet reviewed")
    NOT_A_CONCERN = "not_concern", _("Not a concern")
    COPIED = "copied", _("Copied — raised with the applicant")


# The conclusions staff may record; a pair never goes back to unreviewed.
REVIEWED = frozenset({PairStatus.NOT_A_CONCERN, PairStatus.COPIED})
