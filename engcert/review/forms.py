"""Forms of the initial review: the checklist, the decisions and the check of a title.

Each decision form carries the state the reviewer saw, so that a decision taken on a page that
someone else has overtaken is refused instead of applied to a file the reviewer did not see.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from engcert.applications.sections import SECTIONS
from engcert.review.domain import RevisionInput
from engcert.review.enums import TICKED_ITEMS, ChecklistItem

REASON_ROWS = 3


class DecisionForm(forms.Form):
    expected_state = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The checklist, the return and the rejection share one page: each hidden field its own id.
        self.fields["expected_state"].widget.attrs["id"] = f"id_expected_state_{type(self).__name__.lower()}"


class ChecklistForm(DecisionForm):
    documents_complete = forms.BooleanField(label=ChecklistItem.DOCUMENTS_COMPLETE.label, required=False)
    documents_legible = forms.BooleanField(label=ChecklistItem.DOCUMENTS_LEGIBLE.label, required=False)
    eligibility_confirmed = forms.BooleanField(label=ChecklistItem.ELIGIBILITY.label, required=False)
    unit_endorsement_received = forms.BooleanField(label=ChecklistItem.UNIT_ENDORSEMENT.label, required=False)
    notes = forms.CharField(
        label=_("Notes for the review team"),
        help_text=_("Seen by the society's staff only, never by the applicant."),
        required=False,
        max_length=settings.ENGCERT_MAX_TEXT_CHARS,
        widget=forms.Textarea(attrs={"rows": REASON_ROWS}),
    )

    def __init__(self, *args: Any, endorsement_applies: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["documents_complete"].help_text = _(
            "Every document the call asks for is attached: degree certificate, identity document, evidence of titles."
        )
        self.fields["documents_legible"].help_text = _("Each attachment opens and can be read.")
        self.fields["eligibility_confirmed"].help_text = _(
            "You have compared the figures above with the grade's minimums and read the explanation if any."
        )
        self.fields["unit_endorsement_received"].help_text = _(
            "The nominating unit has endorsed this applicant (roster or letter)."
        )
        if not endorsement_applies:
            del self.fields["unit_endorsement_received"]

    def ticked(self) -> dict[str, bool]:
        return {
            item.value: self.cleaned_data[item.value] for item in TICKED_ITEMS if item.value in self.fields
        }


class ReturnForm(DecisionForm):
    """One box and one reason per section of the form; each ticked section needs its reason."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for section in SECTIONS:
            self.fields[f"return_{section.key}"] = forms.BooleanField(
                label=str(section.title), required=False
            )
            self.fields[f"reason_{section.key}"] = forms.CharField(
                label=_("What needs to change in “%(section)s”") % {"section": section.title},
                required=False,
                max_length=4000,
                widget=forms.Textarea(attrs={"rows": REASON_ROWS}),
            )

    def rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"return_{s.key}"], self[f"reason_{s.key}"]) for s in SECTIONS]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        picked = 0
        for section in SECTIONS:
            ticked = cleaned.get(f"return_{section.key}")
            reason = (cleaned.get(f"reason_{section.key}") or "").strip()
            if ticked and not reason:
                self.add_error(f"reason_{section.key}", _("Say what the applicant should change here."))
            elif reason and not ticked:
                self.add_error(
                    f"return_{section.key}", _("Tick this section to return it, or clear the reason below.")
                )
            picked += 1 if ticked else 0
        if not picked:
            raise forms.ValidationError(
                _("Choose at least one section to return, with what needs to change.")
            )
        return cleaned

    def items(self) -> list[RevisionInput]:
        return [
            RevisionInput(section.key, self.cleaned_data[f"reason_{section.key}"])
            for section in SECTIONS
            if self.cleaned_data.get(f"return_{section.key}")
        ]


class RejectForm(DecisionForm):
    reason = forms.CharField(
        label=_("Reason for rejecting"),
        help_text=_("The applicant reads this in the email and on their page."),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": REASON_ROWS}),
    )


class TitleVerificationForm(forms.Form):
    VERIFIED = "verified"
    NOT_VERIFIED = "not_verified"

    outcome = forms.ChoiceField(
        label=_("Result"),
        choices=[(VERIFIED, _("Verified")), (NOT_VERIFIED, _("Not verified"))],
        widget=forms.RadioSelect,
    )
    evidence_opened = forms.BooleanField(
        label=_("I opened the evidence and it matches the title, number, holder and expiry"),
        required=False,
    )
    note = forms.CharField(
        label=_("Note"),
        help_text=_("Required when the title is not verified: the applicant is shown it."),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, expired: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if expired:
            # An expired title cannot be verified: the only result left to record is "not verified".
            outcome = self.fields["outcome"]
            assert isinstance(outcome, forms.ChoiceField)
            outcome.choices = [(self.NOT_VERIFIED, _("Not verified"))]
            outcome.initial = self.NOT_VERIFIED
            del self.fields["evidence_opened"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        outcome = cleaned.get("outcome")
        if outcome == self.VERIFIED and not cleaned.get("evidence_opened"):
            self.add_error("evidence_opened", _("Open the evidence before you verify the title."))
        if outcome == self.NOT_VERIFIED and not (cleaned.get("note") or "").strip():
            self.add_error("note", _("Say why the title could not be verified."))
        return cleaned

    @property
    def verified(self) -> bool:
        return bool(self.cleaned_data["outcome"] == self.VERIFIED)
