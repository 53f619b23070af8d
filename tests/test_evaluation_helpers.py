"""The shared builders of the later stages reach the states they promise."""

from __future__ import annotations

from engcert.applications.enums import ApplicationState as S
from tests.conftest import World
from tests.evaluation_helpers import advance, candidate_interviewed


def test_builders_bring_a_candidate_from_interview_to_registration(world: World) -> None:
    meets = candidate_interviewed(world, index=1)
    short = candidate_interviewed(world, index=2, meets=False)
    assert (meets.state, meets.panel_assessment.meets_criteria) == (S.INTERVIEWED, True)
    assert (short.state, short.panel_assessment.meets_criteria) == (S.INTERVIEWED, False)
    assert advance(world, meets, to=S.REGISTERED).state == S.REGISTERED
