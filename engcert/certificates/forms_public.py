"""Forms of the verification and register pages, the member's register consent and staff status changes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from engcert.certificates.status import MAX_REASON_CHARS
from engcert.certificates.verification import MAX_NUMBER_CHARS
from engcert.frameworks.models import Grade
from engcert.organisations.models import Discipline


class VerifyForm(forms.Form):
    number = forms.CharField(
        label=_("Certificate number"),
        max_length=MAX_NUMBER_CHARS,
        help_text=_("As printed on the certificate, for example CSEE-2026-7KQ2M9XA4B."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}
        ),
    )

    def clean_number(self) -> str:
        number = str(self.cleaned_data["number"]).strip().upper()
        # The number is the last part of the certificate's own address, which a slash would end.
        if "/" in number:
            raise forms.ValidationError(
                _("No certificate number has a slash (/) in it; please check what you typed."), code="slash"
            )
        return number


class RegisterSearchForm(forms.Form):
    q = forms.CharField(label=_("Name or certificate number"), max_length=100, required=False)
    unit = forms.CharField(label=_("Unit"), max_length=100, required=False)
    discipline = forms.ModelChoiceField(
        label=_("Professional field"),
        queryset=Discipline.objects.none(),
        required=False,
        empty_label=_("Any field"),
    )
    grade = forms.ChoiceField(label=_("Grade"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["discipline"].queryset = Discipline.objects.select_related("society").order_by(  # type: ignore[attr-defined]
            "society__code", "position", "code"
        )
        codes = list(dict.fromkeys(Grade.objects.order_by("position").values_list("code", flat=True)))
        names = {grade.code: grade.display_name for grade in Grade.objects.order_by("-pk")}
        self.fields["grade"].choices = [("", _("Any grade"))] + [  # type: ignore[attr-defined]
            (code, names[code]) for code in codes
        ]


class ListingForm(forms.Form):
    listed = forms.BooleanField(
        label=_("List me in the public register"),
        required=False,
        help_text=_(
            "Your name, certificate number, grade, society and validity are shown. Nothing else unless you tick it below."
        ),
    )
    show_discipline = forms.BooleanField(label=_("Show my professional field"), required=False)
    show_unit = forms.BooleanField(
        label=_("Show my unit"),
        required=False,
        help_text=_("People can then find you by searching for your unit."),
    )
    show_name_en = forms.BooleanField(label=_("Show my name in English (pinyin)"), required=False)


class StatusChangeForm(forms.Form):
    ACTIONS = (
        ("suspend", _("Suspend")),
        ("reinstate", _("Reinstate")),
        ("revoke", _("Revoke")),
    )
    action = forms.ChoiceField(choices=ACTIONS, widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=MAX_REASON_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "The member receives it by email; for a suspension or revocation the verification page shows it."
        ),
        error_messages={"required": _("Give the reason: the member reads it, and so does the public.")},
    )
    confirm = forms.BooleanField(
        label=_("I understand that revocation is final: the certificate can never be valid again."),
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") == "revoke" and not data.get("confirm"):
            self.add_error("confirm", _("Tick this box to confirm the revocation."))
        return data
