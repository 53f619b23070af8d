"""The staff's reminder settings and the form that grants an extension."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from engcert.organisations.enums import OrganisationKind
from engcert.organisations.models import Organisation

DAYS_PATTERN = re.compile(r"^\s*\d{1,2}\s*(,\s*\d{1,2}\s*)*$")
MAX_REMINDERS = 6


def _clean_days(value: str) -> str:
    if not DAYS_PATTERN.match(value):
        raise forms.ValidationError(_("Write whole numbers of days separated by commas, e.g. 7,3,1."))
    days = {int(part) for part in value.split(",")}
    if 0 in days or max(days) > 60:
        raise forms.ValidationError(_("Each number must be between 1 and 60 days."))
    if len(days) > MAX_REMINDERS:
        raise forms.ValidationError(_("At most %(count)d reminders per deadline.") % {"count": MAX_REMINDERS})
    return ",".join(str(day) for day in sorted(days, reverse=True))


class PolicyForm(forms.Form):
    application_reminder_days = forms.CharField(
        label=_("Days before the application deadline"),
        max_length=60,
        help_text=_("Applicants with a draft or a returned application are reminded, e.g. 7,3,1."),
    )
    roster_reminder_days = forms.CharField(
        label=_("Days before the roster deadline"),
        max_length=60,
        help_text=_("Each unit's administrators are reminded, with their counts, e.g. 7,3,1."),
    )

    def clean_application_reminder_days(self) -> str:
        return _clean_days(self.cleaned_data["application_reminder_days"])

    def clean_roster_reminder_days(self) -> str:
        return _clean_days(self.cleaned_data["roster_reminder_days"])


class ExtensionForm(forms.Form):
    WHO_CHOICES = [("applicant", _("An applicant")), ("unit", _("A unit"))]
    who = forms.ChoiceField(label=_("Extend for"), choices=WHO_CHOICES, widget=forms.RadioSelect)
    applicant_email = forms.EmailField(label=_("Applicant's email"), required=False)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Organisation.objects.none(), required=False)
    until = forms.DateTimeField(
        label=_("Until (Beijing time)"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)

    def __init__(self, *args: Any, society: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            kind=OrganisationKind.UNIT, society=society, is_active=True
        ).order_by("name")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("who") == "applicant" and not data.get("applicant_email"):
            self.add_error("applicant_email", _("Please give the applicant's email."))
        if data.get("who") == "unit" and not data.get("unit"):
            self.add_error("unit", _("Please choose a unit."))
        return data
