"""A unit's profile, the people it invites (its administrators and its engineers), requests to
administer it, and its endorsement of the applications that name it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from engcert.applications.models import Application
from engcert.batches.models import Batch
from engcert.organisations.enums import OrganisationKind
from engcert.organisations.models import Organisation
from engcert.units.enums import AdminRequestState, EndorsementDecision

UNIT_ONLY = {"kind": OrganisationKind.UNIT}


class UnitProfile(models.Model):
    """What the unit keeps about itself beyond its organisation row: where and whom to contact."""

    unit = models.OneToOneField(
        Organisation,
        verbose_name=_("unit"),
        on_delete=models.CASCADE,
        related_name="unit_profile",
        limit_choices_to=UNIT_ONLY,
    )
    address = models.CharField(_("postal address"), max_length=300, blank=True)
    postcode = models.CharField(_("postcode"), max_length=12, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=100, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    updated_at = models.DateTimeField(_("last saved"), auto_now=True)

    class Meta:
        verbose_name = _("unit profile")
        verbose_name_plural = _("unit profiles")

    def __str__(self) -> str:
        return str(self.unit)


class AdminInvitation(models.Model):
    """Society staff invite someone by email to administer a unit; the link carries a secret
    token kept here only as a hash."""

    unit = models.ForeignKey(
        Organisation,
        verbose_name=_("unit"),
        on_delete=models.CASCADE,
        related_name="admin_invitations",
        limit_choices_to=UNIT_ONLY,
    )
    email = models.EmailField(_("email"))
    # Set when the email goes out (the token itself exists in the email alone).
    token_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("invited by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("invited"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation to administer a unit")
        verbose_name_plural = _("invitations to administer a unit")

    def __str__(self) -> str:
        return f"{self.email} · {self.unit}"


class AdminRequest(models.Model):
    """A person with an account asks to administer a unit; the society's staff decide."""

    unit = models.ForeignKey(
        Organisation,
        verbose_name=_("unit"),
        on_delete=models.CASCADE,
        related_name="admin_requests",
        limit_choices_to=UNIT_ONLY,
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE, related_name="+"
    )
    position = models.CharField(_("department and position"), max_length=200)
    note = models.TextField(_("note to the society"), blank=True)
    state = models.CharField(
        _("status"), max_length=20, choices=AdminRequestState.choices, default=AdminRequestState.PENDING
    )
    created_at = models.DateTimeField(_("asked"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("request to administer a unit")
        verbose_name_plural = _("requests to administer a unit")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "user"],
                condition=models.Q(state=AdminRequestState.PENDING),
                name="one_pending_admin_request_per_unit",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.unit}"


class EngineerInvitation(models.Model):
    """The unit invites one of its engineers by email to apply in an open call."""

    unit = models.ForeignKey(
        Organisation,
        verbose_name=_("unit"),
        on_delete=models.CASCADE,
        related_name="engineer_invitations",
        limit_choices_to=UNIT_ONLY,
    )
    batch = models.ForeignKey(Batch, verbose_name=_("batch"), on_delete=models.CASCADE, related_name="+")
    email = models.EmailField(_("email"))
    name = models.CharField(_("name"), max_length=100, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("invited by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("invited"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation to apply")
        verbose_name_plural = _("invitations to apply")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "batch", "email"], name="one_invitation_per_engineer_and_call"
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} · {self.batch}"


class Endorsement(models.Model):
    """The unit's word on an application that names it; staff still tick their checklist."""

    application = models.OneToOneField(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="unit_endorsement"
    )
    unit = models.ForeignKey(
        Organisation,
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="endorsements",
        limit_choices_to=UNIT_ONLY,
    )
    decision = models.CharField(
        _("decision"), max_length=20, choices=EndorsementDecision.choices, default=EndorsementDecision.PENDING
    )
    reason = models.TextField(_("reason"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        verbose_name = _("unit endorsement")
        verbose_name_plural = _("unit endorsements")

    def __str__(self) -> str:
        return f"{self.application} · {self.get_decision_display()}"
