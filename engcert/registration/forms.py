"""Forms of the society's sending and the alliance's verification."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from engcert.applications.models import Application
from engcert.organisations.enums import OrganisationKind
from engcert.organisations.models import Organisation
from engcert.registration.enums import PackageStatus
from engcert.registration.models import PackageItem, RegistrationPolicy


class CandidateChoice(forms.ModelMultipleChoiceField[Application]):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.number} {obj.full_name}"


class SendForm(forms.Form):
    candidates = CandidateChoice(
        queryset=Application.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label=_("Candidates to send"),
        error_messages={
            "required": _("Choose at least one candidate to send."),
            "invalid_choice": _(
                "A chosen candidate is no longer waiting to be sent (perhaps a colleague sent them "
                "a moment ago). The list below is up to date; please choose again."
            ),
            "invalid_pk_value": _("Choose candidates from the list."),
        },
    )

    def __init__(self, *args: Any, candidates: QuerySet[Application], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["candidates"]
        assert isinstance(field, CandidateChoice)
        field.queryset = candidates
        # Every candidate is chosen unless staff untick someone.
        self.initial.setdefault("candidates", [c.pk for c in candidates])


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for returning"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The society's staff and the candidate read this."),
        error_messages={"required": _("Please say why the candidate is returned.")},
    )


class BulkConfirmForm(forms.Form):
    items: forms.ModelMultipleChoiceField[PackageItem] = forms.ModelMultipleChoiceField(
        queryset=PackageItem.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Tick at least one candidate to confirm.")},
    )

    def __init__(self, *args: Any, items: QuerySet[PackageItem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["items"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = items


class PackageFilterForm(forms.Form):
    society = forms.ModelChoiceField(
        queryset=Organisation.objects.filter(kind=OrganisationKind.SOCIETY).order_by("code"),
        required=False,
        label=_("Society"),
        empty_label=_("All societies"),
        to_field_name="code",
    )
    status = forms.ChoiceField(
        choices=[("", _("Any status")), *PackageStatus.choices], required=False, label=_("Status")
    )


class PolicyForm(forms.ModelForm[RegistrationPolicy]):
    class Meta:
        model = RegistrationPolicy
        fields = ["prefix", "number_format", "sequence_scope"]
