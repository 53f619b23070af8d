from engcert.applications.enums import ApplicationState as S
from tests.evaluation_helpers import advance, candidate_interviewed

def test_helpers_reach_registered(world):
    a = candidate_interviewed(world, index=1)
    assert a.state == S.INTERVIEWED and a.panel_assessment.meets_criteria
    b = candidate_interviewed(world, index=2, meets=False)
    assert not b.panel_assessment.meets_criteria
    assert advance(world, a, to=S.REGISTERED).state == S.REGISTERED
