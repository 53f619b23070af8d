"""What the scoring functions refuse, in words for the person who asked."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import ngettext


class ScoringError(Exception):
    """A request the rules do not allow; the message is for the person who made it."""


@dataclass(frozen=True)
class Problem:
    """One thing missing from a sheet or an agreed assessment.

    `field` is "level" or "justification" for an area (then `area` is its number), else
    "recommendation", "lower_grade" or "summary".
    """

    field: str
    message: str
    area: int | None = None


class Incomplete(ScoringError):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(
            ngettext(
                "Please complete the item marked below.",
                "Please complete the %(count)d items marked below.",
                len(problems),
            )
            % {"count": len(problems)}
        )
        self.problems = problems
