"""Submitting reads each part of the application once, however many rows it has."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from engcert.applications.domain.application import ApplicationError, application_submit
from engcert.applications.enums import ApplicationState
from engcert.applications.models import Application, Project
from engcert.demo import builders


def _draft_with_projects(world, email: str, projects: int) -> Application:
    user = builders.user_create(email=email, password="x-long-password-1", full_name="陈静")
    application = builders.application_complete_draft(
        batch=world.batch,
        applicant=user,
        person=builders.Person("陈静", False, date(1984, 6, 2), world.unit.name),
        unit=world.unit,
    )
    template = application.projects.get()
    for number in range(projects - 1):
        extra = Project.objects.create(
            application=application,
            name=f"扩建工程{number}",
            start_date=template.start_date,
            role=template.role,
            scale=template.scale,
            responsibilities=template.responsibilities,
            results=template.results,
            referee_name="李建国",
            referee_position="总工程师",
            referee_organisation="国网某省电力公司",
            referee_email="referee@example.com",
            referee_phone="13900000000",
        )
        for statement in application.statements.all():
            statement.projects.add(extra)
    return application


def _queries_to_submit(world, application: Application) -> int:
    with CaptureQueriesContext(connection) as captured:
        submitted = application_submit(application=application, by=application.applicant)
    assert submitted.state == ApplicationState.SUBMITTED
    return len(captured.captured_queries)


def test_submitting_costs_the_same_queries_with_one_or_three_projects(world):
    one = _queries_to_submit(world, _draft_with_projects(world, "one@example.com", 1))
    three = _queries_to_submit(world, _draft_with_projects(world, "three@example.com", 3))
    assert one == three


def test_submitting_with_its_snapshot_stays_within_twenty_one_queries(world):
    assert _queries_to_submit(world, _draft_with_projects(world, "budget@example.com", 2)) <= 21


def test_a_submission_before_the_call_opens_says_when_it_opens(world, complete_draft):
    early = world.batch.opens_at - timedelta(seconds=1)
    with pytest.raises(ApplicationError) as error:
        application_submit(application=complete_draft, by=world.applicant, at=early)
    opens = timezone.localtime(world.batch.opens_at).strftime("%Y-%m-%d %H:%M")
    assert str(error.value) == f"The call opens at {opens}; submissions are accepted from then on."
