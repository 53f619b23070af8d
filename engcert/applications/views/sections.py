"""Section-by-section editing of a draft application.

Each section is a small page object: it builds its forms, says whether they are valid, and
hands the cleaned values to the domain functions. The view around them fetches the
application for its applicant, draws the progress column and decides where to go next.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, ClassVar
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from engcert.accounts.models import User
from engcert.applications.access import get_application_for_edit
from engcert.applications.domain.application import (
    ApplicationError,
    AttachmentNotStored,
    application_pledge_sign,
    application_update,
    attachment_upload,
    pledge_current,
)
from engcert.applications.domain.completeness import Problem, application_problems
from engcert.applications.domain.eligibility import experience_compute
from engcert.applications.domain.sections import competency_statements_save, section_entries_save
from engcert.applications.domain.snapshot import application_snapshot_data
from engcert.applications.domain.timeline import Period, gaps, overlaps
from engcert.applications.enums import ApplicationState, AttachmentKind
from engcert.applications.file_view import file_sections
from engcert.applications.forms import AttachmentForm
from engcert.applications.models import Application, PledgeSignature, WorkEntry
from engcert.applications.rules import section_open
from engcert.applications.section_forms import (
    AchievementFormSet,
    ApplicationChoicesForm,
    CompetencyForm,
    CpdRecordFormSet,
    DraftForm,
    DraftModelFormSet,
    EducationFormSet,
    InternationalTitleFormSet,
    PersonalForm,
    PledgeForm,
    ProjectFormSet,
    SimplifiedAssessmentForm,
    WorkEntryFormSet,
)
from engcert.applications.sections import SECTION_BY_KEY, SECTION_KEYS, SECTIONS, Section
from engcert.review.selectors import revision_reasons
from engcert.uploads.domain import uploads_all_or_nothing

# A competency statement shorter than this is flagged as thin in the coverage table.
SHORT_STATEMENT_CHARS = 200


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


class SectionPage:
    """The forms of one section and how they are saved."""

    key: ClassVar[str]
    multipart: ClassVar[bool] = False

    def __init__(self, *, request: HttpRequest, application: Application, today: date) -> None:
        self.request = request
        self.application = application
        self.today = today
        self.errors: list[str] = []
        # 503 when the server could not store an upload: the page is shown again with the error.
        self.status = 200

    @property
    def user(self) -> User:
        return _user(self.request)

    def bind(self, data: Any = None, files: Any = None) -> None:
        """Build the forms, bound to the request's data when there is some."""

    def forms(self) -> list[BaseForm]:
        """Plain forms, whose fields can show problems beside them."""
        return []

    def formsets(self) -> list[DraftModelFormSet]:
        return []

    def is_valid(self) -> bool:
        results = [form.is_valid() for form in self.forms()] + [fs.is_valid() for fs in self.formsets()]
        return all(results)

    def has_field_errors(self) -> bool:
        return any(form.errors for form in self.forms()) or any(
            fs.total_error_count() for fs in self.formsets()
        )

    def save(self) -> None:
        """Write through the domain; an ApplicationError leaves everything as it was."""

    def context(self) -> dict[str, Any]:
        return {}

    def show_problems(self, problems: list[Problem]) -> list[str]:
        """Put each problem beside its field; return those that belong to no field on this page."""
        rest: list[str] = []
        for problem in problems:
            for form in self.forms():
                if problem.field and problem.field in form.fields:
                    form.problems.setdefault(problem.field, []).append(problem.message)  # type: ignore[attr-defined]
                    break
            else:
                rest.append(problem.message)
        return rest


class ApplicationPage(SectionPage):
    key = "application"

    def bind(self, data: Any = None, files: Any = None) -> None:
        application = self.application
        self.form = ApplicationChoicesForm(
            data,
            batch=application.batch,
            initial={
                "grade": application.grade_id,
                "discipline": application.discipline_id,
                "unit": application.unit_id,
            },
        )

    def forms(self) -> list[BaseForm]:
        return [self.form]

    def save(self) -> None:
        application_update(application=self.application, by=self.user, values=dict(self.form.cleaned_data))

    def context(self) -> dict[str, Any]:
        return {"form": self.form, "grades": list(self.application.batch.grades.order_by("position"))}


class PersonalPage(SectionPage):
    key = "personal"

    def bind(self, data: Any = None, files: Any = None) -> None:
        self.form = PersonalForm(data, application=self.application, today=self.today)

    def forms(self) -> list[BaseForm]:
        return [self.form]

    def save(self) -> None:
        application_update(application=self.application, by=self.user, values=self.form.values())

    def context(self) -> dict[str, Any]:
        return {"form": self.form}


@dataclass(frozen=True)
class RowUpload:
    """A file chosen in a row, to be stored as an attachment and linked to that row."""

    file_field: str
    link_field: str
    kind: AttachmentKind


class RowsPage(SectionPage):
    """A section made of rows: one formset, each row removable, one empty row to add to."""

    formset_class: ClassVar[type[DraftModelFormSet]]
    related_name: ClassVar[str]
    upload: ClassVar[RowUpload | None] = None
    add_label: ClassVar[str] = ""
    row_template: ClassVar[str]

    def bind(self, data: Any = None, files: Any = None) -> None:
        self.formset = self.formset_class(
            data,
            files,
            queryset=getattr(self.application, self.related_name).all(),
            prefix=self.key,
            form_kwargs={"application": self.application, "today": self.today},
        )

    def formsets(self) -> list[DraftModelFormSet]:
        return [self.formset]

    def save(self) -> None:
        rows, deleted = self.formset.row_changes()
        # The certificates of several rows are stored together with the rows, or none of them.
        with uploads_all_or_nothing(), transaction.atomic():
            self.store_uploads()
            self.save_extra()
            section_entries_save(application=self.application, by=self.user, save=rows, delete=deleted)

    def store_uploads(self) -> None:
        if self.upload is None:
            return
        for form in self.formset.forms:
            uploaded = form.cleaned_data.get(self.upload.file_field) if form.has_changed() else None
            if uploaded is None or form.cleaned_data.get("DELETE"):
                continue
            try:
                attachment = attachment_upload(
                    application=self.application,
                    by=self.user,
                    uploaded=uploaded,
                    kind=self.upload.kind,
                    section=self.key,
                )
            except ApplicationError as error:
                form.add_error(self.upload.file_field, str(error))
                if isinstance(error, AttachmentNotStored):
                    self.status = 503
                raise
            setattr(form.instance, self.upload.link_field, attachment)

    def save_extra(self) -> None:
        """Fields of the application itself that a rows section also edits."""

    def context(self) -> dict[str, Any]:
        return {"formset": self.formset, "row_template": self.row_template}


class EducationPage(RowsPage):
    key = "education"
    multipart = True
    formset_class = EducationFormSet
    related_name = "education"
    upload = RowUpload("certificate_file", "certificate", AttachmentKind.DEGREE_CERTIFICATE)
    row_template = "applications/rows/education.html"


class WorkPage(RowsPage):
    key = "work"
    formset_class = WorkEntryFormSet
    related_name = "work_entries"
    row_template = "applications/rows/work.html"

    def context(self) -> dict[str, Any]:
        entries = list(self.application.work_entries.all())
        return {**super().context(), "summary": work_summary(entries=entries, today=self.today)}


class ProjectsPage(RowsPage):
    key = "projects"
    formset_class = ProjectFormSet
    related_name = "projects"
    row_template = "applications/rows/project.html"


class AchievementsPage(RowsPage):
    key = "achievements"
    formset_class = AchievementFormSet
    related_name = "achievements"
    row_template = "applications/rows/achievement.html"


class InternationalPage(RowsPage):
    key = "international"
    multipart = True
    formset_class = InternationalTitleFormSet
    related_name = "international_titles"
    upload = RowUpload("evidence_file", "evidence", AttachmentKind.INTERNATIONAL_TITLE)
    row_template = "applications/rows/international.html"

    @property
    def offers_simplified(self) -> bool:
        return self.application.batch.offers_simplified_assessment

    def bind(self, data: Any = None, files: Any = None) -> None:
        super().bind(data, files)
        self.simplified_form = SimplifiedAssessmentForm(
            data, initial={"simplified_requested": self.application.simplified_requested}
        )

    def forms(self) -> list[BaseForm]:
        return [self.simplified_form] if self.offers_simplified else []

    def save_extra(self) -> None:
        if self.offers_simplified:
            application_update(
                application=self.application,
                by=self.user,
                values={"simplified_requested": self.simplified_form.cleaned_data["simplified_requested"]},
            )

    def context(self) -> dict[str, Any]:
        return {
            **super().context(),
            "simplified_form": self.simplified_form,
            "offers_simplified": self.offers_simplified,
        }


class CpdPage(RowsPage):
    key = "cpd"
    formset_class = CpdRecordFormSet
    related_name = "cpd_records"
    row_template = "applications/rows/cpd.html"

    def context(self) -> dict[str, Any]:
        records = list(self.application.cpd_records.all())
        total = sum((r.hours for r in records), Decimal(0))
        return {**super().context(), "cpd_total": total, "cpd_count": len(records)}


class CompetencyPage(SectionPage):
    key = "competency"

    def bind(self, data: Any = None, files: Any = None) -> None:
        application = self.application
        statements = list(application.statements.all())
        self.areas = list(application.framework_version.areas.all())
        self.projects = list(application.projects.all())
        self.form = CompetencyForm(
            data,
            areas=self.areas,
            projects=application.projects.all(),
            initial_text={s.area_id: s.text for s in statements},
            initial_projects={s.area_id: [p.pk for p in s.projects.all()] for s in statements},
        )
        self.statements = {s.area_id: s for s in statements}

    def forms(self) -> list[BaseForm]:
        return [self.form]

    def save(self) -> None:
        competency_statements_save(
            application=self.application, by=self.user, statements=self.form.statements()
        )

    def context(self) -> dict[str, Any]:
        return {"form": self.form, "coverage": self.coverage(), "projects": self.projects}

    def coverage(self) -> list[dict[str, Any]]:
        rows = []
        for area in self.areas:
            statement = self.statements.get(area.pk)
            text = statement.text.strip() if statement else ""
            linked = {p.pk for p in statement.projects.all()} if statement else set()
            flags = []
            if not text:
                flags.append(_("no statement"))
            elif len(text) < SHORT_STATEMENT_CHARS:
                flags.append(_("short statement (%(count)d characters)") % {"count": len(text)})
            if not linked:
                flags.append(_("no project linked"))
            rows.append(
                {
                    "area": area,
                    "length": len(text),
                    "cells": [p.pk in linked for p in self.projects],
                    "flags": flags,
                }
            )
        return rows


class AttachmentsPage(SectionPage):
    """The applicant's files; the upload form posts here, so a refused file is named beside the field."""

    key = "attachments"
    multipart = True

    def bind(self, data: Any = None, files: Any = None) -> None:
        self.upload_form = AttachmentForm(data, files)

    def forms(self) -> list[BaseForm]:
        # Only when a file was sent: completeness problems of this section belong to no form field.
        return [self.upload_form] if self.upload_form.is_bound else []

    def save(self) -> None:
        data = self.upload_form.cleaned_data
        try:
            attachment_upload(
                application=self.application,
                by=self.user,
                uploaded=data["file"],
                kind=data["kind"],
                description=data["description"],
            )
        except ApplicationError as error:
            self.upload_form.add_error("file", str(error))
            if isinstance(error, AttachmentNotStored):
                self.status = 503
            raise

    def context(self) -> dict[str, Any]:
        application = self.application
        attachments = list(application.attachments.all())
        used_for: dict[int, list[str]] = {}
        for item in application.education.all():
            if item.certificate_id is not None:
                used_for.setdefault(item.certificate_id, []).append(
                    _("degree certificate, %(institution)s") % {"institution": item.institution}
                )
        for title in application.international_titles.all():
            if title.evidence_id is not None:
                used_for.setdefault(title.evidence_id, []).append(
                    _("evidence of title %(number)s") % {"number": title.number}
                )
        used = sum(a.size for a in attachments)
        total = settings.ENGCERT_MAX_APPLICATION_UPLOAD_BYTES
        return {
            "attachments": [(a, used_for.get(a.pk, [])) for a in attachments],
            "upload_form": self.upload_form
            if self.upload_form.is_bound and self.upload_form.errors
            else AttachmentForm(),
            "max_file_mb": settings.ENGCERT_MAX_UPLOAD_BYTES // 1048576,
            "max_total_mb": total // 1048576,
            "used_mb": round(used / 1048576, 1),
            "used_percent": min(100, round(100 * used / total)) if total else 0,
        }


class PledgePage(SectionPage):
    key = "pledge"

    def bind(self, data: Any = None, files: Any = None) -> None:
        self.form = PledgeForm(data)

    def forms(self) -> list[BaseForm]:
        return [self.form]

    def save(self) -> None:
        try:
            application_pledge_sign(
                application=self.application,
                by=self.user,
                typed_name=self.form.cleaned_data["typed_name"],
                consents=self.form.cleaned_data["consents"],
                ip_address=self.request.META.get("REMOTE_ADDR"),
                user_agent=self.request.headers.get("user-agent", ""),
            )
        except ApplicationError as error:
            self.form.add_error("typed_name", str(error))
            raise

    def context(self) -> dict[str, Any]:
        signature = (
            PledgeSignature.objects.filter(application=self.application).select_related("pledge").first()
        )
        return {
            "form": self.form,
            "pledge": pledge_current(application=self.application),
            "signature": signature,
        }


PAGES: dict[str, type[SectionPage]] = {
    page.key: page
    for page in (
        ApplicationPage,
        PersonalPage,
        EducationPage,
        WorkPage,
        ProjectsPage,
        CompetencyPage,
        AchievementsPage,
        InternationalPage,
        CpdPage,
        AttachmentsPage,
        PledgePage,
    )
}
assert set(PAGES) == set(SECTION_KEYS), "every section of the form has a page"


# The work-history summary ----------------------------------------------------------------------


def _period(entry: WorkEntry, today: date) -> Period | None:
    end = min(entry.end_date or today, today)
    if entry.start_date > today or end < entry.start_date:
        return None
    return Period(entry.start_date, end)


def work_summary(*, entries: list[WorkEntry], today: date) -> dict[str, Any]:
    """Years of practice as the review computes them, and the gaps and overlaps a reader would ask about."""
    experience = experience_compute(entries=entries, today=today)
    placed = [(entry, period) for entry in entries if (period := _period(entry, today)) is not None]
    periods = [period for _entry, period in placed]
    found_gaps = [
        {"start": gap.start, "end": gap.end, "months": round(((gap.end - gap.start).days + 1) / 30.44)}
        for gap in gaps(periods)
    ]
    found_overlaps = []
    for first, second in overlaps(periods):
        (entry_a, period_a), (entry_b, period_b) = placed[first], placed[second]
        shared = Period(max(period_a.start, period_b.start), min(period_a.end, period_b.end))
        found_overlaps.append(
            {
                "first": entry_a,
                "second": entry_b,
                "start": shared.start,
                "end": shared.end,
                "months": round(((shared.end - shared.start).days + 1) / 30.44),
            }
        )
    return {
        "experience": experience,
        "gaps": found_gaps,
        "overlaps": found_overlaps,
        "count": len(entries),
    }


# Progress ---------------------------------------------------------------------------------------

FIELD_FORMS: dict[str, type[DraftForm]] = {"application": ApplicationChoicesForm, "personal": PersonalForm}


def problem_field_label(problem: Problem) -> str:
    """The label of the field a problem belongs to, so a list of problems reads on its own."""
    form = FIELD_FORMS.get(problem.section)
    field = form.base_fields.get(problem.field) if form is not None and problem.field else None
    return str(field.label) if field is not None and field.label else ""


@dataclass(frozen=True)
class Step:
    section: Section
    done: bool
    current: bool
    problem_count: int
    # While the application is returned for revision: the society's reason for a section it
    # reopened, and whether this section stays closed.
    reason: str = ""
    locked: bool = False

    @property
    def css(self) -> str:
        state = "done" if self.done else "todo"
        if self.locked:
            state = f"{state} locked"
        elif self.reason:
            state = f"{state} reopened"
        return f"{state} current" if self.current else state


def section_steps(
    *,
    problems: list[Problem],
    current: str = "",
    application: Application | None = None,
    reasons: dict[str, str] | None = None,
) -> list[Step]:
    """The sections with their progress; for a returned application, which are open and why."""
    counts: dict[str, int] = {}
    for problem in problems:
        counts[problem.section] = counts.get(problem.section, 0) + 1
    returned = application is not None and application.state == ApplicationState.RETURNED
    return [
        Step(
            section=s,
            done=s.key not in counts,
            current=s.key == current,
            problem_count=counts.get(s.key, 0),
            reason=(reasons or {}).get(s.key, "") if returned else "",
            locked=returned and application is not None and not section_open(application, s.key),
        )
        for s in SECTIONS
    ]


def _next_url(application: Application, key: str) -> str:
    """The next section the applicant can change (every one in a draft), else the review page."""
    index = SECTION_KEYS.index(key)
    for following in SECTION_KEYS[index + 1 :]:
        if section_open(application, following):
            return reverse("applications:section", args=[application.uid, following])
    return reverse("applications:review", args=[application.uid])


# The view ---------------------------------------------------------------------------------------


def _application_for_editing(request: HttpRequest, uid: UUID) -> Application | HttpResponse:
    """404 for outsiders, 403 for staff; the applicant of a submitted application is sent to its overview."""
    try:
        return get_application_for_edit(user=_user(request), uid=uid, full=True)
    except PermissionDenied:
        if not Application.objects.filter(uid=uid, applicant=_user(request)).exists():
            raise
    messages.info(
        request,
        _(
            "This application has been submitted and can no longer be changed. You can still read it and download it as PDF."
        ),
    )
    return redirect("applications:detail", uid=uid)


@login_required
def section_edit(request: HttpRequest, uid: UUID, section: str) -> HttpResponse:
    page_class = PAGES.get(section)
    if page_class is None:
        raise Http404
    application = _application_for_editing(request, uid)
    if isinstance(application, HttpResponse):
        return application
    if not section_open(application, section):
        # Returned for revision, but not this section: it is shown as submitted, and a POST
        # (an old tab, a crafted request) is refused without touching anything.
        return _section_locked(request, application, section, refused=request.method == "POST")
    reasons = revision_reasons(application=application)
    page = page_class(request=request, application=application, today=timezone.localdate())
    failed = False
    if request.method == "POST":
        page.bind(request.POST, request.FILES)
        if page.is_valid():
            try:
                page.save()
            except ApplicationError as error:
                if not page.has_field_errors():
                    page.errors.append(str(error))
            else:
                messages.success(request, _("Saved."))
                if request.POST.get("action") == "continue":
                    return redirect(_next_url(application, section))
                return redirect("applications:section", uid=uid, section=section)
        failed = True
    else:
        page.bind()

    problems = application_problems(application=application)
    own_problems = [p for p in problems if p.section == section]
    checking = request.GET.get("check") == "1"
    section_level = page.show_problems(own_problems) if checking and not failed else []
    steps = section_steps(problems=problems, current=section, application=application, reasons=reasons)
    done = sum(1 for step in steps if step.done)
    index = SECTION_KEYS.index(section)
    return render(
        request,
        f"applications/sections/{section}.html",
        {
            "application": application,
            "section": SECTION_BY_KEY[section],
            "revision_reason": reasons.get(section, ""),
            "page": page,
            "steps": steps,
            "done": done,
            "percent": round(100 * done / len(steps)),
            "failed": failed,
            "checking": checking,
            "section_problems": section_level,
            "own_problem_count": len(own_problems),
            "previous": SECTIONS[index - 1] if index > 0 else None,
            "next_url": _next_url(application, section),
            "is_last": index == len(SECTIONS) - 1,
            **page.context(),
        },
        status=page.status,
    )


def _section_locked(
    request: HttpRequest, application: Application, section: str, *, refused: bool
) -> HttpResponse:
    """A section the applicant may read but not change now, with the sections they may change."""
    reasons = revision_reasons(application=application)
    problems = application_problems(application=application)
    steps = section_steps(problems=problems, current=section, application=application, reasons=reasons)
    done = sum(1 for step in steps if step.done)
    index = SECTION_KEYS.index(section)
    shown = next(
        s
        for s in file_sections(application_snapshot_data(application=application))
        if s.section.key == section
    )
    return render(
        request,
        "applications/section_locked.html",
        {
            "application": application,
            "section": SECTION_BY_KEY[section],
            "shown": shown,
            "refused": refused,
            "open_sections": [
                SECTION_BY_KEY[key]
                for key in SECTION_KEYS
                if key in reasons or section_open(application, key)
            ],
            "steps": steps,
            "done": done,
            "percent": round(100 * done / len(steps)),
            "previous": SECTIONS[index - 1] if index > 0 else None,
            "next_url": _next_url(application, section),
            "next_is_review": _next_url(application, section)
            == reverse("applications:review", args=[application.uid]),
        },
        status=403 if refused else 200,
    )
