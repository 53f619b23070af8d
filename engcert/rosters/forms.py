from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from engcert.organisations.models import Organisation


class RosterUploadForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit that sent the roster"), queryset=Organisation.objects.none())
    file = forms.FileField(
        label=_("Roster file"),
        help_text=_(
            "An Excel workbook (.xlsx), or a CSV or Unicode text file as Excel and WPS save them, "
            "with the headers of 附件3."
        ),
    )
    only_valid = forms.BooleanField(
        label=_("Import the valid rows even if some rows have problems"),
        required=False,
    )

    def __init__(self, *args: Any, units: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
