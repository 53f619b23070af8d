"""Appeals (申诉) against a rejection or a refusal: the society's policy, the appeal with its
evidence, and the panel that reviews it."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from engcert.appeals.enums import AppealStatus, DecisionStage, SendBackStage, View
from engcert.applications.enums import ApplicationState
from engcert.applications.models import Application
from engcert.audit.models import AuditEvent
from engcert.organisations.enums import OrganisationKind
from engcert.organisations.models import Organisation


def validate_odd(value: int) -> None:
    if value % 2 == 0:
        raise ValidationError(_("Choose an odd number, so the panel's majority is never a tie."))


class AppealPolicy(models.Model):
    """How long a candidate has to appeal and how many people review an appeal, per society."""

    society = models.OneToOneField(
        Organisation,
        verbose_name=_("society"),
        on_delete=models.CASCADE,
        related_name="appeal_policy",
        limit_choices_to={"kind": OrganisationKind.SOCIETY},
    )
    window_days = models.PositiveSmallIntegerField(
        _("days to appeal"),
        default=15,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("Counted from the time of the decision."),
    )
    panel_size = models.PositiveSmallIntegerField(
        _("people on an appeal panel"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(9), validate_odd],
        help_text=_("An odd number: the panel decides by majority, so there is never a tie."),
    )
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        verbose_name = _("appeal policy")
        verbose_name_plural = _("appeal policies")

    def __str__(self) -> str:
        return str(self.society)


def _reference() -> str:
    return uuid.uuid4().hex[:10].upper()


class Appeal(models.Model):
    """One candidate's appeal against one decision; a decision is appealed at most once."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(_("reference"), max_length=20, unique=True, default=_reference)
    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.PROTECT, related_name="appeals"
    )
    decision_stage = models.CharField(_("decision appealed"), max_length=20, choices=DecisionStage.choices)
    decision_state = models.CharField(
        _("state after the decision"), max_length=40, choices=ApplicationState.choices
    )
    decision_event = models.OneToOneField(
        AuditEvent,
        verbose_name=_("decision"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The audited move that made the decision."),
    )
    decided_at = models.DateTimeField(_("decision made"))
    deadline = models.DateTimeField(_("appeal deadline"))
    statement = models.TextField(_("statement"))
    lodged_at = models.DateTimeField(_("lodged"))
    lodged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=AppealStatus.choices,
        default=AppealStatus.AWAITING_PANEL,
        db_index=True,
    )
    panel_assigned_at = models.DateTimeField(_("panel assigned"), null=True, blank=True)
    panel_assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    send_back_to = models.CharField(
        _("sent back to"), max_length=40, choices=SendBackStage.choices, blank=True
    )
    outcome_reason = models.TextField(_("reasons for the outcome"), blank=True)
    outcome_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    outcome_at = models.DateTimeField(_("outcome recorded"), null=True, blank=True)

    class Meta:
        ordering = ["-lodged_at", "-pk"]
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")

    def __str__(self) -> str:
        return self.reference


def evidence_path(instance: AppealEvidence, filename: str) -> str:
    # The stored name is random; the original name is kept for display only.
    return f"appeals/{instance.appeal.uid.hex}/{filename}"


class AppealEvidence(models.Model):
    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("file"), upload_to=evidence_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("appeal evidence")
        verbose_name_plural = _("appeal evidence")

    def __str__(self) -> str:
        return self.original_name


class PanelMember(models.Model):
    """A person on an appeal's panel, and the view they recorded."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="panel")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField(_("assigned"), auto_now_add=True)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    view = models.CharField(_("view"), max_length=20, choices=View.choices, blank=True)
    send_back_to = models.CharField(
        _("stage to send back to"), max_length=40, choices=SendBackStage.choices, blank=True
    )
    comment = models.TextField(_("reasons"), blank=True)
    view_recorded_at = models.DateTimeField(_("view recorded"), null=True, blank=True)

    class Meta:
        ordering = ["appeal", "user__full_name", "pk"]
        verbose_name = _("appeal panel member")
        verbose_name_plural = _("appeal panel members")
        constraints = [models.UniqueConstraint(fields=["appeal", "user"], name="appeal_panel_member_once")]

    def __str__(self) -> str:
        return f"{self.appeal} · {self.user}"
