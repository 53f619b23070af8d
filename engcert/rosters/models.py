"""Rosters (申报名单, 附件3): the background jobs that export and import them, and the rosters
units sent in, row by row, to reconcile with the online applications."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from engcert.batches.models import Batch
from engcert.organisations.models import Organisation
from engcert.privacy.fields import EncryptedTextField
from engcert.privacy.identity_documents import mask_document_number
from engcert.rosters.enums import RosterJobKind, RosterJobStatus


class RosterJob(models.Model):
    """An export of every unit's roster or an import of one unit's roster, done in the
    background. It counts as it goes (the progress bar reads it) and can be started again after
    its worker stopped: an import writes its rows in one transaction, an export its file at the
    end, so running again does nothing twice."""

    kind = models.CharField(_("kind"), max_length=20, choices=RosterJobKind.choices)
    batch = models.ForeignKey(Batch, verbose_name=_("batch"), on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(
        Organisation,
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=RosterJobStatus.choices, default=RosterJobStatus.QUEUED
    )
    total = models.PositiveIntegerField(_("to do"), default=0)
    done = models.PositiveIntegerField(_("done"), default=0)
    # The uploaded roster (imports) and the file made (exports), through the storage API.
    upload = models.FileField(
        _("uploaded file"), upload_to="rosters/uploads/%Y/%m/", max_length=300, blank=True
    )
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    only_valid = models.BooleanField(_("import the valid rows only"), default=False)
    result = models.FileField(_("file made"), upload_to="rosters/exports/%Y/%m/", max_length=300, blank=True)
    # Per problem: {"row": 5, "column": "证件号码", "letter": "F", "message": "..."}
    problems = models.JSONField(_("problems"), default=list, blank=True)
    message = models.TextField(_("message"), blank=True)
    task_id = models.CharField(_("task"), max_length=64, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("requested"), default=timezone.now)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("roster job")
        verbose_name_plural = _("roster jobs")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.get_status_display()} {self.done}/{self.total}"


class RosterImport(models.Model):
    """A roster a unit sent (by email) for a batch, as staff imported it."""

    batch = models.ForeignKey(
        Batch, verbose_name=_("batch"), on_delete=models.PROTECT, related_name="roster_imports"
    )
    unit = models.ForeignKey(
        Organisation, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="roster_imports"
    )
    job = models.OneToOneField(
        RosterJob,
        verbose_name=_("job"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="roster_import",
    )
    original_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(max_length=64)
    rows_skipped = models.PositiveIntegerField(_("rows not imported"), default=0)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("imported by"), on_delete=models.PROTECT, related_name="+"
    )
    imported_at = models.DateTimeField(_("imported"), default=timezone.now)

    class Meta:
        ordering = ["-imported_at", "-pk"]
        verbose_name = _("imported roster")
        verbose_name_plural = _("imported rosters")

    def __str__(self) -> str:
        return f"{self.unit} · {self.batch} · {self.original_name}"


class RosterRow(models.Model):
    """One person listed in an imported roster, every value checked."""

    roster_import = models.ForeignKey(RosterImport, on_delete=models.CASCADE, related_name="rows")
    row_number = models.PositiveIntegerField(_("row in the file"))
    seq = models.CharField(_("number in the list"), max_length=20, blank=True)
    full_name = models.CharField(_("full name"), max_length=100)
    gender = models.CharField(_("gender"), max_length=1, blank=True)
    birth_month = models.DateField(_("year and month of birth"), null=True, blank=True)
    id_type = models.CharField(_("identity document type"), max_length=20, blank=True)
    id_number = EncryptedTextField(_("identity document number"), blank=True)
    id_number_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    employer = models.CharField(_("employer"), max_length=200, blank=True)
    department_position = models.CharField(_("department and position"), max_length=200, blank=True)
    title = models.CharField(_("professional title"), max_length=200, blank=True)
    degree = models.CharField(_("highest degree"), max_length=100, blank=True)
    institution = models.CharField(_("institution"), max_length=200, blank=True)
    major = models.CharField(_("major"), max_length=200, blank=True)
    grade_text = models.CharField(_("grade applied for"), max_length=100, blank=True)
    grade = models.ForeignKey(
        "frameworks.Grade",
        verbose_name=_("grade"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    discipline_text = models.CharField(_("professional field"), max_length=200, blank=True)
    discipline = models.ForeignKey(
        "organisations.Discipline",
        verbose_name=_("discipline"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    simplified_requested = models.BooleanField(_("requests simplified assessment"), null=True, blank=True)
    phone = models.CharField(_("mobile phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    remarks = models.CharField(_("remarks"), max_length=500, blank=True)

    class Meta:
        ordering = ["roster_import", "row_number"]
        verbose_name = _("roster row")
        verbose_name_plural = _("roster rows")

    def __str__(self) -> str:
        return f"{self.row_number} {self.full_name}"

    @property
    def id_number_masked(self) -> str:
        return mask_document_number(self.id_number or "")
