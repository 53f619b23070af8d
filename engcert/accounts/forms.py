"""The sign-up form: allauth's email and password, plus the person's full name."""

from __future__ import annotations

import unicodedata

from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.utils.translation import gettext_lazy as _

from engcert.accounts.models import User

FULL_NAME_MAX_LENGTH = User._meta.get_field("full_name").max_length


class SignupForm(AllauthSignupForm):
    """Names are kept exactly as written (NFC-normalised): Chinese names may use characters
    beyond the Basic Multilingual Plane, such as 𠀀, and must not be mangled."""

    full_name = forms.CharField(
        label=_("Full name"),
        max_length=FULL_NAME_MAX_LENGTH,
        help_text=_("As on your identity document; it appears on your certificate."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    field_order = ["full_name", "email", "password1", "password2"]

    def clean_full_name(self) -> str:
        name = unicodedata.normalize("NFC", " ".join(self.cleaned_data["full_name"].split()))
        if not name:
            raise forms.ValidationError(_("Enter your full name."), code="required")
        return name
