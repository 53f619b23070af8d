"""The work queue's filter form (GET) and the bulk-action form (POST)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from engcert.applications.enums import ApplicationState, AssessmentPath
from engcert.batches.models import Batch
from engcert.frameworks.models import Grade
from engcert.organisations.enums import OrganisationKind
from engcert.organisations.models import Discipline, Organisation
from engcert.review.selectors_queue import (
    DEFAULT_SORT,
    SORTS,
    QueueFilters,
    QueueFlag,
    QueueStage,
    discipline_with_children,
)

SORT_LABELS = {
    "number": _("Application number"),
    "name": _("Name"),
    "submitted": _("Submitted"),
    "changed": _("Status changed"),
    "grade": _("Grade"),
    "unit": _("Nominating unit"),
}


TIME_SORTS = ("submitted", "changed")


def _sort_choices() -> list[tuple[str, Any]]:
    choices: list[tuple[str, Any]] = []
    for key in SORTS:
        column = {"column": SORT_LABELS[key]}
        if key in TIME_SORTS:
            choices.append((key, _("%(column)s, oldest first") % column))
            choices.append((f"-{key}", _("%(column)s, newest first") % column))
        else:
            choices.append((key, _("%(column)s, ascending") % column))
            choices.append((f"-{key}", _("%(column)s, descending") % column))
    return choices


class QueueFilterForm(forms.Form):
    """Built from lists the view has already loaded, so validating it costs no query."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("Name, application number or ID number"),
                "autocomplete": "off",
            }
        ),
    )
    stage = forms.ChoiceField(label=_("Stage"), choices=QueueStage.choices, required=False)
    grade = forms.TypedChoiceField(label=_("Grade"), coerce=int, required=False, empty_value=None)
    discipline = forms.TypedChoiceField(
        label=_("Professional field"), coerce=int, required=False, empty_value=None
    )
    unit = forms.TypedChoiceField(label=_("Nominating unit"), coerce=int, required=False, empty_value=None)
    path = forms.ChoiceField(
        label=_("Assessment path"),
        choices=[("", _("Any path")), *AssessmentPath.choices],
        required=False,
    )
    flag = forms.MultipleChoiceField(
        label=_("Flags"),
        choices=QueueFlag.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    sort = forms.ChoiceField(label=_("Sort by"), choices=_sort_choices, required=False)

    def __init__(
        self,
        data: QueryDict | None,
        *,
        grades: Sequence[Grade],
        disciplines: Sequence[Discipline],
        units: Sequence[Organisation],
    ) -> None:
        if data is not None and not data.get("sort"):
            # Shown as chosen in the list, rather than whichever order happens to come first.
            data = data.copy()
            data["sort"] = DEFAULT_SORT
        super().__init__(data)
        self.disciplines = list(disciplines)
        self.grade_order = tuple(g.pk for g in grades)
        self.unit_order = tuple(u.pk for u in sorted(units, key=lambda u: (u.display_name, u.pk)))
        self.fields["grade"].choices = [("", _("All grades")), *((g.pk, g.display_name) for g in grades)]  # type: ignore[attr-defined]
        self.fields["discipline"].choices = [  # type: ignore[attr-defined]
            ("", _("All fields")),
            *((d.pk, f"— {d.display_name}" if d.parent_id else d.display_name) for d in self.disciplines),
        ]
        self.fields["unit"].choices = [("", _("All units")), *((u.pk, u.display_name) for u in units)]  # type: ignore[attr-defined]

    SELECTS = ("grade", "discipline", "unit", "path", "sort")

    def options(self) -> dict[str, list[tuple[str, str, bool]]]:
        """The drop-down lists' options as (value, label, chosen), for the template to print
        directly: Django's option-by-option widget templates cost more than the rest of the page."""
        lists: dict[str, list[tuple[str, str, bool]]] = {}
        for name in self.SELECTS:
            chosen = str(self[name].value() or "")
            lists[name] = [
                (str(value), str(label), str(value) == chosen)
                for value, label in self.fields[name].choices  # type: ignore[attr-defined]
            ]
        return lists

    def filters(self) -> QueueFilters:
        """The filters that validated; a value that did not is left out (and shown as an error)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        discipline = data.get("discipline")
        return QueueFilters(
            stage=QueueStage(data.get("stage") or QueueStage.ALL),
            grade_id=data.get("grade"),
            discipline_ids=discipline_with_children(self.disciplines, discipline)
            if discipline
            else frozenset(),
            unit_id=data.get("unit"),
            path=data.get("path") or "",
            flags=frozenset(data.get("flag") or ()),
            search=data.get("q") or "",
            sort=data.get("sort") or DEFAULT_SORT,
            unit_order=self.unit_order,
            grade_order=self.grade_order,
        )


def queue_filter_form(*, society: Organisation, batch: Batch, query: QueryDict) -> QueueFilterForm:
    """The filter form of a batch's queue read from `query` (the page and its background export)."""
    return QueueFilterForm(
        query,
        grades=list(batch.grades.all()),
        disciplines=list(Discipline.objects.filter(society=society).order_by("position", "code")),
        units=list(
            Organisation.objects.filter(kind=OrganisationKind.UNIT, society=society).order_by("name", "pk")
        ),
    )


class BulkAction(forms.Form):
    """What to do with which rows. Each selected row carries the state it had on the page, so
    a decision is refused for a file someone else moved since (see application_transition)."""

    EXPORT = "export"
    EXPORT_ALL = "export_all"
    INITIAL_REVIEW = "pass"
    COMMITTEE = "committee"

    action = forms.ChoiceField(
        choices=[
            (EXPORT, _("Export the selected")),
            (EXPORT_ALL, _("Export all filtered")),
            (INITIAL_REVIEW, _("Pass initial review")),
            (COMMITTEE, _("Send to the committee")),
        ]
    )
    selected = forms.MultipleChoiceField(required=False, choices=())
    filters = forms.CharField(required=False, max_length=2000)

    def __init__(self, data: QueryDict | None) -> None:
        super().__init__(data)
        # Any value may be posted; each is parsed (and reported when it makes no sense) below.
        self.fields["selected"].choices = [(v, v) for v in (data.getlist("selected") if data else [])]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") in (self.EXPORT, self.INITIAL_REVIEW, self.COMMITTEE) and not data.get(
            "selected"
        ):
            raise forms.ValidationError(_("Select at least one application first."))
        return data

    def picks(self) -> list[tuple[str, UUID | None, ApplicationState | None]]:
        """(raw value, uid, the state shown on the page) per selected row; None where unreadable."""
        picks: list[tuple[str, UUID | None, ApplicationState | None]] = []
        for raw in self.cleaned_data.get("selected", []):
            uid_text, _sep, state_text = raw.partition(":")
            try:
                uid: UUID | None = UUID(uid_text)
            except ValueError:
                uid = None
            state = ApplicationState(state_text) if state_text in ApplicationState.values else None
            picks.append((raw, uid, state))
        return picks
