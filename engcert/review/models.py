"""The initial review (初审) of a submitted application: one checklist per submission, the
revision requests it sends back, and the verification of international titles."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from engcert.applications.models import Application, ApplicationSnapshot, InternationalTitle
from engcert.applications.sections import SECTIONS
from engcert.review.enums import QueueExportStatus, ReviewOutcome

SECTION_CHOICES = [(section.key, section.title) for section in SECTIONS]


class InitialReview(models.Model):
    """One round of initial review: the checklist of one submission and what came of it."""

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="initial_reviews"
    )
    round = models.PositiveSmallIntegerField(_("round"))
    snapshot = models.ForeignKey(
        ApplicationSnapshot,
        verbose_name=_("submission reviewed"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    documents_complete = models.BooleanField(_("documents complete"), default=False)
    documents_legible = models.BooleanField(_("documents legible"), default=False)
    eligibility_confirmed = models.BooleanField(_("eligibility confirmed"), default=False)
    unit_endorsement_received = models.BooleanField(_("unit endorsement received"), default=False)
    notes = models.TextField(_("reviewer's notes"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=ReviewOutcome.choices, blank=True)
    outcome_reason = models.TextField(_("reason"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("opened"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last saved"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last saved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["application", "round"]
        verbose_name = _("initial review")
        verbose_name_plural = _("initial reviews")
        constraints = [
            models.UniqueConstraint(fields=["application", "round"], name="one_initial_review_per_round")
        ]

    def __str__(self) -> str:
        return f"{self.application} · {self.round}"


class RevisionRequest(models.Model):
    """The sections an initial review sent back to the applicant, each with its reason."""

    review = models.OneToOneField(
        InitialReview, verbose_name=_("initial review"), on_delete=models.CASCADE, related_name="revision"
    )
    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="revision_requests"
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("sent by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["application", "created_at"]
        verbose_name = _("revision request")
        verbose_name_plural = _("revision requests")

    def __str__(self) -> str:
        return f"{self.application} · {self.created_at:%Y-%m-%d}"


class RevisionItem(models.Model):
    request = models.ForeignKey(RevisionRequest, on_delete=models.CASCADE, related_name="items")
    section = models.CharField(_("section"), max_length=30, choices=SECTION_CHOICES)
    reason = models.TextField(_("what to change"))
    position = models.PositiveSmallIntegerField(_("display order"), default=0)

    class Meta:
        ordering = ["request", "position"]
        verbose_name = _("revision item")
        verbose_name_plural = _("revision items")
        constraints = [
            models.UniqueConstraint(fields=["request", "section"], name="one_revision_item_per_section")
        ]

    def __str__(self) -> str:
        return self.section


class TitleVerification(models.Model):
    """Staff's check of an international title for simplified assessment (简化考核), with the
    title as it read when checked: the applicant may change it later."""

    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="title_verifications",
    )
    title = models.ForeignKey(
        InternationalTitle,
        verbose_name=_("international title"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="verifications",
    )
    kind = models.CharField(_("title"), max_length=20)
    number = models.CharField(_("registration number"), max_length=60)
    issuer = models.CharField(_("issuing body"), max_length=200)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    evidence_sha256 = models.CharField(_("evidence checked"), max_length=64, blank=True)
    verified = models.BooleanField(_("verified"))
    note = models.TextField(_("note"), blank=True)
    checked_at = models.DateTimeField(_("checked at"))
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("checked by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["application", "checked_at", "pk"]
        verbose_name = _("title verification")
        verbose_name_plural = _("title verifications")

    def __str__(self) -> str:
        return f"{self.kind} {self.number}"


class QueueExport(models.Model):
    """The "export all filtered" of a batch's work queue, made in the background. It counts as it
    goes (the progress bar reads it) and can be started again after its worker stopped: the
    file is written at the end, so running again makes one file, not two."""

    society = models.ForeignKey(
        "organisations.Organisation", verbose_name=_("society"), on_delete=models.PROTECT, related_name="+"
    )
    batch = models.ForeignKey(
        "batches.Batch", verbose_name=_("batch"), on_delete=models.PROTECT, related_name="queue_exports"
    )
    # The filters as the page had them (its query string), applied again by the task.
    filters = models.CharField(_("filters"), max_length=2000, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=QueueExportStatus.choices, default=QueueExportStatus.QUEUED
    )
    total = models.PositiveIntegerField(_("to do"), default=0)
    done = models.PositiveIntegerField(_("done"), default=0)
    result = models.FileField(_("file made"), upload_to="queue/exports/%Y/%m/", max_length=300, blank=True)
    message = models.TextField(_("error"), blank=True)
    task_id = models.CharField(_("task"), max_length=64, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("requested"), default=timezone.now)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("work queue export")
        verbose_name_plural = _("work queue exports")

    def __str__(self) -> str:
        return f"{self.batch_id} · {self.get_status_display()} {self.done}/{self.total}"
