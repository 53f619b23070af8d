"""The committee's forms: policy, meeting, attendance, agenda, recusal, vote and decision.

Forms check what was sent is well formed; the rules of the deliberation are the domain's and
come back as `CommitteeError`, which the views put beside the field it names.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from engcert.accounts.models import User
from engcert.applications.models import Application
from engcert.batches.models import Batch
from engcert.committee.domain import CommitteeError, MeetingValues
from engcert.committee.enums import VoteChoice
from engcert.committee.models import CommitteePolicy, Meeting
from engcert.frameworks.models import Grade

MAX_TEXT = 5000


class PersonChoiceField(forms.ModelChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        return obj.full_name or obj.email


class PeopleChoiceField(forms.ModelMultipleChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        return obj.full_name or obj.email


class CommitteeErrorMixin:
    def add_committee_error(self, error: CommitteeError) -> None:
        field = error.field if error.field in self.fields else None  # type: ignore[attr-defined]
        self.add_error(field, str(error))  # type: ignore[attr-defined]


class PolicyForm(forms.ModelForm[CommitteePolicy]):
    class Meta:
        model = CommitteePolicy
        fields = [
            "quorum_numerator",
            "quorum_denominator",
            "majority_numerator",
            "majority_denominator",
            "majority_strict",
        ]


class MeetingForm(CommitteeErrorMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    batch = forms.ModelChoiceField(label=_("Batch"), queryset=Batch.objects.none())
    starts_at = forms.DateTimeField(
        label=_("Date and time"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    place = forms.CharField(label=_("Place"), max_length=200)
    members = PeopleChoiceField(
        label=_("Members"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Invite at least one committee member.")},
        help_text=_("People who hold the committee role at the society."),
    )
    chair = PersonChoiceField(label=_("Chair"), queryset=User.objects.none(), required=False)

    def __init__(self, *args: Any, batches: QuerySet[Batch], people: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["batch"].queryset = batches  # type: ignore[attr-defined]
        self.fields["members"].queryset = people  # type: ignore[attr-defined]
        self.fields["chair"].queryset = people  # type: ignore[attr-defined]
        self.fields["chair"].help_text = _("One of the members; the chair records the decisions with staff.")

    @staticmethod
    def initial_for(meeting: Meeting) -> dict[str, Any]:
        return {
            "title": meeting.title,
            "batch": meeting.batch_id,
            "starts_at": meeting.starts_at,
            "place": meeting.place,
            "members": [m.user_id for m in meeting.members.all()],
            "chair": meeting.chair_id,
        }

    def values(self) -> MeetingValues:
        data = self.cleaned_data
        return MeetingValues(
            title=data["title"],
            batch=data["batch"],
            starts_at=data["starts_at"],
            place=data["place"],
            members=list(data["members"]),
            chair=data.get("chair"),
        )


class AttendanceForm(CommitteeErrorMixin, forms.Form):
    present = PeopleChoiceField(
        label=_("Present"), queryset=User.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, people: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["present"].queryset = people  # type: ignore[attr-defined]


class CandidateChoiceField(forms.ModelMultipleChoiceField[Application]):
    def label_from_instance(self, obj: Application) -> str:
        return f"{obj.full_name} · {obj.number}"


class AgendaAddForm(CommitteeErrorMixin, forms.Form):
    candidates = CandidateChoiceField(
        label=_("Candidates"),
        queryset=Application.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Tick at least one candidate.")},
    )

    def __init__(self, *args: Any, candidates: QuerySet[Application], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["candidates"].queryset = candidates  # type: ignore[attr-defined]


class RecusalForm(CommitteeErrorMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason for your recusal"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("E.g. a relative, a colleague at the same unit, or someone you supervise."),
        error_messages={"required": _("Please give the reason for the recusal.")},
    )


class VoteForm(CommitteeErrorMixin, forms.Form):
    choice = forms.ChoiceField(
        label=_("Your vote"),
        choices=VoteChoice.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose approve, not approve or abstain.")},
    )


class DecisionForm(CommitteeErrorMixin, forms.Form):
    APPROVE = "approve"
    NOT_APPROVE = "not_approve"

    outcome = forms.ChoiceField(
        label=_("Decision"),
        choices=[(APPROVE, _("Approve")), (NOT_APPROVE, _("Not approve"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose approve or not approve.")},
    )
    grade = forms.TypedChoiceField(
        label=_("Grade approved"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("The grade applied for, or a lower one."),
    )
    rationale = forms.CharField(
        label=_("Rationale"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Write the committee's rationale.")},
    )
    departure_reason = forms.CharField(
        label=_("Reason for departing from the qualification criteria"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Needed when the committee approves a candidate whose assessment does not meet the "
            "criteria for the grade, or does not approve one whose assessment does."
        ),
    )

    def __init__(self, *args: Any, grades: Sequence[Grade], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.grades = {grade.pk: grade for grade in grades}
        field = self.fields["grade"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [(grade.pk, grade.display_name) for grade in grades]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("outcome") == self.APPROVE and data.get("grade") is None:
            self.add_error("grade", _("Choose the grade the committee approves."))
        return data

    @property
    def approve(self) -> bool:
        return bool(self.cleaned_data.get("outcome") == self.APPROVE)

    @property
    def chosen_grade(self) -> Grade | None:
        pk = self.cleaned_data.get("grade")
        return self.grades.get(pk) if pk is not None else None
