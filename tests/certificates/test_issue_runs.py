"""Issuing a batch in the background: counting, problems per member, resuming after a crash."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from engcert.applications.enums import ApplicationState as S
from engcert.applications.models import Application
from engcert.certificates.domain import (
    CertificateError,
    certificate_issue,
    issuance_run_execute,
    issuance_run_resume,
    issuance_run_start,
    registrations_waiting,
)
from engcert.certificates.enums import IssuanceStatus
from engcert.certificates.models import Certificate, IssuanceRun
from engcert.jobs import STALE_AFTER
from engcert.registration.models import Registration
from tests.certificates.issue_helpers import registered_members
from tests.conftest import World

pytestmark = pytest.mark.django_db


def stored_pdfs() -> int:
    folder = Path(default_storage.path("certificates/pdf"))
    return len(list(folder.rglob("*.pdf"))) if folder.exists() else 0


def test_a_run_issues_every_waiting_members_certificate_and_counts(
    world: World, django_capture_on_commit_callbacks
):
    registrations = registered_members(world, 3)

    with django_capture_on_commit_callbacks(execute=True):
        run = issuance_run_start(batch=world.batch, by=world.staff)

    run.refresh_from_db()
    assert (run.status, run.total, run.done, run.failed, run.problems) == (IssuanceStatus.DONE, 3, 3, 0, [])
    assert run.task_id != ""
    assert run.finished_at is not None and run.heartbeat_at is not None
    certificates = Certificate.objects.filter(run=run, issued_at__isnull=False)
    assert sorted(c.registration_id for c in certificates) == sorted(r.pk for r in registrations)
    assert set(Application.objects.filter(batch=world.batch).values_list("state", flat=True)) == {
        S.CERTIFICATE_ISSUED
    }
    assert stored_pdfs() == 3


def test_a_member_whose_certificate_cannot_be_issued_is_recorded_and_the_others_go_on(world: World):
    first, second, third = registered_members(world, 3)
    Registration.objects.filter(pk=second.pk).update(full_name="李\ue000")
    run = IssuanceRun.objects.create(society=world.society, batch=world.batch, requested_by=world.staff)

    run = issuance_run_execute(run_id=run.pk)

    assert (run.status, run.total, run.done, run.failed) == (IssuanceStatus.DONE, 3, 2, 1)
    assert run.problems == [
        {
            "registration": second.pk,
            "member_number": second.member_number,
            "name": "李\ue000",
            "message": "No installed font can print \ue000 (U+E000) in “姓名 Name” (full_name).",
        }
    ]
    assert list(registrations_waiting(batch=world.batch)) == [Registration.objects.get(pk=second.pk)]
    assert Certificate.objects.filter(registration__in=[first, third], issued_at__isnull=False).count() == 2


def test_a_run_that_crashed_part_way_is_resumed_and_issues_nothing_twice(
    world: World, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks
):
    registered_members(world, 5)
    run = IssuanceRun.objects.create(society=world.society, batch=world.batch, requested_by=world.staff)
    real_save = default_storage.save
    saved: list[str] = []

    def save_then_die(name: str, content: object, max_length: int | None = None) -> str:
        # The worker is killed while storing the third PDF: two certificates are issued, the
        # third is numbered but unfinished, the run still says "running".
        if len(saved) == 2:
            raise SystemExit("killed")
        saved.append(name)
        return real_save(name, content, max_length=max_length)  # type: ignore[arg-type]

    monkeypatch.setattr(default_storage, "save", save_then_die)
    with pytest.raises(SystemExit):
        issuance_run_execute(run_id=run.pk)
    monkeypatch.undo()
    run.refresh_from_db()
    assert (run.status, run.done, run.total) == (IssuanceStatus.RUNNING, 2, 5)
    assert Certificate.objects.count() == 3
    assert Certificate.objects.filter(issued_at__isnull=False).count() == 2

    # Still alive as far as anyone can tell: resuming is refused.
    with pytest.raises(CertificateError) as error:
        issuance_run_resume(run=run, by=world.staff)
    assert str(error.value) == "This run is still working; it can be resumed only once it has stopped."

    IssuanceRun.objects.filter(pk=run.pk).update(
        heartbeat_at=timezone.now() - STALE_AFTER - timedelta(seconds=1)
    )
    run.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        issuance_run_resume(run=run, by=world.staff)

    run.refresh_from_db()
    assert (run.status, run.done, run.failed, run.total) == (IssuanceStatus.DONE, 5, 0, 5)
    assert Certificate.objects.count() == 5
    assert Certificate.objects.filter(issued_at__isnull=False).count() == 5
    assert Certificate.objects.values("registration").distinct().count() == 5
    assert stored_pdfs() == 5
    assert list(registrations_waiting(batch=world.batch)) == []


def test_a_run_delivered_twice_does_the_work_once(world: World):
    registered_members(world, 2)
    run = IssuanceRun.objects.create(society=world.society, batch=world.batch, requested_by=world.staff)

    issuance_run_execute(run_id=run.pk)
    again = issuance_run_execute(run_id=run.pk)

    assert (again.status, again.done) == (IssuanceStatus.DONE, 2)
    assert Certificate.objects.count() == 2


def test_starting_while_a_run_is_working_returns_that_run(world: World):
    registered_members(world, 2)

    first = issuance_run_start(batch=world.batch, by=world.staff)  # its task waits for the commit
    second = issuance_run_start(batch=world.batch, by=world.staff)

    assert second.pk == first.pk
    assert IssuanceRun.objects.count() == 1


def test_nothing_to_issue_is_said_plainly(world: World):
    registration = registered_members(world, 1)[0]
    certificate_issue(registration=registration, by=world.staff)

    with pytest.raises(CertificateError) as error:
        issuance_run_start(batch=world.batch, by=world.staff)

    assert str(error.value) == "Every registered member of this batch already has a certificate."


def test_a_finished_run_cannot_be_resumed(world: World):
    registered_members(world, 1)
    run = IssuanceRun.objects.create(society=world.society, batch=world.batch, requested_by=world.staff)
    run = issuance_run_execute(run_id=run.pk)

    with pytest.raises(CertificateError) as error:
        issuance_run_resume(run=run, by=world.staff)

    assert str(error.value) == "This run has finished; start a new one for members still waiting."


def test_only_the_societys_staff_start_or_resume_runs(world: World, other_society_staff):
    registered_members(world, 1)
    run = IssuanceRun.objects.create(
        society=world.society,
        batch=world.batch,
        requested_by=world.staff,
        status=IssuanceStatus.FAILED,
    )

    for person in (world.outsider, world.reviewer, other_society_staff):
        with pytest.raises(CertificateError):
            issuance_run_start(batch=world.batch, by=person)
        with pytest.raises(CertificateError):
            issuance_run_resume(run=run, by=person)
    assert IssuanceRun.objects.count() == 1
