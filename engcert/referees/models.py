"""Referee confirmation (证明人确认): each society's policy for the links, the request one referee
receives for the claims that name them, the tokens of its link (kept only as hashes) and the
claims with the referee's answer, kept as they were when asked."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from engcert.applications.models import Application, Project, WorkEntry
from engcert.organisations.enums import OrganisationKind
from engcert.organisations.models import Organisation
from engcert.referees.enums import ClaimKind, RequestState, Verdict

DEFAULT_LINK_DAYS = 30
DEFAULT_REMINDER_DAYS = [7, 14]


def default_reminder_days() -> list[int]:
    return list(DEFAULT_REMINDER_DAYS)


class RefereePolicy(models.Model):
    """How long a society's referee links stay valid and when unanswered referees are reminded."""

    society = models.OneToOneField(
        Organisation,
        verbose_name=_("society"),
        on_delete=models.PROTECT,
        related_name="referee_policy",
        limit_choices_to={"kind": OrganisationKind.SOCIETY},
    )
    link_valid_days = models.PositiveSmallIntegerField(
        _("days a link stays valid"),
        default=DEFAULT_LINK_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    # Days after the first email at which a referee who has not answered is reminded, once each.
    reminder_days = models.JSONField(_("reminders after (days)"), default=default_reminder_days, blank=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("referee policy")
        verbose_name_plural = _("referee policies")

    def __str__(self) -> str:
        return f"{self.society.code}: {self.link_valid_days} d"


class RefereeRequest(models.Model):
    """One referee asked, by one link, about every claim of one application that names them."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="referee_requests")
    # The referee as named when asked; the email is normalised (trimmed, lower case).
    name = models.CharField(_("referee's name"), max_length=100)
    position = models.CharField(_("referee's position"), max_length=100, blank=True)
    organisation = models.CharField(_("referee's organisation"), max_length=200, blank=True)
    email = models.EmailField(_("referee's email"))
    phone = models.CharField(_("referee's phone"), max_length=30, blank=True)
    state = models.CharField(
        _("status"), max_length=20, choices=RequestState.choices, default=RequestState.PENDING, db_index=True
    )
    created_at = models.DateTimeField(_("asked"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("asked by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty when the submission asked."),
    )
    expires_at = models.DateTimeField(_("link valid until"))
    sent_at = models.DateTimeField(_("first sent"), null=True, blank=True)
    last_sent_at = models.DateTimeField(_("last sent"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    state_changed_at = models.DateTimeField(_("status changed"), null=True, blank=True)
    state_reason = models.TextField(_("reason"), blank=True)
    # The reminder thresholds (days) already served, so each is sent at most once.
    reminders_done = models.JSONField(_("reminders sent"), default=list, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("referee request")
        verbose_name_plural = _("referee requests")
        indexes = [models.Index(fields=["state", "sent_at"], name="referee_request_reminders")]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"

    def is_expired(self, at: object = None) -> bool:
        now = at or timezone.now()
        return bool(self.expires_at <= now)  # type: ignore[operator]


class RefereeToken(models.Model):
    """One link sent for a request. Only the SHA-256 of the token is kept; a newer email's link
    retires the earlier ones."""

    request = models.ForeignKey(RefereeRequest, on_delete=models.CASCADE, related_name="tokens")
    token_hash = models.CharField(max_length=64, unique=True)
    issued_at = models.DateTimeField(default=timezone.now)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["issued_at", "pk"]
        verbose_name = _("referee link")
        verbose_name_plural = _("referee links")

    def __str__(self) -> str:
        return f"{self.request} {self.issued_at:%Y-%m-%d %H:%M}"


class RefereeClaim(models.Model):
    """One claim (a project or a work entry) as the referee was asked about it, with their answer.

    The facts are copied when asked, so the referee's page shows nothing but them, and a later
    edit of the application is recognised by the fingerprint."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    request = models.ForeignKey(RefereeRequest, on_delete=models.CASCADE, related_name="claims")
    kind = models.CharField(_("kind"), max_length=10, choices=ClaimKind.choices)
    project = models.ForeignKey(Project, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    work_entry = models.ForeignKey(
        WorkEntry, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    fingerprint = models.CharField(max_length=64)
    facts = models.JSONField(default=dict)
    verdict = models.CharField(_("answer"), max_length=20, choices=Verdict.choices, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    replaced_at = models.DateTimeField(_("referee replaced"), null=True, blank=True)
    replaced_reason = models.TextField(_("reason for replacing the referee"), blank=True)

    class Meta:
        ordering = ["request__created_at", "pk"]
        verbose_name = _("claim to confirm")
        verbose_name_plural = _("claims to confirm")

    def __str__(self) -> str:
        return str(self.facts.get("title", self.pk))

    @property
    def source_id(self) -> int | None:
        return self.project_id if self.kind == ClaimKind.PROJECT else self.work_entry_id
