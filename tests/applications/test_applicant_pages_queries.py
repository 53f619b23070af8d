"""The overview and the list cost the same number of queries however much an application holds."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from engcert.applications.domain.application import (
    application_create,
    application_pledge_sign,
    attachment_upload,
)
from engcert.applications.enums import AttachmentKind, Degree
from engcert.applications.models import Application, Education, Project, WorkEntry
from engcert.demo import builders
from tests.conftest import World


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def _grow(application: Application, world: World) -> None:
    """Two more of everything the overview reads: rows, files, linked projects and history events."""
    for number in (2, 3):
        Education.objects.create(
            application=application,
            degree=Degree.MASTER,
            institution=f"大学{number}",
            major="电气工程",
            start_date=date(2000 + number, 9, 1),
            end_date=date(2002 + number, 7, 1),
        )
        WorkEntry.objects.create(
            application=application,
            employer=f"单位{number}",
            position="工程师",
            start_date=date(2005 + number, 1, 1),
            end_date=date(2005 + number, 6, 30),
        )
        project = Project.objects.create(
            application=application,
            name=f"工程{number}",
            start_date=date(2018, number, 1),
            role="负责人",
            scale="220kV",
            responsibilities="设计审查",
            results="投运",
        )
        for statement in application.statements.all():
            statement.projects.add(project)
        attachment_upload(
            application=application,
            by=world.applicant,
            uploaded=SimpleUploadedFile(
                f"附件{number}.pdf", builders.TINY_PDF, content_type="application/pdf"
            ),
            kind=AttachmentKind.OTHER,
        )
        application_pledge_sign(
            application=application, by=world.applicant, typed_name="王伟", consents=True, ip_address=None
        )


def test_the_overview_costs_the_same_queries_with_one_or_three_of_everything(
    world: World, complete_draft: Application
) -> None:
    url = f"/applications/{complete_draft.uid}/"
    clients = {"applicant": world.client_for(world.applicant), "staff": world.client_for(world.staff)}
    for client in clients.values():
        client.get(url)  # sessions and caches warm up on the first request
    with_one = {name: _queries(client, url) for name, client in clients.items()}

    _grow(complete_draft, world)

    assert {name: _queries(client, url) for name, client in clients.items()} == with_one


def test_my_applications_costs_the_same_queries_with_one_or_three_applications(world: World) -> None:
    client = world.client_for(world.applicant)
    application_create(batch=world.batch, applicant=world.applicant)
    client.get("/applications/")
    one = _queries(client, "/applications/")
    for code in ("2026-b5", "2026-b6"):
        batch = builders.batch_create(
            society=world.society, code=code, closes_at=world.batch.closes_at + timedelta(days=1)
        )
        application_create(batch=batch, applicant=world.applicant)

    three = _queries(client, "/applications/")

    assert Application.objects.filter(applicant=world.applicant).count() == 3
    assert three == one
