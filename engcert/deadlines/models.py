"""Each society's reminder policy, the extensions staff grant past a deadline, the
reminders already sent (so that no reminder goes twice, whichever host sends it) and the runs
that send them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from engcert.batches.models import Batch
from engcert.deadlines.enums import DEFAULT_REMINDER_DAYS, ReminderKind, ReminderRunStatus
from engcert.organisations.enums import OrganisationKind
from engcert.organisations.models import Organisation


def reminder_days_parse(text: str) -> list[int]:
    """ "7,3,1" → [7, 3, 1]; what a form accepted is always readable back."""
    return sorted({int(part) for part in text.split(",") if part.strip()}, reverse=True)


class DeadlinePolicy(models.Model):
    """How many days before each deadline the society's reminders go out."""

    society = models.OneToOneField(
        Organisation,
        verbose_name=_("society"),
        on_delete=models.CASCADE,
        related_name="deadline_policy",
        limit_choices_to={"kind": OrganisationKind.SOCIETY},
    )
    application_reminder_days = models.CharField(
        _("reminders before the application deadline (days)"), max_length=60, default=DEFAULT_REMINDER_DAYS
    )
    roster_reminder_days = models.CharField(
        _("reminders before the roster deadline (days)"), max_length=60, default=DEFAULT_REMINDER_DAYS
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last changed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        verbose_name = _("deadline policy")
        verbose_name_plural = _("deadline policies")

    def __str__(self) -> str:
        return str(self.society)

    def days_for(self, kind: str) -> list[int]:
        text = (
            self.application_reminder_days if kind == ReminderKind.APPLICATION else self.roster_reminder_days
        )
        return reminder_days_parse(text)


class DeadlineExtension(models.Model):
    """Staff let one applicant (application deadline) or one unit (roster deadline) act after
    the batch's deadline, until a time they set, for a reason they record."""

    batch = models.ForeignKey(
        Batch, verbose_name=_("batch"), on_delete=models.CASCADE, related_name="deadline_extensions"
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applicant"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deadline_extensions",
    )
    unit = models.ForeignKey(
        Organisation,
        verbose_name=_("unit"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deadline_extensions",
        limit_choices_to={"kind": OrganisationKind.UNIT},
    )
    until = models.DateTimeField(_("extended until"))
    reason = models.TextField(_("reason"))
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("granted by"), on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField(_("granted"), auto_now_add=True)

    class Meta:
        ordering = ["-granted_at", "-pk"]
        verbose_name = _("deadline extension")
        verbose_name_plural = _("deadline extensions")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(applicant__isnull=False, unit__isnull=True)
                    | models.Q(applicant__isnull=True, unit__isnull=False)
                ),
                name="deadline_extension_for_applicant_or_unit",
            )
        ]

    def __str__(self) -> str:
        return f"{self.batch} · {self.applicant or self.unit} · {self.until:%Y-%m-%d %H:%M}"


class SentReminder(models.Model):
    """One reminder sent: per deadline (as it stood), recipient and threshold, once. The row is
    written in the transaction that sends the email, so a second host running at the same time
    waits on the unique index and then skips."""

    kind = models.CharField(_("kind"), max_length=20, choices=ReminderKind.choices)
    batch = models.ForeignKey(Batch, verbose_name=_("batch"), on_delete=models.CASCADE, related_name="+")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="+"
    )
    unit = models.ForeignKey(
        Organisation,
        verbose_name=_("unit"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    deadline_at = models.DateTimeField(_("deadline"))
    days_before = models.PositiveSmallIntegerField(_("days before"))
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        constraints = [
            # Two conditional constraints: a NULL unit would otherwise never collide.
            models.UniqueConstraint(
                fields=["kind", "batch", "recipient", "deadline_at", "days_before"],
                condition=models.Q(unit__isnull=True),
                name="one_reminder_per_applicant_threshold",
            ),
            models.UniqueConstraint(
                fields=["kind", "batch", "recipient", "unit", "deadline_at", "days_before"],
                condition=models.Q(unit__isnull=False),
                name="one_reminder_per_unit_admin_threshold",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.recipient} · {self.days_before}"


class ReminderRun(models.Model):
    """One sending of the society's reminders due now, started by staff (in the background) or
    by cron (no one started it). It lists the reminders due first (total), then sends them one
    by one, counting as it goes; resumed after its worker stopped, it sends none twice (each
    reminder is claimed by its SentReminder row)."""

    society = models.ForeignKey(
        Organisation,
        verbose_name=_("society"),
        on_delete=models.CASCADE,
        related_name="reminder_runs",
        limit_choices_to={"kind": OrganisationKind.SOCIETY},
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ReminderRunStatus.choices, default=ReminderRunStatus.QUEUED
    )
    total = models.PositiveIntegerField(_("reminders due"), default=0)
    done = models.PositiveIntegerField(_("done"), default=0)
    sent_applicants = models.PositiveIntegerField(_("sent to applicants"), default=0)
    sent_unit_admins = models.PositiveIntegerField(_("sent to unit administrators"), default=0)
    message = models.TextField(_("message"), blank=True)
    task_id = models.CharField(_("task"), max_length=64, blank=True)
    # Nobody: the scheduled run (cron).
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("requested"), default=timezone.now)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("reminder run")
        verbose_name_plural = _("reminder runs")

    def __str__(self) -> str:
        return f"{self.society} · {self.get_status_display()} {self.done}/{self.total}"

    @property
    def sent(self) -> int:
        return self.sent_applicants + self.sent_unit_admins
