"""The engineer-member application (工程会员申请表) and the integrity pledge."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from engcert.applications.enums import INACTIVE, PUBLIC_LABELS, ApplicationState, AssessmentPath, Gender
from engcert.batches.models import Batch
from engcert.frameworks.models import FrameworkVersion, Grade
from engcert.organisations.enums import OrganisationKind
from engcert.organisations.models import Discipline, Organisation, in_reader_language
from engcert.privacy.fields import EncryptedTextField
from engcert.privacy.identity_documents import DocumentType, mask_document_number

SUBMITTED_ONLY = models.Q(submitted_at__isnull=False)


class Application(models.Model):
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.CharField(_("application number"), max_length=40, unique=True, null=True, blank=True)
    batch = models.ForeignKey(
        Batch, verbose_name=_("batch"), on_delete=models.PROTECT, related_name="applications"
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applicant"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    framework_version = models.ForeignKey(
        FrameworkVersion, verbose_name=_("framework version"), on_delete=models.PROTECT
    )
    state = models.CharField(
        _("status"),
        max_length=30,
        choices=ApplicationState.choices,
        default=ApplicationState.DRAFT,
        db_index=True,
    )
    # Application choices
    grade = models.ForeignKey(
        Grade, verbose_name=_("grade applied for"), on_delete=models.PROTECT, null=True, blank=True
    )
    # The grade the committee approved: the one applied for, or a lower one the panel
    # recommended. Written by the committee's decision; the notice and the register read it.
    awarded_grade = models.ForeignKey(
        Grade,
        verbose_name=_("grade approved"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    discipline = models.ForeignKey(
        Discipline,
        verbose_name=_("professional field"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    unit = models.ForeignKey(
        Organisation,
        verbose_name=_("nominating unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="nominated_applications",
        limit_choices_to={"kind": OrganisationKind.UNIT},
    )
    simplified_requested = models.BooleanField(_("requests simplified assessment"), default=False)
    # Set by staff when they verify the international title; the applicant's request alone
    # never shortens the assessment.
    assessment_path = models.CharField(
        _("assessment path"), max_length=20, choices=AssessmentPath.choices, default=AssessmentPath.FULL
    )
    # The sections the initial review asked the applicant to change: written by the review's move
    # to "returned" and emptied by the resubmission. While returned, only these can be edited.
    revision_sections = models.JSONField(_("sections open for revision"), default=list, blank=True)
    eligibility_explanation = models.TextField(_("explanation of eligibility"), blank=True)
    eligibility_unmet = models.JSONField(_("eligibility concerns at submission"), default=list, blank=True)
    # Personal data (sensitive under PIPL: the document number is encrypted at rest)
    full_name = models.CharField(_("full name"), max_length=100, blank=True)
    full_name_en = models.CharField(_("name in English or pinyin"), max_length=100, blank=True)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    nationality = models.CharField(_("nationality"), max_length=60, blank=True)
    id_type = models.CharField(
        _("identity document type"), max_length=20, choices=DocumentType.choices, blank=True
    )
    id_number = EncryptedTextField(_("identity document number"), blank=True)
    id_number_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    phone = models.CharField(_("mobile phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    address = models.CharField(_("postal address"), max_length=300, blank=True)
    employer = models.CharField(_("current employer"), max_length=200, blank=True)
    department_position = models.CharField(_("department and position"), max_length=200, blank=True)
    # Life cycle
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last saved"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    state_changed_at = models.DateTimeField(_("status changed"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "applicant"],
                condition=~models.Q(state__in=[s.value for s in INACTIVE]),
                name="one_active_application_per_batch",
            )
        ]
        # The staff work queue reads submitted applications of one batch, by stage and in the
        # orders it offers (bench/queue_run.py measured each against 50,000 applications).
        indexes = [
            models.Index(fields=["batch", "state"]),
            models.Index(fields=["batch", "state"], condition=SUBMITTED_ONLY, name="application_queue_stage"),
            models.Index(
                fields=["batch", "submitted_at", "id"],
                condition=SUBMITTED_ONLY,
                name="application_queue_submitted",
            ),
            models.Index(
                fields=["batch", "state_changed_at", "id"],
                condition=SUBMITTED_ONLY,
                name="application_queue_changed",
            ),
            models.Index(
                fields=["batch", "full_name", "id"], condition=SUBMITTED_ONLY, name="application_queue_name"
            ),
            models.Index(
                fields=["batch", "number"], condition=SUBMITTED_ONLY, name="application_queue_number"
            ),
        ]

    def __str__(self) -> str:
        return self.number or str(self.uid)

    @property
    def public_status(self) -> str:
        return str(PUBLIC_LABELS[self.state])

    @property
    def id_number_masked(self) -> str:
        return mask_document_number(self.id_number or "")


class PledgeText(models.Model):
    """The integrity pledge (诚信承诺), versioned; a signature records which version was signed."""

    society = models.ForeignKey(
        Organisation,
        verbose_name=_("society"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("Empty for the alliance's default pledge."),
    )
    version = models.CharField(_("version"), max_length=20)
    text = models.TextField(_("text (Chinese)"))
    text_en = models.TextField(_("text (English)"), blank=True)
    effective_from = models.DateTimeField(_("effective from"))

    class Meta:
        ordering = ["-effective_from"]
        verbose_name = _("pledge text")
        verbose_name_plural = _("pledge texts")
        constraints = [models.UniqueConstraint(fields=["society", "version"], name="pledge_version_unique")]

    def __str__(self) -> str:
        return f"{_('Integrity pledge')} {self.version}"

    @property
    def display_text(self) -> str:
        return in_reader_language(self.text, self.text_en)


class PledgeSignature(models.Model):
    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="pledge_signature")
    pledge = models.ForeignKey(PledgeText, verbose_name=_("pledge"), on_delete=models.PROTECT)
    typed_name = models.CharField(_("name typed by the applicant"), max_length=100)
    consents_to_verification = models.BooleanField(_("consents to verification"))
    signed_at = models.DateTimeField(_("signed at"))
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("pledge signature")
        verbose_name_plural = _("pledge signatures")

    def __str__(self) -> str:
        return f"{self.typed_name} {self.signed_at:%Y-%m-%d %H:%M}"
