"""The qualification criteria (合格准则) read against the panel's agreed assessment, as data."""

from __future__ import annotations

import pytest

from engcert.applications.enums import AssessmentPath
from engcert.examiners.models import EvaluationPolicy
from engcert.frameworks.models import ScaleLevel
from engcert.scoring.domain.assessment import AgreedValues, assessment_meets_criteria, panel_assessment_record
from engcert.scoring.domain.declarations import seat_declare
from engcert.scoring.domain.sheets import AreaEntry, SheetValues, score_sheet_submit
from engcert.scoring.enums import Recommendation
from tests.scoring.conftest import JUSTIFICATION, declare_and_submit, levels


def _record(world, setup, *, by_area: dict[int, int], recommendation=Recommendation.GRADE_APPLIED):
    for seat in setup.seats:
        declare_and_submit(seat, level=2)
    scale = levels(setup.application)
    numbers = sorted(by_area)
    return panel_assessment_record(
        application=setup.application,
        by=world.examiner,
        values=AgreedValues(
            areas={n: AreaEntry(level=scale[by_area[n]], justification=JUSTIFICATION) for n in numbers},
            recommendation=recommendation,
            summary="专家组意见。",
        ),
    )


EVERY_AREA_SHOWN = {1: 2, 2: 3, 3: 2, 4: 2, 5: 3}


def test_every_area_shown_and_the_grade_recommended_meets_the_criteria(world, setup):
    assessment = _record(world, setup, by_area=EVERY_AREA_SHOWN)
    assert (assessment_meets_criteria(assessment=assessment), assessment.meets_criteria) == (True, True)


@pytest.mark.parametrize("weak_area", [1, 2, 3, 4, 5])
def test_one_area_only_partly_shown_fails_the_criteria(world, setup, weak_area):
    assessment = _record(world, setup, by_area={**EVERY_AREA_SHOWN, weak_area: 1})
    assert (assessment_meets_criteria(assessment=assessment), assessment.meets_criteria) == (False, False)


def test_not_recommending_the_grade_fails_the_criteria_even_with_every_area_shown(world, setup):
    assessment = _record(world, setup, by_area=EVERY_AREA_SHOWN, recommendation=Recommendation.NOT_YET)
    assert assessment_meets_criteria(assessment=assessment) is False


def test_the_criteria_follow_the_scale_as_data(world, setup):
    assessment = _record(world, setup, by_area={**EVERY_AREA_SHOWN, 3: 1})
    assert assessment_meets_criteria(assessment=assessment) is False
    # A society whose scale counts "partly shown" as meeting the requirement reads it differently.
    ScaleLevel.objects.filter(framework_version=setup.application.framework_version, value=1).update(
        meets_requirement=True
    )
    assert assessment_meets_criteria(assessment=assessment) is True


def test_on_the_simplified_path_only_the_scored_areas_count(world, setup):
    application = setup.application
    application.assessment_path = AssessmentPath.SIMPLIFIED
    application.save(update_fields=["assessment_path"])
    EvaluationPolicy.objects.create(society=world.society, simplified_scored_areas=[1, 5])
    for seat in setup.seats:
        seat_declare(seat=seat, by=seat.examiner.user, conflict=False)
        seat.refresh_from_db()
        scale = levels(application)
        score_sheet_submit(
            seat=seat,
            by=seat.examiner.user,
            values=SheetValues(
                areas={n: AreaEntry(level=scale[2], justification=JUSTIFICATION) for n in (1, 5)},
                recommendation=Recommendation.GRADE_APPLIED,
            ),
        )
    scale = levels(application)
    assessment = panel_assessment_record(
        application=application,
        by=world.staff,
        values=AgreedValues(
            areas={
                1: AreaEntry(level=scale[3], justification=JUSTIFICATION),
                5: AreaEntry(level=scale[2], justification=JUSTIFICATION),
            },
            recommendation=Recommendation.GRADE_APPLIED,
            summary="简化考核：两项能力均已体现。",
        ),
    )
    assert [s.area.number for s in assessment.area_scores.all()] == [1, 5]
    assert assessment.meets_criteria is True
