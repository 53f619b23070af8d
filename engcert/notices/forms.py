"""Forms of the public notice: publishing, the policy, the calendar, objections and decisions."""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from django import forms
from django.core import signing
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from engcert.applications.models import Application
from engcert.notices.domain.objection import NAME_MAX_CHARS, STATEMENT_MAX_CHARS, evidence_max_bytes
from engcert.notices.enums import CalendarDayKind, ObjectionOutcome
from engcert.notices.models import MAX_NOTICE_WORKING_DAYS

# The objection form carries a signed time of display: a person needs a few seconds to read the
# page and write a statement; a script posting at once is refused. A form left open too long asks
# for a fresh one, so an old signed value cannot be replayed for ever.
FORM_MIN_SECONDS = 3
FORM_MAX_AGE_SECONDS = 24 * 3600
_FORM_SALT = "engcert.notices.objection-form"


def working_days_field(initial: int) -> forms.IntegerField:
    return forms.IntegerField(
        label=_("Working days"),
        initial=initial,
        min_value=1,
        max_value=MAX_NOTICE_WORKING_DAYS,
        error_messages={
            "min_value": _("A public notice lasts at least one working day."),
            "max_value": _("A public notice lasts at most %(limit_value)s working days."),
        },
        help_text=_("Weekends and public holidays are not counted; make-up working days (调休) are."),
    )


class CandidateChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Application) -> str:
        grade = obj.awarded_grade or obj.grade
        parts = [
            obj.full_name or str(obj),
            obj.unit.display_name if obj.unit else "",
            grade.display_name if grade else "",
        ]
        return " · ".join(part for part in parts if part)


class PublishForm(forms.Form):
    starts_on = forms.DateField(
        label=_("First day of the notice"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("The notice is public from the start of this day, Beijing time."),
    )
    candidates = CandidateChoiceField(
        label=_("Candidates to publish"),
        queryset=Application.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one approved candidate to publish.")},
    )
    contact = forms.CharField(
        label=_("Contact for questions"),
        max_length=300,
        required=False,
        help_text=_("Shown on the public notice, for example the office and its telephone number."),
    )

    def __init__(self, *args: Any, candidates: list[Application], working_days: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["working_days"] = working_days_field(working_days)
        field = self.fields["candidates"]
        assert isinstance(field, CandidateChoiceField)
        field.queryset = (
            Application.objects.filter(pk__in=[c.pk for c in candidates])
            .select_related("unit", "grade", "awarded_grade")
            .order_by("number", "pk")
        )
        field.initial = [c.pk for c in candidates]
        self.order_fields(["starts_on", "working_days", "contact", "candidates"])

    def clean_starts_on(self) -> date:
        starts_on: date = self.cleaned_data["starts_on"]
        if starts_on < timezone.localdate():
            raise forms.ValidationError(_("The notice cannot start in the past."))
        return starts_on


class PolicyForm(forms.Form):
    contact = forms.CharField(
        label=_("Contact for questions about the notice"),
        max_length=300,
        required=False,
        help_text=_("Shown on the public notice, for example the office and its telephone number."),
    )

    def __init__(self, *args: Any, working_days: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["working_days"] = working_days_field(working_days)
        self.order_fields(["working_days", "contact"])


class CalendarDayForm(forms.Form):
    day = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    kind = forms.ChoiceField(label=_("Kind"), choices=CalendarDayKind.choices)
    name = forms.CharField(
        label=pgettext_lazy("calendar day", "Name"),
        max_length=100,
        help_text=_("For example 国庆节 or 国庆节调休."),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        day, kind = cleaned.get("day"), cleaned.get("kind")
        if day is not None and kind == CalendarDayKind.WORKDAY and day.weekday() < 5:
            self.add_error("kind", _("This date is a weekday, which is a working day already."))
        if day is not None and kind == CalendarDayKind.HOLIDAY and day.weekday() >= 5:
            self.add_error("kind", _("This date is a weekend day, which is not a working day already."))
        return cleaned


def form_token_issue(*, at: float | None = None) -> str:
    """The signed time the objection form was shown (``at`` lets tests show it earlier)."""
    return signing.dumps({"t": time.time() if at is None else at}, salt=_FORM_SALT)


class ObjectionForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=NAME_MAX_CHARS)
    phone = forms.CharField(label=_("Telephone"), max_length=40, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    statement = forms.CharField(
        label=_("Your objection"),
        max_length=STATEMENT_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 8, "data-charcount": STATEMENT_MAX_CHARS}),
        help_text=_("What you object to and the facts you know, at most %(max)s characters.")
        % {"max": STATEMENT_MAX_CHARS},
    )
    evidence = forms.FileField(label=_("Evidence (optional)"), required=False)
    # A field people never see (hidden by CSS, skipped by keyboard and autofill): only a script fills it.
    website = forms.CharField(
        label=_("Leave this empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    shown = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        evidence = self.fields["evidence"]
        evidence.help_text = _("PDF, JPEG or PNG, at most %(size)s MB.") % {
            "size": evidence_max_bytes() // 1048576
        }
        evidence.widget.attrs["accept"] = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"
        self.spam = False
        if not self.is_bound:
            self.initial["shown"] = form_token_issue()

    def clean_website(self) -> str:
        value: str = self.cleaned_data.get("website", "")
        if value:
            self.spam = True
        return value

    def clean_shown(self) -> str:
        value: str = self.cleaned_data.get("shown", "")
        try:
            payload = signing.loads(value, salt=_FORM_SALT, max_age=FORM_MAX_AGE_SECONDS)
        except signing.SignatureExpired:
            raise forms.ValidationError(
                _("This form was open for more than a day; please check your text and send it again.")
            ) from None
        except signing.BadSignature:
            self.spam = True
            raise forms.ValidationError(_("This form could not be read; please send it again.")) from None
        shown_at = float(payload.get("t", 0)) if isinstance(payload, dict) else 0.0
        if time.time() - shown_at < FORM_MIN_SECONDS:
            raise forms.ValidationError(
                _("That was sent faster than a person can write; please check your text and send it again.")
            )
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if (
            not cleaned.get("phone", "").strip()
            and not cleaned.get("email", "").strip()
            and "email" not in self.errors
        ):
            self.add_error(
                "phone",
                _("Please give a telephone number or an email address, so the society can reach you."),
            )
        return cleaned


class NotesForm(forms.Form):
    investigation_notes = forms.CharField(
        label=_("Investigation notes"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("For the society's staff only: whom you asked, what you found."),
    )


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=ObjectionOutcome.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Note on the decision"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For the record: why you decided so. Required when you dismiss the objection."),
    )
    reason_for_candidate = forms.CharField(
        label=_("Reason for the candidate"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Required when you uphold the objection. The candidate receives this text by email: write it "
            "to them, plainly, without naming the objector."
        ),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        outcome = cleaned.get("outcome")
        if outcome == ObjectionOutcome.UPHELD and not cleaned.get("reason_for_candidate", "").strip():
            self.add_error("reason_for_candidate", _("Please write the reason the candidate will read."))
        if outcome == ObjectionOutcome.DISMISSED and not cleaned.get("note", "").strip():
            self.add_error("note", _("Please write why the objection is dismissed."))
        return cleaned
