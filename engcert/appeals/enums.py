"""Choices of an appeal (申诉): where it stands, what each panel member thinks, and the stages a
file may be sent back to."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrPromise

from engcert.applications.enums import ApplicationState as S


class AppealStatus(models.TextChoices):
    AWAITING_PANEL = "awaiting_panel", _("Waiting for a panel")
    UNDER_REVIEW = "under_review", _("With the panel")
    UPHELD = "upheld", _("Decision upheld")
    SENT_BACK = "sent_back", _("Sent back")


OPEN_STATUSES = frozenset({AppealStatus.AWAITING_PANEL, AppealStatus.UNDER_REVIEW})
DECIDED_STATUSES = frozenset({AppealStatus.UPHELD, AppealStatus.SENT_BACK})


class DecisionStage(models.TextChoices):
    """Which decision the candidate appeals against."""

    INITIAL_REVIEW = "initial_review", _("Rejection at initial review")
    COMMITTEE = "committee", _("Committee's refusal")
    OBJECTION = "objection", _("Upheld objection in the public notice")


class View(models.TextChoices):
    """A panel member's view of the appeal."""

    UPHOLD = "uphold", _("Uphold the decision")
    SEND_BACK = "send_back", _("Send the application back")


class SendBackStage(models.TextChoices):
    """The stage an application goes back to when the appeal succeeds; the value is the state it takes."""

    INITIAL_REVIEW = S.SUBMITTED.value, _("Back to initial review")
    INTERVIEW = S.REVIEW_PASSED.value, _("Back to interview (a new panel of examiners)")
    DELIBERATION = S.DELIBERATION.value, _("Back to the committee's deliberation")


# The stages that make sense after each decision: a file rejected at initial review has had no
# interview, so it cannot go straight to the committee.
SEND_BACK_STAGES: dict[DecisionStage, tuple[SendBackStage, ...]] = {
    DecisionStage.INITIAL_REVIEW: (SendBackStage.INITIAL_REVIEW, SendBackStage.INTERVIEW),
    DecisionStage.COMMITTEE: (SendBackStage.INTERVIEW, SendBackStage.DELIBERATION),
    DecisionStage.OBJECTION: (SendBackStage.INTERVIEW, SendBackStage.DELIBERATION),
}

# The candidate's words for what an outcome means.
SEND_BACK_PLAIN: dict[str, StrPromise] = {
    SendBackStage.INITIAL_REVIEW: _(
        "Your appeal succeeded: your application goes back to the initial review, and the society "
        "will check it again."
    ),
    SendBackStage.INTERVIEW: _(
        "Your appeal succeeded: your application goes back to the interview stage. The society will "
        "arrange a new interview with examiners who have not seen your application before."
    ),
    SendBackStage.DELIBERATION: _(
        "Your appeal succeeded: your application goes back to the committee, which will deliberate "
        "on it again."
    ),
}
UPHELD_PLAIN: StrPromise = _("Your appeal did not succeed: the panel found that the decision stands.")
