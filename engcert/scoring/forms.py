"""The declaration, the score sheet and the agreed assessment as forms.

The sheet forms check only that what was sent is one of the choices offered; whether the sheet
is complete is the domain's rule (`Incomplete`), shown beside each field by `add_problems`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from engcert.frameworks.models import CompetencyArea, Grade, ScaleLevel
from engcert.scoring.domain.assessment import AgreedValues
from engcert.scoring.domain.errors import Problem
from engcert.scoring.domain.sheets import MIN_JUSTIFICATION_CHARS, AreaEntry, SheetValues
from engcert.scoring.enums import Recommendation

MAX_TEXT = 5000


class DeclarationForm(forms.Form):
    NO_CONFLICT = "none"
    CONFLICT = "conflict"

    declaration = forms.ChoiceField(
        label=_("Your declaration"),
        widget=forms.RadioSelect,
        choices=[
            (NO_CONFLICT, _("I have no conflict of interest with this candidate")),
            (CONFLICT, _("I have a conflict of interest with this candidate")),
        ],
        error_messages={"required": _("Choose one of the two declarations.")},
    )
    note = forms.CharField(
        label=_("What is the conflict?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "For a conflict only: e.g. a relative, a former colleague, a student, or someone you "
            "supervise. Staff read this to find another examiner."
        ),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("declaration") == self.CONFLICT and not (data.get("note") or "").strip():
            self.add_error("note", _("Please say briefly what the conflict is."))
        return data

    @property
    def conflict(self) -> bool:
        return bool(self.cleaned_data.get("declaration") == self.CONFLICT)


@dataclass(frozen=True)
class AreaRow:
    area: CompetencyArea
    level: forms.BoundField
    justification: forms.BoundField

    @property
    def has_errors(self) -> bool:
        return bool(self.level.errors or self.justification.errors)


class AreaLevelsForm(forms.Form):
    """A level on the framework's scale and a justification for each scored area, then an
    overall recommendation."""

    text_field = "comment"

    recommendation = forms.ChoiceField(
        label=_("Overall recommendation"), required=False, widget=forms.RadioSelect
    )
    lower_grade = forms.TypedChoiceField(
        label=_("Which lower grade"), required=False, coerce=int, empty_value=None
    )

    def __init__(
        self,
        *args: Any,
        areas: Sequence[CompetencyArea],
        scale: Sequence[ScaleLevel],
        grade_applied: Grade | None,
        lower_grades: Sequence[Grade],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.areas = list(areas)
        self.scale = {level.pk: level for level in scale}
        self.lower = {grade.pk: grade for grade in lower_grades}
        level_choices = [(level.pk, f"{level.value} · {level.display_name}") for level in scale]
        for area in self.areas:
            self.fields[f"level_{area.number}"] = forms.TypedChoiceField(
                label=_("Level"),
                choices=level_choices,
                required=False,
                coerce=int,
                empty_value=None,
                widget=forms.RadioSelect,
            )
            self.fields[f"justification_{area.number}"] = forms.CharField(
                label=_("Justification"),
                required=False,
                max_length=MAX_TEXT,
                strip=False,
                widget=forms.Textarea(attrs={"rows": 4, "data-charcount": str(MIN_JUSTIFICATION_CHARS)}),
                help_text=_(
                    "What in the file or the interview shows this level (at least %(min)d characters)."
                )
                % {"min": MIN_JUSTIFICATION_CHARS},
            )
        applied = grade_applied.display_name if grade_applied else "—"
        recommendation = self.fields["recommendation"]
        assert isinstance(recommendation, forms.ChoiceField)
        recommendation.choices = [
            (Recommendation.GRADE_APPLIED, _("The grade applied for: %(grade)s") % {"grade": applied}),
            (Recommendation.LOWER_GRADE, Recommendation.LOWER_GRADE.label),
            (Recommendation.NOT_YET, _("Not yet: does not qualify for a grade now")),
        ]
        lower = self.fields["lower_grade"]
        assert isinstance(lower, forms.ChoiceField)
        lower.choices = [("", "—")] + [(grade.pk, grade.display_name) for grade in lower_grades]

    def area_rows(self) -> list[AreaRow]:
        return [
            AreaRow(
                area=area,
                level=self[f"level_{area.number}"],
                justification=self[f"justification_{area.number}"],
            )
            for area in self.areas
        ]

    def _area_entries(self) -> dict[int, AreaEntry]:
        data = self.cleaned_data
        return {
            area.number: AreaEntry(
                level=self.scale.get(data.get(f"level_{area.number}") or 0),
                justification=data.get(f"justification_{area.number}") or "",
            )
            for area in self.areas
        }

    def _lower_grade(self) -> Grade | None:
        return self.lower.get(self.cleaned_data.get("lower_grade") or 0)

    def add_problems(self, problems: Sequence[Problem]) -> None:
        for problem in problems:
            name = f"{problem.field}_{problem.area}" if problem.area is not None else problem.field
            if name not in self.fields:
                name = self.text_field if problem.field == "summary" else "recommendation"
            self.add_error(name, problem.message)


class ScoreSheetForm(AreaLevelsForm):
    comment = forms.CharField(
        label=_("Comment for the panel"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Anything the other members and the committee should know (optional)."),
    )

    def values(self) -> SheetValues:
        return SheetValues(
            areas=self._area_entries(),
            recommendation=self.cleaned_data.get("recommendation") or "",
            lower_grade=self._lower_grade(),
            comment=self.cleaned_data.get("comment") or "",
        )


class AgreementForm(AreaLevelsForm):
    text_field = "summary"

    summary = forms.CharField(
        label=_("Summary of the panel's assessment"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What the panel agreed and why, for the committee."),
    )

    def values(self) -> AgreedValues:
        return AgreedValues(
            areas=self._area_entries(),
            recommendation=self.cleaned_data.get("recommendation") or "",
            lower_grade=self._lower_grade(),
            summary=self.cleaned_data.get("summary") or "",
        )
