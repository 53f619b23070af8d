"""Applications brought to the stages the dashboards count, by the real functions."""

from __future__ import annotations

from engcert.applications.domain.application import application_submit
from engcert.applications.domain.transition import application_transition
from engcert.applications.enums import ApplicationState as S
from engcert.applications.models import Application
from engcert.demo import builders
from engcert.organisations.models import Organisation
from tests.conftest import PASSWORD, World
from tests.evaluation_helpers import advance, candidate_interviewed


def submitted(world: World, *, index: int, unit: Organisation | None = None) -> Application:
    applicant = builders.user_create(
        email=f"submitted{index}@example.com", password=PASSWORD, full_name=f"申请人{index}"
    )
    application = builders.application_complete_draft(
        batch=world.batch,
        applicant=applicant,
        person=builders.Person(f"申请人{index}", True, builders.date(1984, 5, 1), world.unit.name),
        unit=unit or world.unit,
        index=index,
    )
    application_submit(application=application, by=applicant)
    return application


def rejected(world: World, *, index: int) -> Application:
    application = submitted(world, index=index)
    application_transition(
        application=application,
        to_state=S.REJECTED,
        by=world.staff,
        reason="工作年限不足，不符合申请级别要求。",
    )
    return application


def not_approved(world: World, *, index: int) -> Application:
    application = candidate_interviewed(world, index=index, meets=False)
    application_transition(application=application, to_state=S.DELIBERATION, by=world.staff)
    application_transition(
        application=application, to_state=S.NOT_APPROVED, by=world.committee, reason="能力要素一未达到要求。"
    )
    return application


def three_outcomes(world: World) -> list[Application]:
    """One registered, one not approved by the committee, one rejected at the initial review."""
    registered = advance(world, candidate_interviewed(world, index=1), to=S.REGISTERED)
    return [registered, not_approved(world, index=2), rejected(world, index=3)]
