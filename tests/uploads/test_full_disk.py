"""A full disk while storing an upload: the person is told, nothing of the upload is kept (no
row, no partial file), and once there is room again the same upload goes through. The disk is a
real one: a 256 KB tmpfs mounted as MEDIA_ROOT (which needs root)."""

from __future__ import annotations

import errno
import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from engcert.appeals.models import Appeal, AppealEvidence
from engcert.applications.domain.application import application_create
from engcert.applications.enums import ApplicationState
from engcert.applications.models import Attachment
from engcert.audit.models import AuditEvent
from tests.appeals.helpers import STATEMENT, rejected
from tests.conftest import World
from tests.uploads import files

pytestmark = pytest.mark.usefixtures("english")

NOT_STORED = "The server could not store the file just now; nothing was saved. Try again later."
KB = 1024


@contextmanager
def tiny_tmpfs(folder: Path) -> Iterator[Path]:
    """`folder` as a 256 KB tmpfs: a real disk that fills up (mounting it needs root)."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tiny tmpfs needs root")
    folder.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(folder)], check=True)
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=True)


@pytest.fixture
def tiny_disk(settings: object, tmp_path: Path) -> Iterator[Path]:
    with tiny_tmpfs(tmp_path / "tiny-media") as media:
        settings.MEDIA_ROOT = media  # type: ignore[attr-defined]
        yield media


def stored(media: Path) -> list[str]:
    return sorted(str(p.relative_to(media)) for p in media.rglob("*") if p.is_file())


def pdf_of(size: int, name: str = "scan.pdf") -> SimpleUploadedFile:
    data = files.clean_pdf()
    return files.upload(name, data + b"\0" * (size - len(data)), "application/pdf")


def test_a_full_disk_on_the_attachments_page_leaves_nothing_and_says_so_beside_the_file(
    world: World, tiny_disk: Path
):
    draft = application_create(batch=world.batch, applicant=world.applicant)
    client = world.client_for(world.applicant)
    url = reverse("applications:section", args=[draft.uid, "attachments"])
    events = AuditEvent.objects.count()

    response = client.post(
        url, {"kind": "other", "description": "扫描件", "file": pdf_of(400 * KB, "大文件.pdf")}
    )

    assert response.status_code == 503
    assert response.context["upload_form"].errors == {"file": [NOT_STORED]}
    assert NOT_STORED in response.content.decode()
    assert (Attachment.objects.count(), AuditEvent.objects.count()) == (0, events)
    assert stored(tiny_disk) == []

    response = client.post(url, {"kind": "other", "file": pdf_of(20 * KB, "小文件.pdf")})

    assert response.status_code == 302
    (attachment,) = Attachment.objects.all()
    assert (attachment.original_name, attachment.size) == ("小文件.pdf", 20 * KB)
    assert stored(tiny_disk) == [attachment.file.name]


def test_an_appeal_whose_third_file_does_not_fit_keeps_none_of_its_files_and_is_not_lodged(
    world: World, tiny_disk: Path
):
    application = rejected(world)
    client = world.client_for(application.applicant)
    url = reverse("appeals:lodge", args=[application.uid])
    evidence = [pdf_of(90 * KB, "一.pdf"), pdf_of(90 * KB, "二.pdf"), pdf_of(150 * KB, "三.pdf")]
    before = stored(tiny_disk)  # the application's own attachments

    response = client.post(url, {"statement": STATEMENT, "evidence": evidence})

    assert response.status_code == 503
    assert response.context["form"].errors == {"evidence": [NOT_STORED]}
    application.refresh_from_db()
    assert application.state == ApplicationState.REJECTED
    assert (Appeal.objects.count(), AppealEvidence.objects.count()) == (0, 0)
    assert stored(tiny_disk) == before

    response = client.post(url, {"statement": STATEMENT, "evidence": [pdf_of(20 * KB, "证明.pdf")]})

    assert response.status_code == 302
    (kept,) = AppealEvidence.objects.all()
    assert stored(tiny_disk) == sorted([*before, kept.file.name])


@pytest.fixture
def tiny_upload_spool(settings: object, tmp_path: Path) -> Iterator[Path]:
    """The folder where large uploads are spooled while the request is read, on a tiny disk."""
    with tiny_tmpfs(tmp_path / "tiny-spool") as spool:
        settings.FILE_UPLOAD_TEMP_DIR = str(spool)  # type: ignore[attr-defined]
        settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 16 * KB  # type: ignore[attr-defined]
        yield spool


def test_a_full_disk_while_the_upload_is_received_answers_503_and_leaves_nothing(
    world: World, tiny_upload_spool: Path
):
    from django.test import Client

    draft = application_create(batch=world.batch, applicant=world.applicant)
    client = Client(raise_request_exception=False)
    client.force_login(world.applicant)
    url = reverse("applications:section", args=[draft.uid, "attachments"])
    events = AuditEvent.objects.count()

    response = client.post(
        url, {"kind": "other", "description": "扫描件", "file": pdf_of(400 * KB, "大文件.pdf")}
    )

    assert response.status_code == 503
    assert response["Retry-After"] == "300"
    page = response.content.decode()
    assert "Your file could not be stored" in page
    assert "Nothing you sent with it was saved." in page
    assert (Attachment.objects.count(), AuditEvent.objects.count()) == (0, events)
    assert list(tiny_upload_spool.iterdir()) == []  # the spooled part went with the request

    response = client.post(url, {"kind": "other", "file": pdf_of(100 * KB, "小文件.pdf")})

    assert response.status_code == 302
    assert list(Attachment.objects.values_list("original_name", flat=True)) == ["小文件.pdf"]


@pytest.mark.parametrize("multipart, status", [(True, 503), (False, 500)])
def test_only_a_request_carrying_files_is_told_its_file_was_not_stored_when_the_disk_is_full(
    rf: Any, multipart: bool, status: int
) -> None:
    from engcert.unavailable import server_error_or_unavailable

    request = (
        rf.post("/", {"file": files.upload("a.pdf", files.clean_pdf(), "application/pdf")})
        if multipart
        else rf.post("/", "x=1", content_type="application/x-www-form-urlencoded")
    )
    try:
        raise OSError(errno.ENOSPC, "No space left on device")
    except OSError:
        response = server_error_or_unavailable(request)

    assert response.status_code == status
    assert ("Your file could not be stored" in response.content.decode()) is multipart
