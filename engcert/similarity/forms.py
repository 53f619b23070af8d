"""Staff's review of a flagged pair, and the society's threshold."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from engcert.similarity.enums import PairStatus


class PairReviewForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Your conclusion"),
        choices=[
            (PairStatus.NOT_A_CONCERN.value, PairStatus.NOT_A_CONCERN.label),
            (PairStatus.COPIED.value, PairStatus.COPIED.label),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what you concluded about this pair.")},
    )
    note = forms.CharField(
        label=_("Note"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": _("Say briefly why, for the record.")},
        help_text=_("Kept in the audit trail with your conclusion."),
    )


class ThresholdForm(forms.Form):
    threshold = forms.DecimalField(
        label=_("Threshold"),
        min_value=Decimal("0.20"),
        max_value=Decimal("0.95"),
        max_digits=3,
        decimal_places=2,
        help_text=_(
            "A pair is flagged when this share of the shorter text's four-character runs also appears "
            "in the other text (0.20 to 0.95; 0.50 by default). It applies to texts compared from now on."
        ),
    )
