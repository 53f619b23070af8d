"""Shared steps of the unit tests: engineers' applications submitted naming a unit."""

from __future__ import annotations

from engcert.applications.domain.application import application_submit
from engcert.applications.models import Application
from engcert.demo import builders
from engcert.organisations.models import Organisation
from tests.conftest import PASSWORD, World


def engineer_application(world: World, *, index: int, unit: Organisation, submit: bool = True) -> Application:
    """An engineer's application naming the unit, submitted unless asked otherwise."""
    person = builders.person_for(index, employer=unit.name)
    applicant = builders.user_create(
        email=f"engineer{index}@example.com", password=PASSWORD, full_name=person.full_name
    )
    application = builders.application_complete_draft(
        batch=world.batch, applicant=applicant, person=person, unit=unit, index=index
    )
    if submit:
        application = application_submit(application=application, by=applicant)
    return application
