"""Forms of CPD: a member's activity, the society's rule, the audit draw and an audit outcome."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from engcert.applications.enums import CpdActivityType
from engcert.cpd.domain import ActivityValues
from engcert.cpd.enums import AuditOutcome
from engcert.cpd.models import MAX_ACTIVITY_HOURS, CpdActivity, CpdRule
from engcert.registration.models import Registration
from engcert.uploads.forms import DocumentField


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class ActivityForm(forms.Form):
    registration = forms.ModelChoiceField(
        label=_("Registration"), queryset=Registration.objects.none(), empty_label=None
    )
    activity_type = forms.ChoiceField(label=_("Type of activity"), choices=CpdActivityType.choices)
    title = forms.CharField(
        label=_("Title"), max_length=200, help_text=_("For example the course, conference or paper.")
    )
    provider = forms.CharField(label=_("Provider or organiser"), max_length=200, required=False)
    date = forms.DateField(label=_("Date"), widget=DateInput(), help_text=_("The day it ended."))
    hours = forms.DecimalField(
        label=_("Hours"),
        min_value=Decimal("0.5"),
        max_value=MAX_ACTIVITY_HOURS,
        max_digits=5,
        decimal_places=1,
        help_text=_("Credit hours, for example 1.5."),
        widget=forms.NumberInput(attrs={"step": "0.1", "min": "0.5", "inputmode": "decimal"}),
    )
    evidence = DocumentField(
        label=_("Evidence"),
        required=False,
        help_text=_(
            "A certificate of attendance, programme or publication: PDF, JPEG or PNG, at most %(size)s MB."
        )
        % {"size": settings.ENGCERT_MAX_UPLOAD_BYTES // 1048576},
    )
    remove_evidence = forms.BooleanField(label=_("Remove the evidence file"), required=False)

    def __init__(
        self,
        *args: Any,
        registrations: list[Registration],
        activity: CpdActivity | None = None,
        **kwargs: Any,
    ) -> None:
        if activity is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "registration": activity.registration_id,
                "activity_type": activity.activity_type,
                "title": activity.title,
                "provider": activity.provider,
                "date": activity.date,
                "hours": activity.hours,
            }
        super().__init__(*args, **kwargs)
        self.activity = activity
        field = self.fields["registration"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Registration.objects.filter(pk__in=[r.pk for r in registrations]).select_related(
            "society"
        )
        field.label_from_instance = lambda obj: f"{obj.society.display_name} · {obj.member_number}"  # type: ignore[method-assign]
        # With one registration to log for (or an activity's own) there is nothing to choose.
        self.fixed_registration: Registration | None = None
        if activity is not None or len(registrations) == 1:
            self.fixed_registration = activity.registration if activity is not None else registrations[0]
            del self.fields["registration"]
        if activity is None or not activity.evidence:
            del self.fields["remove_evidence"]
        self.fields["date"].widget.attrs["max"] = timezone.localdate().isoformat()

    def chosen_registration(self) -> Registration:
        if self.fixed_registration is not None:
            return self.fixed_registration
        chosen: Registration = self.cleaned_data["registration"]
        return chosen

    def clean_date(self) -> Any:
        value = self.cleaned_data["date"]
        if value > timezone.localdate():
            raise ValidationError(_("The date cannot be in the future."), code="future")
        return value

    def values(self) -> ActivityValues:
        data = self.cleaned_data
        return ActivityValues(
            activity_type=data["activity_type"],
            date=data["date"],
            hours=data["hours"],
            title=data["title"],
            provider=data.get("provider", ""),
        )


def limit_field_name(activity_type: str) -> str:
    return f"limit_{activity_type}"


class RuleForm(forms.Form):
    annual_hours = forms.DecimalField(
        label=_("Hours needed each registration year"),
        min_value=Decimal("1"),
        max_value=Decimal("500"),
        max_digits=5,
        decimal_places=1,
    )
    audit_share_percent = forms.DecimalField(
        label=_("Share of members drawn for audit each year (%)"),
        min_value=Decimal("0.01"),
        max_value=Decimal("100"),
        max_digits=5,
        decimal_places=2,
        help_text=_("The draw takes this share of the members in force, rounded up."),
    )

    def __init__(self, *args: Any, rule: CpdRule, **kwargs: Any) -> None:
        initial: dict[str, Decimal | None] = {
            "annual_hours": rule.annual_hours,
            "audit_share_percent": rule.audit_share_percent,
        }
        for value, _label in CpdActivityType.choices:
            initial[limit_field_name(value)] = rule.limit_for(value)
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        for value, label in CpdActivityType.choices:
            self.fields[limit_field_name(value)] = forms.DecimalField(
                label=label,
                required=False,
                min_value=Decimal("0.5"),
                max_value=Decimal("500"),
                max_digits=5,
                decimal_places=1,
            )

    def limit_fields(self) -> list[forms.BoundField]:
        return [self[limit_field_name(value)] for value in CpdActivityType.values]

    def type_limits(self) -> dict[str, Decimal | None]:
        return {value: self.cleaned_data.get(limit_field_name(value)) for value in CpdActivityType.values}


class DrawForm(forms.Form):
    year = forms.IntegerField(label=_("Year audited"), min_value=2000)

    def clean_year(self) -> int:
        year: int = self.cleaned_data["year"]
        if year > timezone.localdate().year:
            raise ValidationError(_("A draw can be made for this year or an earlier one."), code="future")
        return year


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("What the review found"),
        choices=[(v, label) for v, label in AuditOutcome.choices if v != AuditOutcome.PENDING],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note to the member"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required unless the audit passed: say what was found and what to do."),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if (
            cleaned.get("outcome")
            and cleaned["outcome"] != AuditOutcome.PASSED
            and not cleaned.get("note", "").strip()
        ):
            self.add_error("note", _("Tell the member what was found and what to do."))
        return cleaned
