"""The appeal form, the panel assignment, a panel member's view, the outcome and the policy."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from engcert.appeals.domain import MAX_EVIDENCE_FILES, STATEMENT_MAX_CHARS, PoolEntry
from engcert.appeals.enums import SendBackStage, View
from engcert.appeals.models import AppealPolicy


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class AppealForm(forms.Form):
    statement = forms.CharField(
        label=_("Why the decision should be looked at again"),
        widget=forms.Textarea(attrs={"rows": 10}),
        max_length=STATEMENT_MAX_CHARS,
        help_text=_(
            "Say what you think is wrong with the decision and why; point to facts the decision "
            "missed or misread. The panel reads exactly what you write here."
        ),
        error_messages={
            "required": _(
                "Please explain why you think the decision is wrong; an appeal without a statement cannot be considered."
            )
        },
    )
    evidence = MultipleFileField(
        label=_("Evidence (optional)"),
        required=False,
        help_text=_("Up to %(count)d files, PDF, JPEG or PNG.") % {"count": MAX_EVIDENCE_FILES},
    )


class PanelForm(forms.Form):
    """The choice of the panel: every person of the pool is listed; the excluded cannot be chosen."""

    members = forms.MultipleChoiceField(
        label=_("Panel members"), widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args: Any, pool: list[PoolEntry], size: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pool = {str(entry.user.pk): entry for entry in pool}
        self.size = size
        members: Any = self.fields["members"]
        members.choices = [(key, str(entry.user)) for key, entry in self.pool.items()]

    def clean_members(self) -> list[str]:
        chosen: list[str] = self.cleaned_data["members"]
        refused = [self.pool[key] for key in chosen if self.pool[key].excluded]
        if refused:
            raise forms.ValidationError(
                [
                    _("%(name)s cannot sit on this panel: %(reasons)s.")
                    % {"name": entry.user.full_name or entry.user.email, "reasons": "; ".join(entry.excluded)}
                    for entry in refused
                ]
            )
        if len(chosen) != self.size:
            raise forms.ValidationError(
                _("The panel needs exactly %(size)d people; %(count)d chosen.")
                % {"size": self.size, "count": len(chosen)}
            )
        return chosen


class ViewForm(forms.Form):
    view = forms.ChoiceField(label=_("Your view"), choices=View.choices, widget=forms.RadioSelect)
    send_back_to = forms.ChoiceField(
        label=_("If sent back, to which stage"), required=False, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("Your reasons"),
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Please give the reasons for your view.")},
    )

    def __init__(self, *args: Any, stages: tuple[SendBackStage, ...], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        send_back_to: Any = self.fields["send_back_to"]
        send_back_to.choices = [(stage.value, stage.label) for stage in stages]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("view") == View.SEND_BACK and not data.get("send_back_to"):
            self.add_error("send_back_to", _("Please name the stage the application should go back to."))
        return data


class OutcomeForm(ViewForm):
    """Staff record the outcome: the same choices as a view, and the reasons the candidate reads."""

    def __init__(self, *args: Any, stages: tuple[SendBackStage, ...], **kwargs: Any) -> None:
        super().__init__(*args, stages=stages, **kwargs)
        self.fields["view"].label = _("Outcome")
        self.fields["send_back_to"].label = _("Stage the application goes back to")
        self.fields["comment"].label = _("Reasons the candidate will read")
        self.fields["comment"].error_messages["required"] = _(
            "Please give the reasons the candidate will read."
        )


class PolicyForm(forms.ModelForm[AppealPolicy]):
    class Meta:
        model = AppealPolicy
        fields = ["window_days", "panel_size"]
