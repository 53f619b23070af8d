"""Forms of re-registration: the member's declaration and pledge, and the society's decision."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from engcert.renewals.domain import Declaration
from engcert.renewals.enums import RenewalState


class DeclarationForm(forms.Form):
    unit_name = forms.CharField(label=_("Work unit"), max_length=200)
    position = forms.CharField(label=_("Department and position"), max_length=200)
    phone = forms.CharField(label=_("Mobile phone"), max_length=30)
    email = forms.EmailField(label=_("Email"))
    pledge_agreed = forms.BooleanField(
        label=_("I have read the integrity pledge above and make it."),
        required=True,
        error_messages={"required": _("Agree to the integrity pledge to apply.")},
    )
    typed_name = forms.CharField(
        label=_("Your name, typed as your signature"),
        max_length=100,
        help_text=_("Exactly as registered."),
    )

    def __init__(self, *args: Any, expected_name: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.expected_name = expected_name

    def clean_phone(self) -> str:
        value = "".join(self.cleaned_data["phone"].split())
        digits = value.removeprefix("+")
        if not digits.replace("-", "").isdigit() or not 7 <= len(digits.replace("-", "")) <= 15:
            raise ValidationError(
                _("Enter a phone number of 7 to 15 digits, e.g. 13800138000."), code="phone"
            )
        return value

    def clean_typed_name(self) -> str:
        value: str = self.cleaned_data["typed_name"]
        if "".join(value.split()).casefold() != "".join(self.expected_name.split()).casefold():
            raise ValidationError(
                _("Type your name exactly as registered: %(name)s.") % {"name": self.expected_name},
                code="name",
            )
        return value

    def declaration(self) -> Declaration:
        data = self.cleaned_data
        return Declaration(
            unit_name=data["unit_name"],
            position=data["position"],
            phone=data["phone"],
            email=data["email"],
            typed_name=data["typed_name"],
            pledge_agreed=bool(data["pledge_agreed"]),
        )


DECISIONS = [
    (RenewalState.APPROVED.value, _("Approve: issue the next certificate term")),
    (RenewalState.RETURNED.value, _("Return to the member for changes")),
    (RenewalState.REJECTED.value, _("Reject")),
]


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("The society decides to"), choices=DECISIONS, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Reason for the member"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required when returning or rejecting; the member reads it in their email."),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if (
            cleaned.get("decision") in (RenewalState.RETURNED, RenewalState.REJECTED)
            and not cleaned.get("reason", "").strip()
        ):
            self.add_error("reason", _("Give the member a reason."))
        return cleaned
