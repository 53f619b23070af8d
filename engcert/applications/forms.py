"""Forms of the application: each validates format while drafting; completeness is checked on submit."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from engcert.applications.enums import AttachmentKind
from engcert.uploads.forms import DocumentField


class EligibilityExplanationForm(forms.Form):
    eligibility_explanation = forms.CharField(
        label=_("Why you apply for this grade"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=settings.ENGCERT_MAX_TEXT_CHARS,
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for withdrawing"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


class AttachmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of document"), choices=AttachmentKind.choices)
    file = DocumentField(label=_("File"), help_text=_("PDF, JPEG or PNG."))
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
