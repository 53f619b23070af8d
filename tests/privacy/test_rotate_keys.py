"""`manage.py rotate_keys`: every encrypted value ends under the newest key, nothing saved
meanwhile is lost, and `--check` / `--dry-run` say where things stand."""

from __future__ import annotations

import base64
import io
import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections, models, transaction
from django.db.models.functions import Cast

from engcert.applications.models import Application
from engcert.privacy.rotation import (
    EncryptedColumn,
    encrypted_column_list,
    encrypted_column_rotate,
    encrypted_rows_rotate,
)
from tests.conftest import World

OLD = "old:" + base64.urlsafe_b64encode(b"o" * 32).decode()
NEW = "new:" + base64.urlsafe_b64encode(b"n" * 32).decode()
ID_NUMBER = EncryptedColumn(Application, "id_number")


def _raw(application: Application) -> str:
    token: str = (
        Application.objects.filter(pk=application.pk)
        .annotate(raw=Cast("id_number", output_field=models.TextField()))
        .values_list("raw", flat=True)
        .get()
    )
    return token


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("rotate_keys", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def two_old_applications(world: World, settings: object) -> list[Application]:
    from engcert.demo import builders

    settings.ENGCERT_FIELD_KEYS = [OLD]  # type: ignore[attr-defined]
    made = [
        builders.application_complete_draft(
            batch=world.batch,
            applicant=applicant,
            person=builders.Person(name, True, builders.date(1985, 3, 14), world.unit.name),
            unit=world.unit,
            index=index,
        )
        for index, (applicant, name) in enumerate(
            ((world.applicant, "王伟"), (world.other_applicant, "李娜"))
        )
    ]
    settings.ENGCERT_FIELD_KEYS = [NEW, OLD]  # type: ignore[attr-defined]
    return made


def test_every_encrypted_field_of_every_model_is_found() -> None:
    assert [column.label for column in encrypted_column_list()] == [
        "applications.Application.id_number",
        "notices.Objection.objector_email",
        "notices.Objection.objector_name",
        "notices.Objection.objector_phone",
        "rosters.RosterRow.id_number",
    ]


@pytest.mark.django_db
def test_rotation_reencrypts_old_values_under_the_newest_key_and_they_still_read_the_same(
    two_old_applications: list[Application],
) -> None:
    numbers = [a.id_number for a in two_old_applications]
    assert [_raw(a)[:7] for a in two_old_applications] == ["v1:old:", "v1:old:"]

    output = _run("--batch-size", "1")

    assert [_raw(a)[:7] for a in two_old_applications] == ["v1:new:", "v1:new:"]
    assert [Application.objects.get(pk=a.pk).id_number for a in two_old_applications] == numbers
    assert (
        "applications.Application.id_number: rotated 2, saved by someone else meanwhile 0, "
        "still to rotate 0; now new=2" in output.splitlines()
    )
    assert output.splitlines()[-1] == "done: every encrypted value uses the newest key"


@pytest.mark.django_db
def test_running_rotation_again_changes_nothing(two_old_applications: list[Application]) -> None:
    _run()
    tokens = [_raw(a) for a in two_old_applications]

    output = _run()

    assert [_raw(a) for a in two_old_applications] == tokens
    assert "applications.Application.id_number: rotated 0, saved by someone else meanwhile 0, " in output


@pytest.mark.django_db
def test_dry_run_counts_values_per_key_and_changes_nothing(two_old_applications: list[Application]) -> None:
    tokens = [_raw(a) for a in two_old_applications]
    # One value saved under the new key: the count splits by key.
    other = two_old_applications[1]
    other.id_number = other.id_number
    other.save(update_fields=["id_number"])

    output = _run("--dry-run")

    assert _raw(two_old_applications[0]) == tokens[0]
    assert output.splitlines() == [
        "newest key: new (dry run, nothing changed)",
        "applications.Application.id_number: new=1, old=1",
        "notices.Objection.objector_email: no values",
        "notices.Objection.objector_name: no values",
        "notices.Objection.objector_phone: no values",
        "rosters.RosterRow.id_number: no values",
    ]


@pytest.mark.django_db
def test_check_fails_while_a_value_uses_an_old_key_and_passes_after_rotation(
    two_old_applications: list[Application],
) -> None:
    with pytest.raises(CommandError, match=r"^2 value\(s\) still use a key other than new; run rotate_keys$"):
        _run("--check")

    _run()

    assert _run("--check").splitlines()[-1] == "every encrypted value uses the newest key new"


@pytest.mark.django_db
def test_a_value_saved_after_rotation_read_it_is_kept(two_old_applications: list[Application]) -> None:
    first, second = two_old_applications
    read = [(a.pk, _raw(a)) for a in two_old_applications]
    # Someone corrects the first number between the rotation's read and its write.
    Application.objects.filter(pk=first.pk).update(id_number="11010119850314002X")

    with transaction.atomic():
        rotated, changed = encrypted_rows_rotate(column=ID_NUMBER, rows=read)

    assert (rotated, changed) == (1, 1)
    assert Application.objects.get(pk=first.pk).id_number == "11010119850314002X"
    assert Application.objects.get(pk=second.pk).id_number == second.id_number
    assert _raw(second).startswith("v1:new:")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks across connections")
@pytest.mark.django_db(transaction=True)
def test_a_row_being_saved_during_rotation_is_skipped_and_its_new_value_kept(
    two_old_applications: list[Application],
) -> None:
    first, second = two_old_applications
    locked, rotation_done = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def save_meanwhile() -> None:
        try:
            with transaction.atomic():
                row = Application.objects.select_for_update().get(pk=first.pk)
                row.id_number = "11010119850314002X"
                row.save(update_fields=["id_number"])
                locked.set()
                rotation_done.wait(timeout=30)
        except BaseException as error:  # reported to the test below
            errors.append(error)
            locked.set()
        finally:
            connections.close_all()

    writer = threading.Thread(target=save_meanwhile)
    writer.start()
    assert locked.wait(timeout=30)
    report = encrypted_column_rotate(column=ID_NUMBER)
    rotation_done.set()
    writer.join(timeout=30)

    assert errors == []
    assert (report.rotated, report.changed_meanwhile, report.remaining) == (1, 0, 1)
    assert Application.objects.get(pk=first.pk).id_number == "11010119850314002X"
    assert Application.objects.get(pk=second.pk).id_number == second.id_number
    assert [_raw(first)[:7], _raw(second)[:7]] == ["v1:new:", "v1:new:"]
    assert _run("--check").splitlines()[-1] == "every encrypted value uses the newest key new"
