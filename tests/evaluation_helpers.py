"""Candidates brought to the later stages of the evaluation by the real functions, for the
committee, notice and alliance tests: each stage's tests start from the state the stage
before it leaves behind."""

from __future__ import annotations

from engcert.accounts.models import User
from engcert.applications.domain.transition import application_transition
from engcert.applications.enums import ApplicationState as S
from engcert.applications.models import Application
from engcert.scoring.domain.assessment import AgreedValues, panel_assessment_record
from engcert.scoring.domain.sheets import AreaEntry
from engcert.scoring.enums import Recommendation
from tests.conftest import World
from tests.scoring.conftest import (
    JUSTIFICATION,
    candidate_scheduled,
    declare_and_submit,
    examiner_of,
    examiner_user,
    levels,
    panel_build,
)


def candidate_interviewed(
    world: World, *, index: int, applicant: User | None = None, meets: bool = True
) -> Application:
    """A candidate whose panel of two has scored and recorded its agreed assessment.

    ``meets`` decides whether the agreed assessment meets the qualification criteria: when
    false, one area is agreed at "partly shown"."""
    application = candidate_scheduled(world, index=index, applicant=applicant)
    second = User.objects.filter(email="examiner2@example.com").first() or examiner_user(
        "examiner2@example.com", "第二考官", world.society
    )
    setup = panel_build(
        application=application,
        examiners=[examiner_of(world.examiner, world.society), examiner_of(second, world.society)],
    )
    for seat in setup.seats:
        declare_and_submit(seat, level=3)
    scale = levels(application)
    areas = list(application.framework_version.areas.all())
    panel_assessment_record(
        application=application,
        by=world.examiner,
        values=AgreedValues(
            areas={
                area.number: AreaEntry(
                    level=scale[1 if (not meets and position == 0) else 3], justification=JUSTIFICATION
                )
                for position, area in enumerate(areas)
            },
            recommendation=Recommendation.GRADE_APPLIED,
            summary="考官组认为申请人在工程实践中承担了关键技术工作，答辩清楚。",
        ),
    )
    application.refresh_from_db()
    return application


# The happy path after the interview, with who takes each step; tests of one stage use it to
# reach the state their stage starts from without depending on the pages of the stage before.
HAPPY_PATH: list[tuple[S, str, str]] = [
    (S.DELIBERATION, "staff", ""),
    (S.APPROVED, "committee", "委员会审议通过，建议按申请级别注册。"),
    (S.PUBLIC_NOTICE, "staff", ""),
    (S.NOTICE_PASSED, "staff", ""),
    (S.WITH_ALLIANCE, "staff", ""),
    (S.REGISTERED, "reviewer", ""),
]


def advance(world: World, application: Application, *, to: S) -> Application:
    """Move an interviewed candidate along the happy path up to ``to`` by plain transitions."""
    for state, who, reason in HAPPY_PATH:
        application_transition(application=application, to_state=state, by=getattr(world, who), reason=reason)
        if state == to:
            break
    else:
        raise ValueError(f"{to} is not on the happy path after the interview")
    application.refresh_from_db()
    return application
