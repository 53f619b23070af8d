"""Forms of the examiner pool, panels, schedule and the applicant's unavailable days."""

from __future__ import annotations

import datetime as dt
from datetime import date, time
from typing import Any

from django import forms
from django.db.models import F, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from engcert.accounts.models import User
from engcert.applications.models import Application
from engcert.examiners.enums import InterviewMode
from engcert.examiners.models import EvaluationPolicy, Examiner, Room
from engcert.frameworks.models import Grade
from engcert.organisations.enums import OrganisationKind
from engcert.organisations.models import Discipline, Organisation


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%H:%M")


WEEKDAYS = [
    (0, _("Mon")),
    (1, _("Tue")),
    (2, _("Wed")),
    (3, _("Thu")),
    (4, _("Fri")),
    (5, _("Sat")),
    (6, _("Sun")),
]
WORKDAYS = [0, 1, 2, 3, 4]


def discipline_tree(society: Organisation) -> QuerySet[Discipline]:
    """The society's scope as a tree: each field followed by its own sub-fields."""
    return (
        Discipline.objects.filter(society=society)
        .select_related("parent")
        .order_by(Coalesce("parent__position", "position"), F("parent").asc(nulls_first=True), "position")
    )


class ExaminerForm(forms.ModelForm[Examiner]):
    email = forms.EmailField(
        label=_("Email of the person's account"),
        help_text=_("The person must already have an account; they become an examiner of the society."),
    )

    class Meta:
        model = Examiner
        fields = ["grade", "disciplines", "employer", "unit", "position", "term_starts", "term_ends"]
        widgets = {
            "disciplines": forms.CheckboxSelectMultiple(attrs={"class": "discipline-choices"}),
            "term_starts": DateInput(),
            "term_ends": DateInput(),
        }
        help_texts = {
            "disciplines": _(
                "A sub-field's candidates may also be examined by an examiner of its parent field."
            ),
            "employer": _(
                "Conflicts of interest are checked against it; add earlier employers on the examiner's page."
            ),
        }

    def __init__(self, *args: Any, society: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.society = society
        if self.instance.pk:
            del self.fields["email"]
        self.fields["disciplines"].queryset = discipline_tree(society)  # type: ignore[attr-defined]
        self.fields["disciplines"].label_from_instance = lambda d: d.path_name  # type: ignore[attr-defined]
        self.fields["disciplines"].required = True
        self.fields["unit"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            kind=OrganisationKind.UNIT, society=society
        )
        self.fields["grade"].queryset = Grade.objects.select_related(  # type: ignore[attr-defined]
            "framework_version__framework"
        ).order_by("framework_version", "position")
        self.user: User | None = None

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"].strip().lower()
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            raise forms.ValidationError(
                _("No account uses this email address. Ask the person to register first.")
            )
        if Examiner.objects.filter(society=self.society, user=user).exists():
            raise forms.ValidationError(_("This person is already in the society's examiner pool."))
        self.user = user
        return email

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("term_starts"), data.get("term_ends")
        if starts and ends and ends < starts:
            self.add_error("term_ends", _("The term must end after it starts."))
        return data

    def values(self) -> dict[str, Any]:
        """The examiner's own fields, for ``examiner_create`` / ``examiner_update``."""
        return {name: self.cleaned_data[name] for name in self.Meta.fields if name != "disciplines"}


class EmploymentForm(forms.Form):
    employer = forms.CharField(label=_("Earlier employer"), max_length=200)
    start_date = forms.DateField(label=_("From"), required=False, widget=DateInput())
    end_date = forms.DateField(label=_("To"), required=False, widget=DateInput())


class DaysForm(forms.Form):
    first = forms.DateField(label=_("First day"), widget=DateInput())
    last = forms.DateField(label=_("Last day"), widget=DateInput())
    weekdays = forms.TypedMultipleChoiceField(
        label=_("On these weekdays"),
        choices=WEEKDAYS,
        coerce=int,
        initial=WORKDAYS,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "weekday-choices"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, last = data.get("first"), data.get("last")
        if first and last and last < first:
            self.add_error("last", _("The last day must not be before the first."))
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300, widget=forms.TextInput())


class RelationForm(forms.Form):
    person_name = forms.CharField(label=_("Person's name"), max_length=100, required=False)
    id_number = forms.CharField(
        label=_("Person's identity-document number"),
        max_length=40,
        required=False,
        help_text=_(
            "Optional. Not stored: only a keyed fingerprint is kept, enough to recognise their application."
        ),
    )
    organisation = forms.CharField(label=_("Organisation"), max_length=200, required=False)
    relation = forms.CharField(
        label=_("Relation"),
        max_length=200,
        help_text=_("For example: spouse, former student, part-time adviser."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("person_name", "").strip() or data.get("organisation", "").strip()):
            raise forms.ValidationError(_("Please name the person or the organisation."))
        if data.get("id_number", "").strip() and not data.get("person_name", "").strip():
            self.add_error("person_name", _("Please give the person's name with the number."))
        return data


class PolicyForm(forms.ModelForm[EvaluationPolicy]):
    simplified_scored_areas = forms.TypedMultipleChoiceField(
        label=_("Areas scored in the shortened assessment"),
        choices=[(n, str(n)) for n in range(1, 6)],
        coerce=int,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "area-choices"}),
        help_text=EvaluationPolicy._meta.get_field("simplified_scored_areas").help_text,
    )

    class Meta:
        model = EvaluationPolicy
        fields = [
            "min_panel_size",
            "max_interviews_per_day",
            "interview_minutes",
            "simplified_interview_minutes",
            "simplified_scored_areas",
            "day_starts_at",
            "day_ends_at",
            "break_minutes",
            "score_sheet_due_hours",
        ]
        widgets = {"day_starts_at": TimeInput(), "day_ends_at": TimeInput()}

    def __init__(self, *args: Any, area_labels: dict[int, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if area_labels:
            self.fields["simplified_scored_areas"].choices = [  # type: ignore[attr-defined]
                (n, f"{n}. {label}") for n, label in sorted(area_labels.items())
            ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("day_starts_at"), data.get("day_ends_at")
        if isinstance(starts, time) and isinstance(ends, time):
            if ends <= starts:
                self.add_error("day_ends_at", _("The interview day must end after it starts."))
            else:
                length = (ends.hour * 60 + ends.minute) - (starts.hour * 60 + starts.minute)
                for name in ("interview_minutes", "simplified_interview_minutes"):
                    if (data.get(name) or 0) > length:
                        self.add_error(name, _("An interview must fit in the interview day."))
        shortened, full = data.get("simplified_interview_minutes"), data.get("interview_minutes")
        if shortened and full and shortened > full:
            self.add_error("simplified_interview_minutes", _("The shortened interview cannot be longer."))
        return data


class RoomForm(forms.ModelForm[Room]):
    class Meta:
        model = Room
        fields = ["name", "mode", "location", "is_active"]
        widgets = {"mode": forms.RadioSelect}
        help_texts = {
            "location": _("For a room: its address. For an online meeting: the link candidates open.")
        }

    def __init__(self, *args: Any, society: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.society = society

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        if Room.objects.filter(society=self.society, name=name).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("Another room of the society has this name."))
        return name

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        location = (data.get("location") or "").strip()
        if data.get("mode") == InterviewMode.ONLINE and not location.startswith(("https://", "http://")):
            self.add_error("location", _("An online meeting needs its link, starting with https://."))
        return data


class ExaminerChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    # Examiner id → a short note shown after the name (e.g. a conflict of interest).
    notes: dict[int, str]

    def label_from_instance(self, obj: Any) -> str:
        fields = ", ".join(d.display_name for d in obj.disciplines.all())
        note = getattr(self, "notes", {}).get(obj.pk)
        label = f"{obj.user} · {obj.employer} · {fields}"
        return f"{label} — {note}" if note else label


def pool_for_seats(society: Organisation) -> QuerySet[Examiner]:
    return (
        Examiner.objects.filter(society=society, is_active=True)
        .select_related("user")
        .prefetch_related("disciplines")
        .order_by("user__full_name", "user__email")
    )


class SeatAddForm(forms.Form):
    examiner = ExaminerChoiceField(label=_("Examiner"), queryset=Examiner.objects.none())
    is_chair = forms.BooleanField(label=_("Chair of the panel"), required=False)

    def __init__(self, *args: Any, society: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["examiner"].queryset = pool_for_seats(society)  # type: ignore[attr-defined]


class SeatReplaceForm(forms.Form):
    examiner = ExaminerChoiceField(label=_("New examiner"), queryset=Examiner.objects.none())
    reason = forms.CharField(label=_("Reason"), max_length=300)

    def __init__(self, *args: Any, society: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["examiner"].queryset = pool_for_seats(society)  # type: ignore[attr-defined]


class InterviewSlotForm(forms.Form):
    day = forms.DateField(label=_("Day"), widget=DateInput())
    start = forms.TimeField(label=_("Starts at (Beijing time)"), widget=TimeInput())
    room = forms.ModelChoiceField(label=_("Room or online meeting"), queryset=Room.objects.none())

    def __init__(self, *args: Any, society: Organisation, with_reason: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["room"].queryset = Room.objects.filter(society=society, is_active=True).order_by(  # type: ignore[attr-defined]
            "mode", "name"
        )
        if with_reason:
            self.fields["reason"] = forms.CharField(label=_("Reason for the move"), max_length=300)

    def clean_day(self) -> date:
        day: date = self.cleaned_data["day"]
        if day <= timezone.localdate():
            raise forms.ValidationError(_("Choose a day from tomorrow on."))
        return day


class ScheduleForm(forms.Form):
    first_day = forms.DateField(label=_("First interview day"), widget=DateInput())
    last_day = forms.DateField(label=_("Last interview day"), widget=DateInput())
    weekdays = forms.TypedMultipleChoiceField(
        label=_("On these weekdays"),
        choices=WEEKDAYS,
        coerce=int,
        initial=WORKDAYS,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "weekday-choices"}),
    )
    rooms = forms.ModelMultipleChoiceField(
        label=_("Rooms and online meetings"),
        queryset=Room.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    candidates = forms.ModelMultipleChoiceField(
        label=_("Candidates"),
        queryset=Application.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "candidate-choices"}),
        help_text=_("Leave all unticked to schedule every candidate waiting for an interview."),
    )

    def __init__(
        self, *args: Any, society: Organisation, waiting: QuerySet[Application], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        rooms = Room.objects.filter(society=society, is_active=True).order_by("mode", "name")
        self.fields["rooms"].queryset = rooms  # type: ignore[attr-defined]
        self.fields["rooms"].label_from_instance = lambda r: f"{r.name} ({r.get_mode_display()})"  # type: ignore[attr-defined]
        if not self.is_bound:
            self.initial.setdefault("rooms", list(rooms))
        self.fields["candidates"].queryset = waiting  # type: ignore[attr-defined]
        self.fields["candidates"].label_from_instance = (  # type: ignore[attr-defined]
            lambda a: f"{a.number} {a.full_name} · {a.discipline.path_name if a.discipline else '—'}"
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, last = data.get("first_day"), data.get("last_day")
        if first and first <= timezone.localdate():
            self.add_error("first_day", _("Choose a day from tomorrow on."))
        if first and last and last < first:
            self.add_error("last_day", _("The last day must not be before the first."))
        if first and last and (last - first).days > 92:
            self.add_error("last_day", _("Schedule at most three months at once."))
        return data


class UnavailabilityForm(forms.Form):
    date = forms.DateField(label=_("Day you cannot attend"), widget=DateInput())
    note = forms.CharField(label=_("Note (optional)"), max_length=200, required=False)

    def clean_date(self) -> dt.date:
        day: dt.date = self.cleaned_data["date"]
        if day <= timezone.localdate():
            raise forms.ValidationError(_("Choose a day from tomorrow on."))
        return day
