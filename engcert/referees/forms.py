"""Forms of referee confirmation: the referee's answer, the applicant's replacement of a referee,
a bounce staff record by hand, and the society's policy."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from engcert.applications.section_forms import phone_validator
from engcert.referees.domain.requests import Answer
from engcert.referees.enums import Verdict
from engcert.referees.models import RefereeClaim

COMMENT_MAX = 2000


class AnswerForm(forms.Form):
    """One choice and one comment per claim shown to the referee."""

    def __init__(self, *args: Any, claims: list[RefereeClaim], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.claims = claims
        for claim in claims:
            self.fields[f"verdict_{claim.pk}"] = forms.ChoiceField(
                label=gettext_lazy("Your answer"),
                choices=Verdict.choices,
                widget=forms.RadioSelect,
                error_messages={"required": gettext_lazy("Choose one answer for this item.")},
            )
            self.fields[f"comment_{claim.pk}"] = forms.CharField(
                label=gettext_lazy("Comment"),
                required=False,
                max_length=COMMENT_MAX,
                widget=forms.Textarea(attrs={"rows": 3}),
                help_text=gettext_lazy("Needed when something is not accurate or you can only comment."),
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for claim in self.claims:
            verdict = cleaned.get(f"verdict_{claim.pk}")
            comment = (cleaned.get(f"comment_{claim.pk}") or "").strip()
            if verdict and verdict != Verdict.CONFIRMED and not comment:
                self.add_error(
                    f"comment_{claim.pk}", _("Say what is not accurate, or what you can say about it.")
                )
        return cleaned

    def rows(self) -> list[tuple[RefereeClaim, forms.BoundField, forms.BoundField]]:
        return [(claim, self[f"verdict_{claim.pk}"], self[f"comment_{claim.pk}"]) for claim in self.claims]

    def answers(self) -> dict[int, Answer]:
        return {
            claim.pk: Answer(
                verdict=Verdict(self.cleaned_data[f"verdict_{claim.pk}"]),
                comment=self.cleaned_data.get(f"comment_{claim.pk}") or "",
            )
            for claim in self.claims
        }


class ReplaceForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    position = forms.CharField(label=gettext_lazy("Position"), max_length=100)
    organisation = forms.CharField(label=gettext_lazy("Organisation"), max_length=200)
    email = forms.EmailField(
        label=gettext_lazy("Email"),
        help_text=gettext_lazy("The new referee receives the link to confirm at this address."),
    )
    phone = forms.CharField(label=gettext_lazy("Phone"), max_length=30, validators=[phone_validator])
    reason = forms.CharField(
        label=gettext_lazy("Why you replace the referee"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, old_email: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.old_email = old_email

    def clean_email(self) -> str:
        email = str(self.cleaned_data["email"]).strip().lower()
        if email == self.old_email:
            raise forms.ValidationError(_("This is the address that did not work; give another one."))
        return email


class BounceForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("What came back"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("e.g. “550 mailbox unavailable”, received on the date."),
    )


class PolicyForm(forms.Form):
    link_valid_days = forms.IntegerField(
        label=gettext_lazy("Days a link stays valid"), min_value=1, max_value=365
    )
    reminder_days = forms.CharField(
        label=gettext_lazy("Remind after (days)"),
        required=False,
        max_length=60,
        help_text=gettext_lazy(
            "Days after the first email, separated by commas, e.g. 7, 14. Empty: no reminders."
        ),
    )

    def clean_reminder_days(self) -> list[int]:
        text = self.cleaned_data.get("reminder_days") or ""
        parts = [part for part in re.split(r"[,，、\s]+", text.strip()) if part]
        if not all(part.isdigit() for part in parts):
            raise forms.ValidationError(_("Give whole numbers of days, separated by commas."))
        days = sorted({int(part) for part in parts})
        if len(days) > 5:
            raise forms.ValidationError(_("At most five reminders."))
        return days

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        valid_days = cleaned.get("link_valid_days")
        days = cleaned.get("reminder_days") or []
        if valid_days and any(day < 1 or day >= valid_days for day in days):
            self.add_error(
                "reminder_days",
                _("Each reminder must come at least a day after the email and before the link expires."),
            )
        return cleaned
