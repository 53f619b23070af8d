"""The repeating parts of an application: education, work, projects, statements and the rest."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from engcert.applications.enums import (
    AchievementKind,
    AttachmentKind,
    CpdActivityType,
    Degree,
    InternationalTitleKind,
)
from engcert.applications.models.application import Application
from engcert.frameworks.models import CompetencyArea


class Referee(models.Model):
    """A person who can confirm a claim."""

    referee_name = models.CharField(_("referee's name"), max_length=100, blank=True)
    referee_position = models.CharField(_("referee's position"), max_length=100, blank=True)
    referee_organisation = models.CharField(_("referee's organisation"), max_length=200, blank=True)
    referee_email = models.EmailField(_("referee's email"), blank=True)
    referee_phone = models.CharField(_("referee's phone"), max_length=30, blank=True)

    class Meta:
        abstract = True


class Attachment(models.Model):
    """An uploaded file, recognised by content, stored through the storage API and never public."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("kind"), max_length=20, choices=AttachmentKind.choices)
    file = models.FileField(_("file"), upload_to="attachments/%Y/%m/", max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=60)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(max_length=64)
    description = models.CharField(_("description"), max_length=200, blank=True)
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["uploaded_at"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name


class Education(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="education")
    degree = models.CharField(_("degree"), max_length=20, choices=Degree.choices)
    institution = models.CharField(_("institution"), max_length=200)
    major = models.CharField(_("major"), max_length=200)
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("to"))
    accredited = models.BooleanField(
        _("accredited engineering degree"),
        default=False,
        help_text=_("Accredited under the engineering education accreditation (Washington Accord)."),
    )
    certificate = models.ForeignKey(
        Attachment,
        verbose_name=_("degree certificate"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["start_date"]
        verbose_name = _("education")
        verbose_name_plural = _("education")

    def __str__(self) -> str:
        return f"{self.institution} {self.major}"


class WorkEntry(Referee):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="work_entries")
    employer = models.CharField(_("employer"), max_length=200)
    department = models.CharField(_("department"), max_length=200, blank=True)
    position = models.CharField(_("position"), max_length=200)
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("to"), null=True, blank=True, help_text=_("Leave empty if current."))
    is_engineering_practice = models.BooleanField(_("professional engineering practice"), default=True)
    is_responsible_charge = models.BooleanField(
        _("in responsible charge of significant engineering work"), default=False
    )
    description = models.TextField(_("duties"), blank=True)

    class Meta:
        ordering = ["start_date"]
        verbose_name = _("work history entry")
        verbose_name_plural = _("work history")

    def __str__(self) -> str:
        return f"{self.employer} {self.position}"


class Project(Referee):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="projects")
    name = models.CharField(_("project name"), max_length=200)
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("to"), null=True, blank=True)
    role = models.CharField(_("your role"), max_length=200)
    scale = models.CharField(
        _("scale"), max_length=200, help_text=_("e.g. voltage level, capacity, investment")
    )
    responsibilities = models.TextField(_("your own responsibilities"))
    results = models.TextField(_("results"))

    class Meta:
        ordering = ["start_date"]
        verbose_name = _("engineering project")
        verbose_name_plural = _("engineering projects")

    def __str__(self) -> str:
        return self.name


class CompetencyStatement(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="statements")
    area = models.ForeignKey(CompetencyArea, verbose_name=_("competency area"), on_delete=models.PROTECT)
    text = models.TextField(_("statement"), blank=True)
    projects = models.ManyToManyField(Project, verbose_name=_("projects that show it"), blank=True)

    class Meta:
        ordering = ["area__number"]
        verbose_name = _("competency statement")
        verbose_name_plural = _("competency statements")
        constraints = [models.UniqueConstraint(fields=["application", "area"], name="one_statement_per_area")]

    def __str__(self) -> str:
        return str(self.area)


class Achievement(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="achievements")
    kind = models.CharField(_("kind"), max_length=20, choices=AchievementKind.choices)
    title = models.CharField(_("title"), max_length=300)
    issuer = models.CharField(_("issuer or publisher"), max_length=200, blank=True)
    date = models.DateField(_("date"), null=True, blank=True)
    reference = models.CharField(_("number or reference"), max_length=100, blank=True)
    detail = models.CharField(_("details"), max_length=500, blank=True)

    class Meta:
        ordering = ["kind", "date"]
        verbose_name = _("title, qualification or achievement")
        verbose_name_plural = _("titles, qualifications and achievements")

    def __str__(self) -> str:
        return self.title


class InternationalTitle(models.Model):
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="international_titles"
    )
    kind = models.CharField(_("title"), max_length=20, choices=InternationalTitleKind.choices)
    other_name = models.CharField(_("name of the title, if other"), max_length=100, blank=True)
    number = models.CharField(_("registration number"), max_length=60)
    issuer = models.CharField(_("issuing body"), max_length=200)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    evidence = models.ForeignKey(
        Attachment,
        verbose_name=_("evidence"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("international title")
        verbose_name_plural = _("international titles")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"


class CpdRecord(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="cpd_records")
    activity_type = models.CharField(_("activity type"), max_length=20, choices=CpdActivityType.choices)
    title = models.CharField(_("activity"), max_length=200)
    date = models.DateField(_("date"))
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1)
    provider = models.CharField(_("provider"), max_length=200, blank=True)

    class Meta:
        ordering = ["-date"]
        verbose_name = _("CPD record")
        verbose_name_plural = _("CPD records")

    def __str__(self) -> str:
        return self.title
