"""The society's examiner pool, its evaluation policy, panels and interviews (面试考核)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from engcert.applications.models import Application
from engcert.batches.models import Batch
from engcert.examiners.enums import InterviewMode, InterviewStatus, ScheduleRunStatus, SeatStatus
from engcert.frameworks.models import Grade
from engcert.organisations.enums import OrganisationKind
from engcert.organisations.models import Discipline, Organisation


def _default_simplified_areas() -> list[int]:
    return [1, 5]


class EvaluationPolicy(models.Model):
    """How a society runs its panels and interviews; one row per society, made with defaults on first use."""

    society = models.OneToOneField(
        Organisation,
        verbose_name=_("society"),
        on_delete=models.CASCADE,
        related_name="evaluation_policy",
        limit_choices_to={"kind": OrganisationKind.SOCIETY},
    )
    min_panel_size = models.PositiveSmallIntegerField(
        _("examiners per panel"), default=2, validators=[MinValueValidator(2)]
    )
    max_interviews_per_day = models.PositiveSmallIntegerField(
        _("interviews per examiner per day at most"), default=6, validators=[MinValueValidator(1)]
    )
    interview_minutes = models.PositiveSmallIntegerField(
        _("interview length (minutes)"), default=45, validators=[MinValueValidator(5)]
    )
    simplified_interview_minutes = models.PositiveSmallIntegerField(
        _("shortened interview length (minutes)"), default=20, validators=[MinValueValidator(5)]
    )
    simplified_scored_areas = models.JSONField(
        _("areas scored in the shortened assessment"),
        default=_default_simplified_areas,
        help_text=_(
            "Numbers of the competency areas a shortened interview grades; the other areas are "
            "accepted on the verified international title."
        ),
    )
    day_starts_at = models.TimeField(_("interview day starts"), default=dt.time(9, 0))
    day_ends_at = models.TimeField(_("interview day ends"), default=dt.time(17, 30))
    break_minutes = models.PositiveSmallIntegerField(_("break between interviews (minutes)"), default=10)
    score_sheet_due_hours = models.PositiveSmallIntegerField(
        _("score sheet due (hours after the interview)"), default=48
    )

    class Meta:
        verbose_name = _("evaluation policy")
        verbose_name_plural = _("evaluation policies")

    def __str__(self) -> str:
        return str(self.society)


class Examiner(models.Model):
    """A person in a society's examiner pool (考官库) for a term of appointment."""

    society = models.ForeignKey(
        Organisation,
        verbose_name=_("society"),
        on_delete=models.PROTECT,
        related_name="examiners",
        limit_choices_to={"kind": OrganisationKind.SOCIETY},
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="examiner_appointments",
    )
    grade = models.ForeignKey(
        Grade, verbose_name=_("grade held"), on_delete=models.PROTECT, null=True, blank=True
    )
    disciplines = models.ManyToManyField(Discipline, verbose_name=_("disciplines"), blank=True)
    employer = models.CharField(_("current employer"), max_length=200)
    unit = models.ForeignKey(
        Organisation,
        verbose_name=_("member unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"kind": OrganisationKind.UNIT},
        help_text=_("The member unit the examiner works for, if any."),
    )
    position = models.CharField(_("position and title"), max_length=200, blank=True)
    term_starts = models.DateField(_("appointed from"))
    term_ends = models.DateField(_("appointed until"))
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["society", "user__full_name"]
        verbose_name = _("examiner")
        verbose_name_plural = _("examiners")
        constraints = [
            models.UniqueConstraint(fields=["society", "user"], name="examiner_once_per_society"),
            models.CheckConstraint(
                condition=models.Q(term_ends__gte=models.F("term_starts")), name="examiner_term_in_order"
            ),
        ]

    def __str__(self) -> str:
        return str(self.user)


class ExaminerEmployment(models.Model):
    """An earlier employer of the examiner: a former colleague's file is a conflict too."""

    examiner = models.ForeignKey(Examiner, on_delete=models.CASCADE, related_name="past_employers")
    employer = models.CharField(_("employer"), max_length=200)
    start_date = models.DateField(_("from"), null=True, blank=True)
    end_date = models.DateField(_("to"), null=True, blank=True)

    class Meta:
        ordering = ["start_date"]
        verbose_name = _("earlier employer")
        verbose_name_plural = _("earlier employers")

    def __str__(self) -> str:
        return self.employer


class ExaminerAvailability(models.Model):
    """A day on which the examiner can sit on interview panels."""

    examiner = models.ForeignKey(Examiner, on_delete=models.CASCADE, related_name="available_days")
    date = models.DateField(_("date"))

    class Meta:
        ordering = ["date"]
        verbose_name = _("available day")
        verbose_name_plural = _("available days")
        constraints = [models.UniqueConstraint(fields=["examiner", "date"], name="availability_once_a_day")]

    def __str__(self) -> str:
        return f"{self.examiner} {self.date}"


class DeclaredRelation(models.Model):
    """A person or organisation the examiner has declared a relation with (relative, partner, student…)."""

    examiner = models.ForeignKey(Examiner, on_delete=models.CASCADE, related_name="declared_relations")
    person_name = models.CharField(_("person's name"), max_length=100, blank=True)
    # Blind index of the person's identity-document number, so a match needs no decryption.
    id_number_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    relation = models.CharField(_("relation"), max_length=200)
    declared_at = models.DateTimeField(_("declared"), auto_now_add=True)

    class Meta:
        verbose_name = _("declared relation")
        verbose_name_plural = _("declared relations")

    def __str__(self) -> str:
        return self.person_name or self.organisation


class Room(models.Model):
    """A room, or an online meeting, where a panel interviews."""

    society = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="interview_rooms")
    name = models.CharField(_("name"), max_length=100)
    mode = models.CharField(_("mode"), max_length=20, choices=InterviewMode.choices)
    location = models.CharField(_("address or meeting link"), max_length=300)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["society", "name"]
        verbose_name = _("interview room")
        verbose_name_plural = _("interview rooms")
        constraints = [models.UniqueConstraint(fields=["society", "name"], name="room_name_unique")]

    def __str__(self) -> str:
        return self.name

    @property
    def meeting_url(self) -> str:
        """The link to follow for an online room: only an http(s) address, whatever was stored
        (the form refuses others; a row written another way must not become a script link)."""
        location = self.location.strip()
        return location if location.lower().startswith(("https://", "http://")) else ""


class CandidateUnavailability(models.Model):
    """A day on which the candidate cannot attend an interview."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="unavailable_days")
    date = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("unavailable day")
        verbose_name_plural = _("unavailable days")
        constraints = [
            models.UniqueConstraint(fields=["application", "date"], name="unavailability_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.application} {self.date}"


class Panel(models.Model):
    """The examiners who assess one candidate."""

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="panel")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("panel")
        verbose_name_plural = _("panels")

    def __str__(self) -> str:
        return str(self.application)


class PanelSeat(models.Model):
    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="seats")
    examiner = models.ForeignKey(Examiner, on_delete=models.PROTECT, related_name="seats")
    is_chair = models.BooleanField(_("chair"), default=False)
    status = models.CharField(
        _("status"), max_length=20, choices=SeatStatus.choices, default=SeatStatus.ASSIGNED, db_index=True
    )
    assigned_at = models.DateTimeField(_("assigned"), auto_now_add=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty when the solver assigned the seat."),
    )
    declared_at = models.DateTimeField(_("declared"), null=True, blank=True)
    declaration_note = models.TextField(_("declaration"), blank=True)
    removed_reason = models.CharField(_("reason for removal"), max_length=300, blank=True)

    class Meta:
        ordering = ["panel", "-is_chair", "assigned_at"]
        verbose_name = _("panel seat")
        verbose_name_plural = _("panel seats")
        constraints = [
            # One live seat per examiner and panel; removed seats stay as history.
            models.UniqueConstraint(
                fields=["panel", "examiner"],
                condition=models.Q(status__in=[SeatStatus.ASSIGNED, SeatStatus.CONFIRMED]),
                name="one_live_seat_per_examiner",
            )
        ]

    def __str__(self) -> str:
        return f"{self.panel} · {self.examiner}"


class ScheduleRun(models.Model):
    """One automatic scheduling of a batch's candidates: what staff asked, what the solver proposed.

    The proposal is kept here, not in anyone's session, so it can be confirmed later from any
    app server; confirming twice schedules nobody twice.
    """

    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, related_name="schedule_runs")
    status = models.CharField(
        _("status"), max_length=20, choices=ScheduleRunStatus.choices, default=ScheduleRunStatus.QUEUED
    )
    # What staff asked for: days, weekdays, rooms, the candidates (empty: every one waiting).
    params = models.JSONField(_("request"), default=dict)
    progress = models.JSONField(_("progress"), default=dict, blank=True)
    solver_status = models.CharField(_("solver status"), max_length=20, blank=True)
    seconds = models.FloatField(_("solving time (s)"), null=True, blank=True)
    proposal = models.JSONField(_("proposal"), default=list, blank=True)
    findings = models.JSONField(_("why no schedule"), default=list, blank=True)
    stats = models.JSONField(_("statistics"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    confirm_report = models.JSONField(_("confirmation report"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    finished_at = models.DateTimeField(_("solved"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("scheduling run")
        verbose_name_plural = _("scheduling runs")

    def __str__(self) -> str:
        return f"{self.batch} {self.created_at:%Y-%m-%d %H:%M}"


class Interview(models.Model):
    """One scheduled interview; a moved interview is cancelled and a new one made, so history stays."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="interviews")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    room = models.ForeignKey(Room, verbose_name=_("room"), on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("status"), max_length=20, choices=InterviewStatus.choices, default=InterviewStatus.SCHEDULED
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    notified_at = models.DateTimeField(_("candidate notified"), null=True, blank=True)
    schedule_run = models.ForeignKey(
        ScheduleRun,
        verbose_name=_("scheduling run"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="interviews",
        help_text=_("Empty when staff scheduled the interview by hand."),
    )

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("interview")
        verbose_name_plural = _("interviews")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="interview_ends_after_start"
            ),
            models.UniqueConstraint(
                fields=["application"],
                condition=models.Q(status="scheduled"),
                name="one_scheduled_interview_per_candidate",
            ),
        ]
        indexes = [models.Index(fields=["room", "starts_at"])]

    def __str__(self) -> str:
        return f"{self.application} {self.starts_at:%Y-%m-%d %H:%M}"
