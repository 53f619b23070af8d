"""Forms of the certificate pages: the society's policy, starting an issuance, the staff list's filter."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from engcert.batches.models import Batch
from engcert.certificates.domain import SIGNATURE_MAX_BYTES
from engcert.certificates.enums import CertificateStatus
from engcert.certificates.models import NUMBER_FORMAT_HELP
from engcert.certificates.numbering import number_format_problems
from engcert.frameworks.models import Grade
from engcert.uploads.forms import DocumentField
from engcert.uploads.kinds import IMAGES


def _display_name(obj: Batch | Grade) -> str:
    return str(obj.display_name)


class PolicyForm(forms.Form):
    number_format = forms.CharField(
        label=gettext_lazy("Certificate number format"), max_length=80, help_text=NUMBER_FORMAT_HELP
    )
    validity_years = forms.IntegerField(
        label=gettext_lazy("Years of validity"),
        min_value=1,
        max_value=10,
        help_text=gettext_lazy("A certificate issued today is valid until the day before this anniversary."),
    )
    head_name = forms.CharField(label=gettext_lazy("Head's name (Chinese)"), max_length=100)
    head_name_en = forms.CharField(
        label=gettext_lazy("Head's name (English)"), max_length=100, required=False
    )
    head_title = forms.CharField(
        label=gettext_lazy("Head's title (Chinese)"),
        max_length=100,
        help_text=gettext_lazy("For example 理事长."),
    )
    head_title_en = forms.CharField(
        label=gettext_lazy("Head's title (English)"),
        max_length=100,
        required=False,
        help_text=gettext_lazy("For example President."),
    )
    signature_image = DocumentField(
        kinds=IMAGES,
        max_bytes=SIGNATURE_MAX_BYTES,
        label=gettext_lazy("Head's signature"),
        required=False,
        help_text=gettext_lazy(
            "A PNG or JPEG of the head's signature on a white or transparent background, at most 1 MB."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"}),
    )
    remove_signature = forms.BooleanField(label=gettext_lazy("Remove the signature image"), required=False)
    renewal_opens_months = forms.IntegerField(
        label=gettext_lazy("Re-registration opens (months before expiry)"), min_value=1, max_value=24
    )
    reminder_days = forms.CharField(
        label=gettext_lazy("Reminders (days before expiry)"),
        max_length=40,
        help_text=gettext_lazy("Days before expiry on which members are reminded, separated by commas."),
    )

    def clean_number_format(self) -> str:
        value: str = self.cleaned_data["number_format"].strip()
        problems = number_format_problems(value)
        if problems:
            raise forms.ValidationError(problems)
        return value

    def clean_reminder_days(self) -> str:
        raw: str = self.cleaned_data["reminder_days"].replace("，", ",")
        parts = [part.strip() for part in raw.split(",") if part.strip()]
        if not parts or not all(part.isdigit() and 0 < int(part) <= 730 for part in parts):
            raise forms.ValidationError(
                _(
                    "Write whole numbers of days between 1 and 730, separated by commas, for example 180,90,30."
                )
            )
        return ",".join(str(day) for day in sorted({int(part) for part in parts}, reverse=True))


class IssueStartForm(forms.Form):
    batch = forms.ModelChoiceField(label=gettext_lazy("Batch"), queryset=Batch.objects.none())

    def __init__(self, *args: Any, batches: QuerySet[Batch], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["batch"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = batches
        field.label_from_instance = _display_name  # type: ignore[method-assign]


SORTS = {
    "number": ("number", "pk"),
    "-number": ("-number", "-pk"),
    "name": ("full_name", "pk"),
    "-name": ("-full_name", "-pk"),
    "grade": ("grade__position", "full_name", "pk"),
    "-grade": ("-grade__position", "full_name", "pk"),
    "valid_from": ("valid_from", "pk"),
    "-valid_from": ("-valid_from", "-pk"),
    "valid_until": ("valid_until", "pk"),
    "-valid_until": ("-valid_until", "-pk"),
}
DEFAULT_SORT = "-valid_from"


class CertificateFilterForm(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("Name or number"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    batch = forms.ModelChoiceField(label=gettext_lazy("Batch"), queryset=Batch.objects.none(), required=False)
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False)
    grade = forms.ModelChoiceField(label=gettext_lazy("Grade"), queryset=Grade.objects.none(), required=False)
    sort = forms.ChoiceField(required=False, choices=[(key, key) for key in SORTS], widget=forms.HiddenInput)

    def __init__(self, *args: Any, batches: QuerySet[Batch], grades: QuerySet[Grade], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        batch_field = self.fields["batch"]
        grade_field = self.fields["grade"]
        status_field = self.fields["status"]
        assert isinstance(batch_field, forms.ModelChoiceField)
        assert isinstance(grade_field, forms.ModelChoiceField)
        assert isinstance(status_field, forms.ChoiceField)
        batch_field.queryset = batches
        batch_field.label_from_instance = _display_name  # type: ignore[method-assign]
        batch_field.empty_label = _("All batches")
        grade_field.queryset = grades
        grade_field.label_from_instance = _display_name  # type: ignore[method-assign]
        grade_field.empty_label = _("All grades")
        status_field.choices = [("", _("All statuses")), *CertificateStatus.choices]
