"""Re-registration (再注册): a member's application for the next term of their certificate,
and the reminders sent before a certificate expires."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from engcert.applications.models import PledgeText
from engcert.certificates.models import Certificate
from engcert.registration.models import Registration
from engcert.renewals.enums import HOLDS_CERTIFICATE, RenewalState


class Renewal(models.Model):
    """One application to renew one certificate: the member's updated declaration, the pledge
    they signed, their CPD at the time, and the society's decision."""

    registration = models.ForeignKey(
        Registration, verbose_name=_("registration"), on_delete=models.PROTECT, related_name="renewals"
    )
    certificate = models.ForeignKey(
        Certificate,
        verbose_name=_("certificate renewed"),
        on_delete=models.PROTECT,
        related_name="renewals",
    )
    state = models.CharField(
        _("status"), max_length=20, choices=RenewalState.choices, default=RenewalState.SUBMITTED
    )
    # The updated declaration.
    unit_name = models.CharField(_("work unit"), max_length=200)
    position = models.CharField(_("department and position"), max_length=200)
    phone = models.CharField(_("mobile phone"), max_length=30)
    email = models.EmailField(_("email"))
    # The integrity pledge as signed.
    pledge = models.ForeignKey(
        PledgeText, verbose_name=_("pledge"), on_delete=models.PROTECT, related_name="+"
    )
    pledge_typed_name = models.CharField(_("name typed under the pledge"), max_length=100)
    pledged_at = models.DateTimeField(_("pledge signed"))
    # The CPD years of the term as shown to the member when they last submitted.
    cpd_summary = models.JSONField(_("CPD at submission"), default=list)
    submitted_at = models.DateTimeField(_("submitted"))
    state_changed_at = models.DateTimeField(_("status changed"), default=timezone.now)
    reason = models.TextField(_("reason given"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    new_certificate = models.OneToOneField(
        Certificate,
        verbose_name=_("new certificate"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="renewed_from",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        verbose_name = _("re-registration")
        verbose_name_plural = _("re-registrations")
        constraints = [
            models.UniqueConstraint(
                fields=["certificate"],
                condition=models.Q(state__in=sorted(HOLDS_CERTIFICATE)),
                name="renewal_one_open_per_certificate",
            )
        ]
        indexes = [models.Index(fields=["state", "submitted_at"], name="renewal_state_submitted")]

    def __str__(self) -> str:
        return f"{self.registration.member_number} → {self.certificate.number}"


class RenewalReminder(models.Model):
    """A reminder sent for one certificate at one threshold (days before expiry). The unique
    constraint is what makes the scheduled job safe on several servers at once: whoever
    inserts the row sends the email."""

    certificate = models.ForeignKey(
        Certificate, verbose_name=_("certificate"), on_delete=models.CASCADE, related_name="renewal_reminders"
    )
    days_before = models.PositiveSmallIntegerField(_("days before expiry"))
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)
    email = models.EmailField(_("sent to"), blank=True)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("renewal reminder")
        verbose_name_plural = _("renewal reminders")
        constraints = [
            models.UniqueConstraint(fields=["certificate", "days_before"], name="renewal_reminder_once")
        ]

    def __str__(self) -> str:
        return f"{self.certificate} · {self.days_before}"
