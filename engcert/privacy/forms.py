from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class DeletionAskForm(forms.Form):
    note = forms.CharField(
        label=_("Anything the society should know (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    confirm = forms.BooleanField(
        label=_(
            "I understand that my account will be closed and my data erased, except records the law requires the society to keep."
        ),
        required=True,
        error_messages={"required": _("Tick the box to confirm that you want your data erased.")},
    )


class DeletionRefuseForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason, sent to the person"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say why the request is refused.")},
    )
