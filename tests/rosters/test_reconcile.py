from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from engcert.rosters.domain.export import roster_export
from engcert.rosters.domain.reconcile import roster_reconcile
from engcert.rosters.enums import RosterJobStatus
from engcert.rosters.models import RosterImport
from tests.conftest import World
from tests.rosters.conftest import row_of, submitted, workbook_bytes
from tests.rosters.test_import import run_import


def test_export_then_import_shows_no_differences(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    applications = [submitted(world, index=i) for i in (1, 2, 3)]
    applications[0].department_position = "-副总工程师"  # neutralised on export, read back as written
    applications[0].save(update_fields=["department_position"])

    job = run_import(
        world, roster_export(batch=world.batch, unit=world.unit), django_capture_on_commit_callbacks
    )

    assert (job.status, job.problems) == (RosterJobStatus.DONE, [])
    roster_import = RosterImport.objects.get(job=job)
    result = roster_reconcile(roster_import=roster_import)
    assert (result.clean, result.agreeing) == (True, 3)
    assert roster_import.rows.get(row_number=3).department_position == "-副总工程师"


def test_export_saved_as_csv_by_libreoffice_imports_with_no_differences(
    world: World, django_capture_on_commit_callbacks: Any, tmp_path: Path
) -> None:
    if shutil.which("soffice") is None:
        pytest.fail(
            "LibreOffice is missing: install the Debian package libreoffice-calc-nogui (make test does)"
        )
    for index in (1, 2):
        submitted(world, index=index)
    source = tmp_path / "roster.xlsx"
    source.write_bytes(roster_export(batch=world.batch, unit=world.unit))
    # Its own profile folder: LibreOffice refuses to start twice on one (tests run in parallel).
    profile = f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}"

    def soffice(*args: str) -> None:
        subprocess.run(
            ["soffice", profile, "--headless", *args], check=True, timeout=120, capture_output=True
        )

    # To CSV (UTF-8, comma, double quotes) as a unit would save it, then back to a workbook.
    soffice(
        "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir", str(tmp_path), str(source)
    )
    csv_copy = tmp_path / "roster.csv"
    (tmp_path / "back").mkdir()
    # Read back with every column as text, as a careful unit does: a document number read as a
    # number loses its last digits to floating point (the importer refuses such a file, and says
    # why: see test_import).
    as_text = "/".join(f"{column}/2" for column in range(1, 19))
    soffice(
        f"--infilter=CSV:44,34,76,1,{as_text}",
        "--convert-to",
        "xlsx:Calc MS Excel 2007 XML",
        "--outdir",
        str(tmp_path / "back"),
        str(csv_copy),
    )

    for name, content in (
        ("roster.csv", csv_copy.read_bytes()),
        ("roster.xlsx", (tmp_path / "back" / "roster.xlsx").read_bytes()),
    ):
        job = run_import(world, content, django_capture_on_commit_callbacks, name=name)
        assert (name, job.status, job.problems) == (name, RosterJobStatus.DONE, []), job.problems
        result = roster_reconcile(roster_import=RosterImport.objects.get(job=job))
        assert (name, result.clean, result.agreeing) == (name, True, 2)


def test_listed_not_applied_applied_not_listed_and_disagreements(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    same, changed, not_listed = (submitted(world, index=i) for i in (1, 2, 3))
    stranger = submitted(world, index=4, unit=world.other_unit)  # applied through another unit
    changed_row = row_of(changed, 2)
    changed_row[15] = "13912345678"
    changed_row[16] = "Other@Example.com"
    changed_row[12] = "AE"
    job = run_import(
        world,
        workbook_bytes([row_of(same, 1), changed_row, row_of(stranger, 3)]),
        django_capture_on_commit_callbacks,
    )
    assert (job.status, job.problems) == (RosterJobStatus.DONE, [])

    result = roster_reconcile(roster_import=RosterImport.objects.get(job=job))

    assert [row.full_name for row in result.listed_not_applied] == [stranger.full_name]
    assert [a.pk for a in result.applied_not_listed] == [not_listed.pk]
    [pair] = result.disagreeing
    assert pair.application.pk == changed.pk
    assert [(d.field, d.listed, d.applied) for d in pair.differences] == [
        ("grade", "助理工程师", changed.grade.name),  # type: ignore[union-attr]
        ("phone", "13912345678", changed.phone),
        ("email", "other@example.com", changed.email),
    ]
    assert result.agreeing == 1


def test_a_wrong_id_number_still_pairs_by_name(world: World, django_capture_on_commit_callbacks: Any) -> None:
    application = submitted(world, index=1)
    row = row_of(application)
    other = submitted(world, index=7, unit=world.other_unit)  # a valid number of someone else
    row[5] = other.id_number
    job = run_import(world, workbook_bytes([row]), django_capture_on_commit_callbacks)

    result = roster_reconcile(roster_import=RosterImport.objects.get(job=job))

    [pair] = result.disagreeing
    assert [(d.field, d.listed, d.applied) for d in pair.differences] == [
        ("id_number", other.id_number_masked, application.id_number_masked)
    ]
    assert (result.listed_not_applied, result.applied_not_listed) == ([], [])


def test_the_demo_roster_shows_one_of_each_kind_of_difference(world: World) -> None:
    from engcert.rosters.demo import roster_demo_load

    applications = [submitted(world, index=i) for i in (1, 2, 3)]

    roster_import = roster_demo_load(batch=world.batch, unit=world.unit, by=world.staff)

    assert roster_import is not None
    result = roster_reconcile(roster_import=roster_import)
    assert [row.full_name for row in result.listed_not_applied] == ["赵新人"]
    assert [a.pk for a in result.applied_not_listed] == [applications[1].pk]
    assert [(p.application.pk, [d.field for d in p.differences]) for p in result.disagreeing] == [
        (applications[0].pk, ["phone"])
    ]
