from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from engcert.batches.models import Batch
from engcert.frameworks.models import Grade
from engcert.organisations.enums import OrganisationKind
from engcert.organisations.models import Discipline, Organisation


class BatchForm(forms.ModelForm[Batch]):
    class Meta:
        model = Batch
        fields = [
            "name",
            "name_en",
            "code",
            "framework_version",
            "opens_at",
            "closes_at",
            "roster_deadline",
            "grades",
            "disciplines",
            "open_to_all_units",
            "eligible_units",
            "requires_unit_endorsement",
            "offers_simplified_assessment",
            "call_text",
            "call_text_en",
        ]
        widgets = {
            "opens_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "closes_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "roster_deadline": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "grades": forms.CheckboxSelectMultiple,
            "disciplines": forms.SelectMultiple(attrs={"size": 10}),
            "eligible_units": forms.SelectMultiple(attrs={"size": 8}),
            "call_text": forms.Textarea(attrs={"rows": 10}),
            "call_text_en": forms.Textarea(attrs={"rows": 6}),
        }
        help_texts = {
            "code": _("Short code used in application numbers, e.g. 2026-b4."),
            "opens_at": _("Beijing time."),
            "closes_at": _("Beijing time. Submissions are accepted until this moment."),
        }

    def __init__(self, *args: Any, society: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.society = society
        # The scope as a tree: each first-level field followed by its own second-level fields.
        disciplines = (
            Discipline.objects.filter(society=society)
            .select_related("parent")
            .order_by(Coalesce("parent__position", "position"), F("parent").asc(nulls_first=True), "position")
        )
        self.fields["disciplines"].queryset = disciplines  # type: ignore[attr-defined]
        self.fields["disciplines"].label_from_instance = lambda d: d.path_name  # type: ignore[attr-defined]
        self.fields["eligible_units"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            kind=OrganisationKind.UNIT, society=society
        )
        # Only the blank form narrows the grades to one version. A submitted form accepts any
        # grade, so that a batch may use another version than the one shown first and clean()
        # can say precisely when grades and version do not match.
        version = None
        if not self.is_bound:
            version = self.initial.get("framework_version") or (
                self.instance.framework_version_id if self.instance.pk else None
            )
        grades = Grade.objects.select_related("framework_version__framework")
        self.fields["grades"].queryset = grades.filter(framework_version_id=version) if version else grades  # type: ignore[attr-defined]
        self.fields["grades"].label_from_instance = lambda g: f"{g.display_name} ({g.code})"  # type: ignore[attr-defined]
        for name in ("opens_at", "closes_at", "roster_deadline"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]  # type: ignore[attr-defined]

    def clean_code(self) -> str:
        code: str = self.cleaned_data["code"]
        clash = Batch.objects.filter(society=self.society, code=code).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("Another batch of this society already uses this code."))
        return code

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        version = data.get("framework_version")
        grades = data.get("grades")
        if version and grades and any(g.framework_version_id != version.pk for g in grades):
            self.add_error("grades", _("Choose grades of the selected framework version."))
        if not data.get("open_to_all_units") and not data.get("eligible_units"):
            self.add_error(
                "eligible_units", _("Choose the eligible units, or open the batch to all member units.")
            )
        return data
