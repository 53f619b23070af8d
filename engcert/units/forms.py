"""Forms of the unit pages and of the staff's unit pages."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from engcert.batches.models import Batch
from engcert.organisations.enums import OrganisationKind
from engcert.organisations.models import Organisation
from engcert.units.domain import MAX_ENGINEERS_AT_ONCE
from engcert.units.enums import AdminRequestState, EndorsementDecision

# GB 32100-2015: 18 characters of digits and capital letters other than I, O, S, V and Z.
CREDIT_CODE = re.compile(r"[0-9A-HJ-NPQRTUWXY]{18}")


class ProfileForm(forms.Form):
    name = forms.CharField(label=_("Name (Chinese)"), max_length=200)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200, required=False)
    credit_code = forms.CharField(label=_("Unified social credit code"), max_length=18, required=False)
    head_name = forms.CharField(label=_("Name of the head"), max_length=100, required=False)
    head_title = forms.CharField(label=_("Title of the head"), max_length=100, required=False)
    address = forms.CharField(label=_("Postal address"), max_length=300, required=False)
    postcode = forms.CharField(label=_("Postcode"), max_length=12, required=False)
    contact_name = forms.CharField(label=_("Contact person"), max_length=100, required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=30, required=False)
    contact_email = forms.EmailField(label=_("Contact email"), required=False)

    def clean_credit_code(self) -> str:
        code = str(self.cleaned_data["credit_code"]).strip().upper()
        if code and not CREDIT_CODE.fullmatch(code):
            raise ValidationError(_("A unified social credit code has 18 digits and capital letters."))
        return code


class EngineerInviteForm(forms.Form):
    batch = forms.ModelChoiceField(label=_("Call"), queryset=Batch.objects.none(), empty_label=None)
    people = forms.CharField(
        label=_("Engineers to invite"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "One per line: an email address, or a name followed by the address (王伟 wang.wei@example.com)."
        ),
    )

    def __init__(self, *args: Any, batches: QuerySet[Batch], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["batch"].queryset = batches  # type: ignore[attr-defined]

    def clean_people(self) -> list[tuple[str, str]]:
        people: list[tuple[str, str]] = []
        for number, line in enumerate(self.cleaned_data["people"].splitlines(), start=1):
            line = line.strip().strip(",;，；")
            if not line:
                continue
            parts = re.split(r"[\s,;，；<>]+", line)
            email = next((part for part in reversed(parts) if "@" in part), "")
            name = " ".join(part for part in parts if part and part != email)
            try:
                validate_email(email)
            except ValidationError:
                raise ValidationError(
                    _("Line %(number)d has no valid email address: %(line)s")
                    % {"number": number, "line": line}
                ) from None
            people.append((email.lower(), name))
        if not people:
            raise ValidationError(_("Please give at least one email address."))
        if len(people) > MAX_ENGINEERS_AT_ONCE:
            raise ValidationError(
                _("Please invite at most %(count)d people at once.") % {"count": MAX_ENGINEERS_AT_ONCE}
            )
        return people


class EndorsementForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("The unit"),
        choices=[
            (EndorsementDecision.ENDORSED.value, _("Endorses this application")),
            (EndorsementDecision.DECLINED.value, _("Declines to endorse this application")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when declining; the society's staff read it in their initial review."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == EndorsementDecision.DECLINED and not str(data.get("reason", "")).strip():
            self.add_error("reason", _("Please give a reason for declining."))
        return data


class AdminInviteForm(forms.Form):
    email = forms.EmailField(label=_("Email of the new administrator"))


class AdminRequestForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("Unit"),
        queryset=Organisation.objects.filter(kind=OrganisationKind.UNIT, is_active=True)
        .select_related("society")
        .order_by("society__name", "name"),
    )
    position = forms.CharField(label=_("Your department and position"), max_length=200)
    note = forms.CharField(
        label=_("Note to the society"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example who at the unit can confirm that you look after its applications."),
    )


class AdminRequestDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (AdminRequestState.APPROVED.value, _("Approve")),
            (AdminRequestState.DECLINED.value, _("Decline")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == AdminRequestState.DECLINED and not str(data.get("reason", "")).strip():
            self.add_error("reason", _("Please give a reason."))
        return data


class RemoveAdminForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000)
