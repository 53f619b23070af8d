"""The form that creates an API client."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from engcert.apiclients.enums import ApiScope


class ClientForm(forms.Form):
    name = forms.CharField(
        label=pgettext_lazy("API client", "Name"),
        max_length=100,
        help_text=_("Which system uses it, e.g. “Membership database” or “成员管理系统”."),
    )
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one scope.")},
    )
    expires_on = forms.DateField(
        label=_("Expires on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The last day its tokens work. Leave empty for no end."),
    )

    def __init__(self, *args: Any, scopes: tuple[ApiScope, ...], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scopes_field = self.fields["scopes"]
        assert isinstance(scopes_field, forms.MultipleChoiceField)
        scopes_field.choices = [(scope.value, f"{scope.value} — {scope.label}") for scope in scopes]

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        if not name:
            raise ValidationError(_("Give the client a name."), code="blank")
        return name

    def clean_expires_on(self) -> date | None:
        expires_on: date | None = self.cleaned_data.get("expires_on")
        if expires_on is not None and expires_on < timezone.localdate():
            raise ValidationError(_("The expiry date must not be in the past."), code="past")
        return expires_on
