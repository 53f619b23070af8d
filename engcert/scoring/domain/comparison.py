"""The members' submitted sheets side by side, area by area."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from engcert.examiners.models import PanelSeat
from engcert.frameworks.models import CompetencyArea
from engcert.scoring.models import AreaScore, ScoreSheet
from engcert.scoring.selectors import seat_sheet

# Levels further apart than this are shown as a disagreement the panel should talk through.
NOTABLE_SPREAD = 1


@dataclass(frozen=True)
class ComparedArea:
    area: CompetencyArea
    seats: list[PanelSeat]
    scores: list[AreaScore | None]  # one per sheet, in the order of the seats

    @property
    def cells(self) -> list[tuple[PanelSeat, AreaScore | None]]:
        return list(zip(self.seats, self.scores, strict=True))

    @property
    def values(self) -> list[int]:
        return [score.level.value for score in self.scores if score is not None and score.level is not None]

    @property
    def spread(self) -> int:
        values = self.values
        return max(values) - min(values) if values else 0

    @property
    def differs(self) -> bool:
        return self.spread > NOTABLE_SPREAD

    @property
    def agreed(self) -> bool:
        """Every sheet gives this area the same level."""
        values = self.values
        return bool(values) and len(values) == len(self.scores) and len(set(values)) == 1


@dataclass(frozen=True)
class Comparison:
    seats: list[PanelSeat]
    sheets: list[ScoreSheet]
    areas: list[ComparedArea]

    @property
    def overall(self) -> list[tuple[PanelSeat, ScoreSheet]]:
        return list(zip(self.seats, self.sheets, strict=True))

    @property
    def recommendations_agree(self) -> bool:
        pairs = {(sheet.recommendation, sheet.recommended_grade_id) for sheet in self.sheets}
        return len(self.sheets) > 0 and len(pairs) == 1


def submitted_sheets_compare(*, seats: Sequence[PanelSeat], areas: Sequence[CompetencyArea]) -> Comparison:
    """Only submitted sheets of the given seats (with sheets and their area scores prefetched)."""
    shown: list[PanelSeat] = []
    sheets: list[ScoreSheet] = []
    for seat in seats:
        sheet = seat_sheet(seat)
        if sheet is not None and sheet.submitted_at is not None:
            shown.append(seat)
            sheets.append(sheet)
    by_sheet = [{score.area_id: score for score in sheet.area_scores.all()} for sheet in sheets]
    compared = [
        ComparedArea(area=area, seats=shown, scores=[scores.get(area.pk) for scores in by_sheet])
        for area in areas
    ]
    return Comparison(seats=shown, sheets=sheets, areas=compared)
