from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from engcert.accounts.models import User
from engcert.rosters.enums import RosterJobKind, RosterJobStatus
from engcert.rosters.models import RosterImport, RosterJob
from tests.conftest import World
from tests.rosters.conftest import row_of, sheet_values, submitted, upload, workbook_bytes
from tests.rosters.test_import import run_import


def urls(world: World, job: RosterJob, roster_import: RosterImport) -> list[str]:
    base = [world.society.code, world.batch.pk]
    return [
        reverse("rosters:batch", args=base),
        reverse("rosters:export_unit", args=[*base, world.unit.pk]),
        reverse("rosters:job", args=[*base, job.pk]),
        reverse("rosters:job_progress", args=[*base, job.pk]),
        reverse("rosters:reconciliation", args=[*base, roster_import.pk]),
    ]


@pytest.fixture
def imported(world: World, django_capture_on_commit_callbacks: Any) -> RosterImport:
    application = submitted(world, index=1)
    job = run_import(world, workbook_bytes([row_of(application)]), django_capture_on_commit_callbacks)
    return RosterImport.objects.get(job=job)


def test_roster_pages_are_not_found_for_anyone_but_the_societys_staff(
    world: World, imported: RosterImport, other_society_staff: User
) -> None:
    assert imported.job is not None
    export = RosterJob.objects.create(
        kind=RosterJobKind.EXPORT_ALL,
        batch=world.batch,
        requested_by=world.staff,
        status=RosterJobStatus.DONE,
    )
    export.result.save("rosters.xlsx", ContentFile(b"PK\x03\x04"))
    download = reverse("rosters:job_download", args=[world.society.code, world.batch.pk, export.pk])
    for url in [*urls(world, imported.job, imported), download]:
        for person in (
            world.outsider,
            world.applicant,
            world.unit_admin,
            world.examiner,
            other_society_staff,
        ):
            assert world.client_for(person).get(url).status_code == 404, (url, person)
        assert world.client_for(world.staff).get(url).status_code == 200, url
    base = [world.society.code, world.batch.pk]
    for url in (
        reverse("rosters:export_all", args=base),
        reverse("rosters:job_resume", args=[*base, imported.job.pk]),
    ):
        assert world.client_for(world.unit_admin).post(url).status_code == 404
    assert RosterJob.objects.count() == 2


def test_staff_upload_a_roster_and_see_each_problem_by_row_and_column(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    application = submitted(world, index=1)
    row = row_of(application)
    row[14] = "也许"
    client = world.client_for(world.staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("rosters:batch", args=[world.society.code, world.batch.pk]),
            {"unit": world.unit.pk, "file": upload(workbook_bytes([row]))},
        )
    job = RosterJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("rosters:job", args=[world.society.code, world.batch.pk, job.pk])

    page = client.get(response["Location"])

    assert job.status == RosterJobStatus.REFUSED
    text = page.content.decode()
    assert "是否申请简化考核 (O)" in text and "也许 is not 是 or 否." in text
    assert "Nothing was imported: correct the rows below, or choose to import the valid rows only." in text


def test_an_upload_that_is_not_a_spreadsheet_is_refused_next_to_the_field(world: World) -> None:
    response = world.client_for(world.staff).post(
        reverse("rosters:batch", args=[world.society.code, world.batch.pk]),
        {"unit": world.unit.pk, "file": upload(b"\x89PNG\r\n\x1a\n....", "名单.xlsx")},
    )

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "file": [
            "名单.xlsx is not a spreadsheet; please send the roster as an Excel workbook (.xlsx) or as CSV."
        ]
    }
    assert RosterJob.objects.count() == 0


def test_the_unit_export_downloads_the_units_roster(world: World) -> None:
    application = submitted(world, index=1)

    response = world.client_for(world.staff).get(
        reverse("rosters:export_unit", args=[world.society.code, world.batch.pk, world.unit.pk])
    )

    assert (
        response["Content-Disposition"]
        == f'attachment; filename="roster-{world.batch.code}-{world.unit.code}.xlsx"'
    )
    [rows] = sheet_values(response.content).values()
    assert [r[1] for r in rows[2:]] == [application.full_name]


def test_export_every_unit_then_download_from_the_job_page(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    submitted(world, index=1)
    client = world.client_for(world.staff)
    base = [world.society.code, world.batch.pk]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("rosters:export_all", args=base))
    job = RosterJob.objects.get()
    progress = json.loads(client.get(reverse("rosters:job_progress", args=[*base, job.pk])).content)
    download = client.get(reverse("rosters:job_download", args=[*base, job.pk]))

    assert response["Location"] == reverse("rosters:job", args=[*base, job.pk])
    assert progress == {
        "status": "done",
        "status_label": "Finished",
        "done": 1,
        "total": 1,
        "percent": 100,
        "busy": False,
        "stale": False,
    }
    assert list(sheet_values(b"".join(download.streaming_content)).keys()) == [world.unit.name[:28]]  # type: ignore[attr-defined]


def test_the_reconciliation_page_shows_the_three_lists(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    listed = submitted(world, index=1)
    unlisted = submitted(world, index=2)
    row = row_of(listed)
    row[15] = "13700000000"
    job = run_import(world, workbook_bytes([row]), django_capture_on_commit_callbacks)
    roster_import = RosterImport.objects.get(job=job)

    response = world.client_for(world.staff).get(
        reverse("rosters:reconciliation", args=[world.society.code, world.batch.pk, roster_import.pk])
    )

    result = response.context["result"]
    assert (result.listed_not_applied, [a.pk for a in result.applied_not_listed]) == ([], [unlisted.pk])
    assert [(d.field, d.listed) for d in result.disagreeing[0].differences] == [("phone", "13700000000")]
    text = response.content.decode()
    assert unlisted.full_name in text and "13700000000" in text
    assert listed.id_number not in text  # document numbers are shown masked


def test_the_batch_page_costs_the_same_queries_with_one_or_three_imports(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    application = submitted(world, index=1)
    client = world.client_for(world.staff)
    url = reverse("rosters:batch", args=[world.society.code, world.batch.pk])
    run_import(world, workbook_bytes([row_of(application)]), django_capture_on_commit_callbacks)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for _ in range(2):
        run_import(world, workbook_bytes([row_of(application)]), django_capture_on_commit_callbacks)
    with CaptureQueriesContext(connection) as three:
        response = client.get(url)
    assert len(response.context["imports"]) == 3
    assert len(three) == len(one)


def test_the_reconciliation_costs_the_same_queries_with_one_or_three_rows(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    applications = [submitted(world, index=i) for i in (1, 2, 3)]
    client = world.client_for(world.staff)
    imports = []
    for rows in ([row_of(applications[0])], [row_of(a, n) for n, a in enumerate(applications, start=1)]):
        job = run_import(world, workbook_bytes(rows), django_capture_on_commit_callbacks)
        imports.append(RosterImport.objects.get(job=job))
    counts = []
    for roster_import in imports:
        with CaptureQueriesContext(connection) as queries:
            assert (
                client.get(
                    reverse(
                        "rosters:reconciliation", args=[world.society.code, world.batch.pk, roster_import.pk]
                    )
                ).status_code
                == 200
            )
        counts.append(len(queries))
    assert counts[0] == counts[1]
