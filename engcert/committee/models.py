"""The committee's deliberation (综合审议): meetings, agendas, recusals, votes and decisions."""

from __future__ import annotations

from fractions import Fraction

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from engcert.applications.models import Application
from engcert.batches.models import Batch
from engcert.committee.enums import MeetingStatus, Outcome, VoteChoice
from engcert.frameworks.models import Grade
from engcert.organisations.enums import OrganisationKind
from engcert.organisations.models import Organisation


class CommitteePolicy(models.Model):
    """How a society's committee decides; one row per society, the defaults until staff save it.

    Quorum: at least ``quorum`` of the meeting's members present and not recused on the
    candidate. Majority: approve votes more than (or at least, when not strict) ``majority`` of
    the present, non-recused members; an abstention counts as not approving.
    """

    society = models.OneToOneField(
        Organisation,
        verbose_name=_("society"),
        on_delete=models.CASCADE,
        related_name="committee_policy",
        limit_choices_to={"kind": OrganisationKind.SOCIETY},
    )
    quorum_numerator = models.PositiveSmallIntegerField(
        _("quorum: numerator"), default=2, validators=[MinValueValidator(1)]
    )
    quorum_denominator = models.PositiveSmallIntegerField(
        _("quorum: denominator"), default=3, validators=[MinValueValidator(1)]
    )
    majority_numerator = models.PositiveSmallIntegerField(
        _("majority: numerator"), default=1, validators=[MinValueValidator(1)]
    )
    majority_denominator = models.PositiveSmallIntegerField(
        _("majority: denominator"), default=2, validators=[MinValueValidator(1)]
    )
    majority_strict = models.BooleanField(
        _("approve votes must be more than the majority fraction"),
        default=True,
        help_text=_(
            "Ticked: more than the fraction (e.g. more than half). Not ticked: at least the fraction."
        ),
    )

    class Meta:
        verbose_name = _("committee policy")
        verbose_name_plural = _("committee policies")

    def __str__(self) -> str:
        return str(self.society)

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if (
            self.quorum_numerator
            and self.quorum_denominator
            and self.quorum_numerator > self.quorum_denominator
        ):
            errors["quorum_numerator"] = str(_("The quorum cannot be more than all the members."))
        if (
            self.majority_numerator
            and self.majority_denominator
            and self.majority_numerator > self.majority_denominator
        ):
            errors["majority_numerator"] = str(_("The majority cannot be more than all the votes."))
        if errors:
            raise ValidationError(errors)

    @property
    def quorum(self) -> Fraction:
        return Fraction(self.quorum_numerator, self.quorum_denominator)

    @property
    def majority(self) -> Fraction:
        return Fraction(self.majority_numerator, self.majority_denominator)


class Meeting(models.Model):
    society = models.ForeignKey(
        Organisation,
        verbose_name=_("society"),
        on_delete=models.PROTECT,
        related_name="committee_meetings",
        limit_choices_to={"kind": OrganisationKind.SOCIETY},
    )
    batch = models.ForeignKey(
        Batch, verbose_name=_("batch"), on_delete=models.PROTECT, related_name="committee_meetings"
    )
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("date and time"))
    place = models.CharField(_("place"), max_length=200)
    status = models.CharField(
        _("status"), max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("chair"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        ordering = ["-starts_at", "-pk"]
        verbose_name = _("committee meeting")
        verbose_name_plural = _("committee meetings")

    def __str__(self) -> str:
        return self.title


class MeetingMember(models.Model):
    """A committee member invited to the meeting, and whether they are present."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("member"), on_delete=models.PROTECT, related_name="+"
    )
    present = models.BooleanField(_("present"), default=False)
    attendance_recorded_at = models.DateTimeField(_("attendance recorded"), null=True, blank=True)

    class Meta:
        ordering = ["user__full_name", "pk"]
        verbose_name = _("meeting member")
        verbose_name_plural = _("meeting members")
        constraints = [models.UniqueConstraint(fields=["meeting", "user"], name="meeting_member_once")]

    def __str__(self) -> str:
        return f"{self.meeting} · {self.user}"


class AgendaItem(models.Model):
    """One candidate on a meeting's agenda, and the committee's decision on them."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    application = models.ForeignKey(
        Application, verbose_name=_("candidate"), on_delete=models.PROTECT, related_name="agenda_items"
    )
    position = models.PositiveIntegerField(_("order"), default=0)
    added_at = models.DateTimeField(_("added"), auto_now_add=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, default=Outcome.PENDING)
    awarded_grade = models.ForeignKey(
        Grade,
        verbose_name=_("grade approved"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    rationale = models.TextField(_("rationale"), blank=True)
    departs_from_criteria = models.BooleanField(_("departs from the qualification criteria"), default=False)
    departure_reason = models.TextField(_("reason for departing from the criteria"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    # The count as it stood when the decision was recorded: the minutes read these, not the
    # live votes, so a later change of attendance never rewrites a decided record.
    members_count = models.PositiveSmallIntegerField(_("members of the meeting"), default=0)
    voting_count = models.PositiveSmallIntegerField(_("present and not recused"), default=0)
    approve_count = models.PositiveSmallIntegerField(_("approve votes"), default=0)
    not_approve_count = models.PositiveSmallIntegerField(_("not approve votes"), default=0)
    abstain_count = models.PositiveSmallIntegerField(_("abstentions"), default=0)

    class Meta:
        ordering = ["meeting", "position", "pk"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        constraints = [
            # A candidate waits on at most one agenda at a time.
            models.UniqueConstraint(
                fields=["application"],
                condition=models.Q(outcome=Outcome.PENDING),
                name="agenda_item_one_pending_per_application",
            ),
            models.UniqueConstraint(fields=["meeting", "application"], name="agenda_item_once_per_meeting"),
        ]

    def __str__(self) -> str:
        return f"{self.meeting} · {self.application}"


class Recusal(models.Model):
    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="recusals")
    member = models.ForeignKey(
        MeetingMember, verbose_name=_("member"), on_delete=models.PROTECT, related_name="recusals"
    )
    reason = models.TextField(_("reason"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["recorded_at", "pk"]
        verbose_name = _("recusal")
        verbose_name_plural = _("recusals")
        constraints = [models.UniqueConstraint(fields=["item", "member"], name="recusal_once_per_item")]

    def __str__(self) -> str:
        return f"{self.item} · {self.member.user}"


class Vote(models.Model):
    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="votes")
    member = models.ForeignKey(
        MeetingMember, verbose_name=_("member"), on_delete=models.PROTECT, related_name="votes"
    )
    choice = models.CharField(_("vote"), max_length=20, choices=VoteChoice.choices)
    cast_at = models.DateTimeField(_("cast"), auto_now_add=True)
    changed_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        ordering = ["cast_at", "pk"]
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [models.UniqueConstraint(fields=["item", "member"], name="vote_once_per_member")]

    def __str__(self) -> str:
        return f"{self.item} · {self.member.user} · {self.get_choice_display()}"
