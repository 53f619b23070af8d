"""Forms of the application's sections.

While drafting, every field is optional and only the format is checked: a real date, not in the
future where that makes no sense, an end after its start, text within the limit. What is still
missing for submission is listed by `completeness.application_problems`, and shown next to the
same fields when the applicant follows a link from the review page.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, RegexValidator
from django.db.models import QuerySet
from django.forms.boundfield import BoundField
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from engcert.applications.domain.sections import StatementInput
from engcert.applications.enums import Gender
from engcert.applications.models import (
    Achievement,
    Application,
    CpdRecord,
    Education,
    InternationalTitle,
    Project,
    WorkEntry,
)
from engcert.batches.models import Batch
from engcert.batches.selectors import batch_units
from engcert.frameworks.models import CompetencyArea, Grade
from engcert.organisations.models import Discipline, Organisation
from engcert.privacy.identity_documents import EARLIEST_BIRTH_DATE, DocumentType, validate_document_number
from engcert.uploads.forms import DocumentField

FIELD_TEMPLATE = "applications/includes/field.html"
CPD_WINDOW_YEARS = 3
MAX_CPD_HOURS = Decimal("200")
EARLIEST_DATE = date(1900, 1, 1)

MSG_FUTURE = _("The date cannot be in the future.")
MSG_TOO_EARLY = _("Enter a date after 1 January 1900.")
MSG_END_BEFORE_START = _("The end cannot be before the start.")
MSG_ROW_DATE = _("Give this date to save the entry; the other fields can wait.")


# Widgets ---------------------------------------------------------------------------------------


def _clip(value: str | None, attrs: dict[str, Any]) -> str | None:
    """Show at most `maxlength` characters when re-rendering: a rejected 10 MB paste is not sent back."""
    limit = attrs.get("maxlength")
    if value and limit and len(value) > int(limit):
        return value[: int(limit)]
    return value


class ClippedTextInput(forms.TextInput):
    def format_value(self, value: Any) -> str | None:
        return _clip(super().format_value(value), self.attrs)


class ClippedEmailInput(forms.EmailInput):
    def format_value(self, value: Any) -> str | None:
        return _clip(super().format_value(value), self.attrs)


class ClippedTextarea(forms.Textarea):
    def format_value(self, value: Any) -> str | None:
        return _clip(super().format_value(value), self.attrs)


CLIPPED: dict[type[forms.Widget], type[forms.Widget]] = {
    forms.TextInput: ClippedTextInput,
    forms.EmailInput: ClippedEmailInput,
    forms.Textarea: ClippedTextarea,
}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


# Shared behaviour ------------------------------------------------------------------------------


class ProblemBoundField(BoundField):
    """A bound field that also knows what still blocks submission at this field."""

    @property
    def problems(self) -> list[str]:
        problems: dict[str, list[str]] = getattr(self.form, "problems", {})
        return problems.get(self.name, [])

    @property
    def template_name(self) -> str:
        return FIELD_TEMPLATE


def _prepare_fields(form: forms.BaseForm, always_required: tuple[str, ...]) -> None:
    text_limit = settings.ENGCERT_MAX_TEXT_CHARS
    for name, field in form.fields.items():
        field.required = name in always_required
        if isinstance(field, forms.CharField):
            if field.max_length is None:
                # Long text: one limit for every free-text field, so a pasted book gets an error, not a row.
                field.max_length = text_limit
                field.validators.append(MaxLengthValidator(text_limit))
            clipped = CLIPPED.get(type(field.widget))
            if clipped is not None:
                field.widget = clipped(attrs=field.widget.attrs)
            field.widget.attrs.update(field.widget_attrs(field.widget))
        if isinstance(field, forms.DateField) and not isinstance(field.widget, DateInput):
            field.widget = DateInput(attrs=field.widget.attrs)
        if isinstance(field, forms.TypedChoiceField) and not isinstance(field, forms.ModelChoiceField):
            choices = list(field.choices)  # type: ignore[arg-type]
            if choices and choices[0][0] == "" and choices[0][1] == "---------":
                field.choices = [("", _("— choose —")), *choices[1:]]
        field.widget.is_required = field.required


MSG_INCOMPLETE = _("The form arrived incomplete, so nothing was saved. Please reload the page and try again.")


def _reject_incomplete_post(form: forms.BaseForm) -> None:
    """A browser always sends every text field of a form; a POST that lacks some (a stale
    page, a cut connection, a careless script) must not silently blank a saved draft."""
    if form.data is None or not form.is_bound:
        return
    omitted = [
        name
        for name, field in form.fields.items()
        if not isinstance(field, forms.FileField)
        and not field.disabled
        and field.widget.value_omitted_from_data(form.data, form.files, form.add_prefix(name))
    ]
    if omitted:
        raise ValidationError(MSG_INCOMPLETE, code="incomplete")


class DraftForm(forms.Form):
    bound_field_class = ProblemBoundField
    always_required: tuple[str, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.problems: dict[str, list[str]] = {}
        _prepare_fields(self, self.always_required)

    def clean(self) -> dict[str, Any]:
        _reject_incomplete_post(self)
        return super().clean() or {}


class DraftModelForm(forms.ModelForm):  # type: ignore[type-arg]
    """A row of a section: optional fields, except the dates without which the row cannot be stored."""

    bound_field_class = ProblemBoundField
    row_required: tuple[str, ...] = ()
    not_in_future: tuple[str, ...] = ()
    start_end: tuple[str, str] | None = None

    def __init__(
        self, *args: Any, application: Application, today: date | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.application = application
        self.today = today or timezone.localdate()
        self.problems: dict[str, list[str]] = {}
        _prepare_fields(self, ())

    def clean(self) -> dict[str, Any]:
        _reject_incomplete_post(self)
        cleaned = super().clean() or {}
        for name in self.row_required:
            if name not in self.errors and cleaned.get(name) is None:
                self.add_error(name, MSG_ROW_DATE)
        for name, value in list(cleaned.items()):
            if isinstance(value, date) and value < EARLIEST_DATE:
                self.add_error(name, MSG_TOO_EARLY)
            elif name in self.not_in_future and isinstance(value, date) and value > self.today:
                self.add_error(name, MSG_FUTURE)
        if self.start_end is not None:
            start_name, end_name = self.start_end
            start, end = cleaned.get(start_name), cleaned.get(end_name)
            if start and end and end < start and end_name not in self.errors:
                self.add_error(end_name, MSG_END_BEFORE_START)
        return cleaned


def _upload_field(label: StrOrPromise) -> DocumentField:
    """Checked by its content while the form is cleaned (engcert.uploads), so a refused file is
    named beside the field; the cleaned value is the checked upload, stored when the page is saved."""
    return DocumentField(
        label=label,
        required=False,
        help_text=_("PDF, JPEG or PNG, at most %(size)s MB.")
        % {"size": settings.ENGCERT_MAX_UPLOAD_BYTES // 1048576},
    )


# Grade and field -------------------------------------------------------------------------------


def discipline_choices(disciplines: list[Discipline]) -> list[tuple[Any, Any]]:
    """The batch's professional scope as options, the second level grouped under the first."""
    in_batch = {d.pk for d in disciplines}
    children: dict[int, list[Discipline]] = {}
    for discipline in disciplines:
        if discipline.parent_id is not None:
            children.setdefault(discipline.parent_id, []).append(discipline)
    choices: list[tuple[Any, Any]] = [("", _("— choose a field —"))]
    for discipline in disciplines:
        if discipline.parent_id is None:
            own = children.pop(discipline.pk, [])
            if not own:
                choices.append((discipline.pk, discipline.display_name))
                continue
            group = [(discipline.pk, _("%(field)s, as a whole") % {"field": discipline.display_name})]
            group += [(child.pk, child.display_name) for child in own]
            choices.append((discipline.display_name, group))
    # Second-level fields whose parent is not itself offered in this batch.
    for parent_id, own in children.items():
        parent = own[0].parent
        label = parent.display_name if parent is not None and parent_id not in in_batch else ""
        choices.append((label, [(child.pk, child.display_name) for child in own]))
    return choices


class ApplicationChoicesForm(DraftForm):
    grade = forms.ModelChoiceField(
        queryset=Grade.objects.none(), label=_("Grade applied for"), empty_label=_("— choose a grade —")
    )
    discipline = forms.TypedChoiceField(
        label=_("Professional field"),
        coerce=int,
        empty_value=None,
        help_text=_("The field of your main engineering work, from the society's scope."),
    )
    unit = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        label=_("Nominating unit"),
        empty_label=_("— choose your unit —"),
        help_text=_("The member unit (usually your employer) that nominates you to the society."),
    )

    def __init__(self, *args: Any, batch: Batch, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        disciplines = list(batch.disciplines.select_related("parent").order_by("position", "code"))
        self._disciplines = {d.pk: d for d in disciplines}
        grade_field: forms.ModelChoiceField = self.fields["grade"]  # type: ignore[assignment,type-arg]
        grade_field.queryset = batch.grades.order_by("position")
        discipline_field: forms.TypedChoiceField = self.fields["discipline"]  # type: ignore[assignment]
        discipline_field.choices = discipline_choices(disciplines)
        unit_field: forms.ModelChoiceField = self.fields["unit"]  # type: ignore[assignment,type-arg]
        unit_field.queryset = batch_units(batch=batch).order_by("name")

    def clean_discipline(self) -> Discipline | None:
        value = self.cleaned_data.get("discipline")
        return self._disciplines.get(value) if value is not None else None


# Personal data ---------------------------------------------------------------------------------

phone_validator = RegexValidator(
    r"^\+?[0-9][0-9 \-]{4,28}$",
    _("Enter a phone number: digits, spaces or hyphens, optionally starting with +."),
    code="invalid_phone",
)


class PersonalForm(DraftForm):
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=100,
        help_text=_("As on your identity document."),
    )
    full_name_en = forms.CharField(label=_("Name in English or pinyin"), max_length=100)
    gender = forms.ChoiceField(label=_("Gender"), choices=[("", "—"), *Gender.choices])
    birth_date = forms.DateField(label=_("Date of birth"))
    nationality = forms.CharField(label=_("Nationality"), max_length=60)
    id_type = forms.ChoiceField(
        label=_("Identity document type"), choices=[("", _("— choose a document —")), *DocumentType.choices]
    )
    id_number = forms.CharField(
        label=_("Identity document number"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    phone = forms.CharField(label=_("Mobile phone"), max_length=30, validators=[phone_validator])
    email = forms.EmailField(label=_("Email"))
    address = forms.CharField(label=_("Postal address"), max_length=300)
    employer = forms.CharField(label=_("Current employer"), max_length=200)
    department_position = forms.CharField(label=_("Department and position"), max_length=200)

    FIELDS = (
        "full_name",
        "full_name_en",
        "gender",
        "birth_date",
        "nationality",
        "id_type",
        "phone",
        "email",
        "address",
        "employer",
        "department_position",
    )

    def __init__(
        self, *args: Any, application: Application, today: date | None = None, **kwargs: Any
    ) -> None:
        kwargs.setdefault("initial", {name: getattr(application, name) for name in self.FIELDS})
        super().__init__(*args, **kwargs)
        self.application = application
        self.today = today or timezone.localdate()
        self.saved_number = application.id_number or ""
        self.fields["id_number"].widget.attrs["inputmode"] = "text"
        if self.saved_number:
            self.fields["id_number"].help_text = _(
                "Saved as %(masked)s. Leave empty to keep it, or type the full number again to change it."
            ) % {"masked": application.id_number_masked}
        self.fields["phone"].widget.attrs.update({"type": "tel", "inputmode": "tel", "autocomplete": "tel"})

    def clean_birth_date(self) -> date | None:
        value: date | None = self.cleaned_data.get("birth_date")
        if value is not None and value > self.today:
            raise ValidationError(MSG_FUTURE, code="future")
        if value is not None and value < EARLIEST_BIRTH_DATE:
            raise ValidationError(MSG_TOO_EARLY, code="too_early")
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        typed = cleaned.get("id_number") or ""
        doc_type = cleaned.get("id_type") or ""
        number = typed or self.saved_number
        if not number or "id_type" in self.errors:
            return cleaned
        if not doc_type:
            if typed:
                self.add_error("id_type", _("Choose the type of the document this number belongs to."))
            return cleaned
        try:
            validate_document_number(
                doc_type,
                number,
                birth_date=cleaned.get("birth_date"),
                gender=cleaned.get("gender") or None,
            )
        except ValidationError as error:
            if typed:
                self.add_error("id_number", error)
            else:
                # The number already saved no longer fits what was just changed.
                self.add_error(
                    "id_number",
                    [
                        _("The saved number does not fit: %(problem)s") % {"problem": m}
                        for m in error.messages
                    ],
                )
        return cleaned

    def values(self) -> dict[str, Any]:
        """What to hand to application_update: the number only when it was typed again."""
        values = {name: self.cleaned_data[name] for name in self.FIELDS}
        if self.cleaned_data.get("id_number"):
            values["id_number"] = self.cleaned_data["id_number"]
        return values


# Rows ------------------------------------------------------------------------------------------

REFEREE_FIELDS = [
    "referee_name",
    "referee_position",
    "referee_organisation",
    "referee_email",
    "referee_phone",
]


def _referee_fields_explain(form: forms.ModelForm) -> None:  # type: ignore[type-arg]
    """The referee is asked by email after submission; say so where the address is typed."""
    form.fields["referee_phone"].validators.append(phone_validator)
    form.fields["referee_email"].help_text = _(
        "After you submit, the society emails this person a link to confirm what you wrote here."
    )


class EducationForm(DraftModelForm):
    certificate_file = _upload_field(_("…or upload the certificate now"))
    row_required = ("start_date", "end_date")
    not_in_future = ("start_date", "end_date")
    start_end = ("start_date", "end_date")

    class Meta:
        model = Education
        fields = ["degree", "institution", "major", "start_date", "end_date", "accredited", "certificate"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        certificate: forms.ModelChoiceField = self.fields["certificate"]  # type: ignore[assignment,type-arg]
        certificate.queryset = self.application.attachments.all()
        certificate.empty_label = _("— none chosen —")


class WorkEntryForm(DraftModelForm):
    row_required = ("start_date",)
    not_in_future = ("start_date",)
    start_end = ("start_date", "end_date")

    class Meta:
        model = WorkEntry
        fields = [
            "employer",
            "department",
            "position",
            "start_date",
            "end_date",
            "is_engineering_practice",
            "is_responsible_charge",
            "description",
            *REFEREE_FIELDS,
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _referee_fields_explain(self)
        self.fields["description"].widget.attrs["rows"] = 3


class ProjectForm(DraftModelForm):
    row_required = ("start_date",)
    start_end = ("start_date", "end_date")

    class Meta:
        model = Project
        fields = [
            "name",
            "start_date",
            "end_date",
            "role",
            "scale",
            "responsibilities",
            "results",
            *REFEREE_FIELDS,
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _referee_fields_explain(self)
        for name in ("responsibilities", "results"):
            self.fields[name].widget.attrs["rows"] = 4


class AchievementForm(DraftModelForm):
    not_in_future = ("date",)

    class Meta:
        model = Achievement
        fields = ["kind", "title", "issuer", "date", "reference", "detail"]


class InternationalTitleForm(DraftModelForm):
    evidence_file = _upload_field(_("…or upload the evidence now"))
    not_in_future = ("issued_on",)
    start_end = ("issued_on", "expires_on")

    class Meta:
        model = InternationalTitle
        fields = ["kind", "other_name", "number", "issuer", "issued_on", "expires_on", "evidence"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        evidence: forms.ModelChoiceField = self.fields["evidence"]  # type: ignore[assignment,type-arg]
        evidence.queryset = self.application.attachments.all()
        evidence.empty_label = _("— none chosen —")


class CpdRecordForm(DraftModelForm):
    row_required = ("date", "hours")

    class Meta:
        model = CpdRecord
        fields = ["activity_type", "title", "date", "hours", "provider"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["hours"].widget.attrs.update({"step": "0.5", "min": "0.5", "max": str(MAX_CPD_HOURS)})

    @property
    def earliest(self) -> date:
        try:
            return self.today.replace(year=self.today.year - CPD_WINDOW_YEARS)
        except ValueError:  # 29 February
            return self.today.replace(year=self.today.year - CPD_WINDOW_YEARS, day=28)

    def clean_date(self) -> date | None:
        value: date | None = self.cleaned_data.get("date")
        if value is None:
            return None
        if value > self.today:
            raise ValidationError(MSG_FUTURE, code="future")
        if value < self.earliest:
            raise ValidationError(
                _("Only activities of the last three years count: from %(date)s on."),
                code="too_old",
                params={"date": self.earliest.isoformat()},
            )
        return value

    def clean_hours(self) -> Decimal | None:
        value: Decimal | None = self.cleaned_data.get("hours")
        if value is not None and value <= 0:
            raise ValidationError(_("Enter more than 0 hours."), code="not_positive")
        if value is not None and value > MAX_CPD_HOURS:
            raise ValidationError(
                _("One record may have at most %(max)s hours; split a longer activity."),
                code="too_many",
                params={"max": MAX_CPD_HOURS},
            )
        return value


class DraftModelFormSet(forms.BaseModelFormSet):  # type: ignore[type-arg]
    """Rows of one section: one empty row to add to, each saved row removable."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.problems: list[str] = []

    def row_changes(self) -> tuple[list[Any], list[Any]]:
        """(rows to write, rows to delete) of a valid formset; untouched rows are left alone."""
        save: list[Any] = []
        delete: list[Any] = []
        for form in self.forms:
            if not form.has_changed() and form.instance.pk is None:
                continue
            if form.cleaned_data.get("DELETE"):
                if form.instance.pk is not None:
                    delete.append(form.instance)
                continue
            if form.has_changed():
                save.append(form.save(commit=False))
        return save, delete


def _formset(model: type[Any], form: type[DraftModelForm]) -> type[DraftModelFormSet]:
    return forms.modelformset_factory(  # type: ignore[no-any-return,return-value]
        model,
        form=form,
        formset=DraftModelFormSet,
        extra=1,
        can_delete=True,
        can_delete_extra=False,
        max_num=50,
        validate_max=True,
    )


EducationFormSet = _formset(Education, EducationForm)
WorkEntryFormSet = _formset(WorkEntry, WorkEntryForm)
ProjectFormSet = _formset(Project, ProjectForm)
AchievementFormSet = _formset(Achievement, AchievementForm)
InternationalTitleFormSet = _formset(InternationalTitle, InternationalTitleForm)
CpdRecordFormSet = _formset(CpdRecord, CpdRecordForm)


# Competency statements -------------------------------------------------------------------------


class CompetencyForm(DraftForm):
    """One statement per competency area, each linked to the applicant's projects."""

    def __init__(
        self,
        *args: Any,
        areas: list[CompetencyArea],
        projects: QuerySet[Project],
        initial_text: dict[int, str],
        initial_projects: dict[int, list[int]],
        **kwargs: Any,
    ) -> None:
        self.areas = areas
        initial: dict[str, Any] = {}
        fields: dict[str, forms.Field] = {}
        for area in areas:
            text_name, projects_name = self.names(area)
            fields[text_name] = forms.CharField(
                label=_("Your statement"),
                widget=forms.Textarea(attrs={"rows": 6, "data-charcount": ""}),
            )
            fields[projects_name] = forms.ModelMultipleChoiceField(
                queryset=projects,
                label=_("Projects that show it"),
                widget=forms.CheckboxSelectMultiple,
            )
            initial[text_name] = initial_text.get(area.pk, "")
            initial[projects_name] = initial_projects.get(area.pk, [])
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.fields.update(fields)
        _prepare_fields(self, ())

    @staticmethod
    def names(area: CompetencyArea) -> tuple[str, str]:
        return f"area_{area.number}", f"area_{area.number}_projects"

    def blocks(self) -> list[tuple[CompetencyArea, BoundField, BoundField]]:
        return [(area, self[self.names(area)[0]], self[self.names(area)[1]]) for area in self.areas]

    def statements(self) -> list[StatementInput]:
        result = []
        for area in self.areas:
            text_name, projects_name = self.names(area)
            result.append(
                StatementInput(
                    area=area,
                    text=self.cleaned_data.get(text_name) or "",
                    projects=list(self.cleaned_data.get(projects_name) or []),
                )
            )
        return result


# International titles and the integrity pledge ------------------------------------------------


class SimplifiedAssessmentForm(DraftForm):
    simplified_requested = forms.BooleanField(
        label=_("I ask for simplified assessment on the strength of an international title"),
        help_text=_(
            "Staff verify the title; a verified title may replace the full interview by a shorter one."
        ),
    )


class PledgeForm(DraftForm):
    always_required = ("typed_name", "consents")

    typed_name = forms.CharField(
        label=_("Type your full name"),
        max_length=100,
        help_text=_("Exactly as under personal data; this is your signature."),
        error_messages={"required": _("Type your full name to sign.")},
    )
    consents = forms.BooleanField(
        label=_(
            "I consent to the society and the alliance checking my statements with my employers, "
            "referees and other third parties."
        ),
        error_messages={"required": _("The society can only evaluate you with this consent.")},
    )
