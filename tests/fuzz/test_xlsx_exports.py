"""Every spreadsheet a person can download from engcert (the unit's roster, every unit's roster
made in the background, the work queue's rows chosen or all its filtered rows in the
background, the CPD compliance list, a dashboard table, the committee's minutes), made by the
real view or job from rows whose text starts like a formula, holds that text as a string with
the one leading quote of the neutraliser and otherwise as typed: no cell is a formula and no
text cell starts as one."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook  # type: ignore[import-untyped]

from engcert.applications.models import Application
from engcert.committee.models import Meeting
from engcert.organisations.models import Organisation
from engcert.registration.models import Registration
from engcert.rosters.models import RosterJob
from engcert.spreadsheets.writing import FORMULA_STARTS
from tests.committee.helpers import application_of, committee_members, meeting_of, on_agenda
from tests.conftest import World
from tests.cpd.members import member_create

NAME = '=HYPERLINK("http://x","y")'
NAME_EN = "+cmd|' /C calc'!A0"
POSITION = "-2+3"
UNIT = "@SUM(A1)"

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(world: World) -> Meeting:
    """One candidate on a committee's agenda (so also in the roster, the queue and the
    dashboards) and one registered member, all named with formulas."""
    held = meeting_of(world, committee_members(world, 1), title=POSITION)
    Meeting.objects.filter(pk=held.pk).update(place=UNIT)
    application = application_of(on_agenda(world, held, index=1))
    Application.objects.filter(pk=application.pk).update(
        full_name=NAME, full_name_en=NAME_EN, employer=NAME_EN, department_position=POSITION
    )
    Organisation.objects.filter(pk=world.unit.pk).update(name=UNIT, name_en=UNIT)
    member = member_create(
        society=world.society, holder=None, name=NAME, valid_from=timezone.localdate() - timedelta(days=100),
        unit=world.unit,
    )  # fmt: skip
    Registration.objects.filter(pk=member.pk).update(full_name_en=NAME_EN)
    held.refresh_from_db()
    return held


def _file(response: Any) -> bytes:
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else bytes(response.content)


def _roster_of_the_unit(world: World, meeting: Meeting, capture: Any) -> bytes:
    client = world.client_for(world.staff)
    return _file(
        client.get(reverse("rosters:export_unit", args=[world.society.code, world.batch.pk, world.unit.pk]))
    )


def _roster_the_unit_downloads(world: World, meeting: Meeting, capture: Any) -> bytes:
    client = world.client_for(world.unit_admin)
    return _file(client.get(reverse("units:roster", args=[world.unit.code, world.batch.pk])))


def _every_roster_in_the_background(world: World, meeting: Meeting, capture: Any) -> bytes:
    client = world.client_for(world.staff)
    with capture(execute=True):
        client.post(reverse("rosters:export_all", args=[world.society.code, world.batch.pk]))
    job = RosterJob.objects.get()
    return _file(
        client.get(reverse("rosters:job_download", args=[world.society.code, world.batch.pk, job.pk]))
    )


def _work_queue_in_the_background(world: World, meeting: Meeting, capture: Any) -> bytes:
    client = world.client_for(world.staff)
    base = f"/staff/{world.society.code}/batches/{world.batch.pk}/queue/"
    with capture(execute=True):
        started = client.post(base + "bulk/", {"action": "export_all", "filters": ""})
    return _file(client.get(started["Location"] + "download/"))


def _work_queue_selected_rows(world: World, meeting: Meeting, capture: Any) -> bytes:
    client = world.client_for(world.staff)
    chosen = Application.objects.get(full_name=NAME)
    return _file(
        client.post(
            f"/staff/{world.society.code}/batches/{world.batch.pk}/queue/bulk/",
            {"action": "export", "selected": [f"{chosen.uid}:{chosen.state}"], "filters": ""},
        )
    )


def _cpd_compliance(world: World, meeting: Meeting, capture: Any) -> bytes:
    client = world.client_for(world.staff)
    return _file(client.get(reverse("cpd:staff_compliance_xlsx", args=[world.society.code])))


def _dashboard_by_unit(world: World, meeting: Meeting, capture: Any) -> bytes:
    client = world.client_for(world.staff)
    return _file(client.get(reverse("dashboards:dashboard_xlsx", args=[world.society.code, "units"])))


def _committee_minutes(world: World, meeting: Meeting, capture: Any) -> bytes:
    client = world.client_for(world.staff)
    return _file(client.get(f"/staff/{world.society.code}/committee/{meeting.pk}/minutes.xlsx"))


Export = Callable[[World, Meeting, Any], bytes]
EXPORTS: list[tuple[Export, set[str]]] = [
    (_roster_of_the_unit, {NAME, NAME_EN, POSITION}),
    (_roster_the_unit_downloads, {NAME, NAME_EN, POSITION}),
    (_every_roster_in_the_background, {NAME, NAME_EN, POSITION}),
    (_work_queue_in_the_background, {NAME, NAME_EN, UNIT}),
    (_work_queue_selected_rows, {NAME, NAME_EN, UNIT}),
    (_cpd_compliance, {NAME, NAME_EN, UNIT}),
    (_dashboard_by_unit, {UNIT}),
    (_committee_minutes, {NAME, UNIT, POSITION}),
]


@pytest.mark.parametrize(
    ("export", "typed"), EXPORTS, ids=[export.__name__.strip("_") for export, _ in EXPORTS]
)
def test_text_typed_as_a_formula_comes_out_of_every_export_as_quoted_text(
    world: World, meeting: Meeting, django_capture_on_commit_callbacks: Any, export: Export, typed: set[str]
) -> None:
    book = load_workbook(io.BytesIO(export(world, meeting, django_capture_on_commit_callbacks)))
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    texts = {cell.value for cell in cells if isinstance(cell.value, str)}

    assert [cell.coordinate for cell in cells if cell.data_type == "f"] == []
    assert sorted(text for text in texts if text.startswith(FORMULA_STARTS)) == []
    assert {f"'{text}" for text in typed} <= texts
