"""Attachments: recognised by content, bounded in size, stored under a random name, served only to those allowed."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from PIL import Image

from engcert.applications.domain.application import ApplicationError, application_create, attachment_upload
from engcert.applications.enums import AttachmentKind
from engcert.applications.models import Application, Attachment
from engcert.demo import builders

pytestmark = pytest.mark.usefixtures("english")

MB = 1024 * 1024


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buffer, "JPEG")
    return buffer.getvalue()


JPEG = _jpeg()
EXE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
    + b"This program cannot be run in DOS mode." * 4
)


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def upload(application: Application, by, name: str, content: bytes) -> Attachment:
    return attachment_upload(
        application=application,
        by=by,
        uploaded=SimpleUploadedFile(name, content),
        kind=AttachmentKind.OTHER,
    )


@pytest.fixture
def draft(world) -> Application:
    return application_create(batch=world.batch, applicant=world.applicant)


@pytest.mark.parametrize(
    ("name", "content", "content_type", "extension"),
    [
        ("学位证书.pdf", builders.TINY_PDF, "application/pdf", ".pdf"),
        ("photo.jpeg", JPEG, "image/jpeg", ".jpg"),
        ("scan", None, "image/png", ".png"),
        ("misnamed.txt", builders.TINY_PDF, "application/pdf", ".pdf"),
    ],
    ids=["pdf", "jpeg", "png-without-extension", "pdf-named-txt"],
)
def test_pdf_jpeg_and_png_are_recognised_by_their_content_not_their_name(
    world, draft, name, content, content_type, extension
):
    content = content if content is not None else builders.tiny_png()
    attachment = upload(draft, world.applicant, name, content)

    stored = Path(attachment.file.path).read_bytes()
    assert (attachment.content_type, attachment.original_name, attachment.size) == (
        content_type,
        name,
        len(stored),
    )
    assert attachment.file.name.endswith(extension)
    if content_type == "application/pdf":
        assert stored == content  # a clean PDF is kept byte for byte
    else:  # an image is drawn again: same kind, same size in pixels
        with Image.open(io.BytesIO(stored)) as image, Image.open(io.BytesIO(content)) as original:
            assert (image.format, image.size) == (original.format, original.size)


def test_the_stored_file_name_is_random_and_the_original_name_is_kept_for_display(world, draft):
    attachment = upload(draft, world.applicant, "王伟-身份证.pdf", builders.TINY_PDF)

    assert re.fullmatch(rf"attachments/\d{{4}}/\d{{2}}/{attachment.uid.hex}\.pdf", attachment.file.name)
    assert "王伟" not in attachment.file.name
    assert attachment.original_name == "王伟-身份证.pdf"
    assert stored_files() == [Path(attachment.file.path)]


def test_a_program_renamed_to_pdf_is_refused_and_nothing_is_stored(world, draft):
    with pytest.raises(ApplicationError) as error:
        upload(draft, world.applicant, "学位证书.pdf", EXE)

    assert str(error.value) == "Only PDF, JPEG and PNG files are accepted; this file is none of them."
    assert Attachment.objects.count() == 0
    assert stored_files() == []


def test_an_empty_file_is_refused(world, draft):
    with pytest.raises(ApplicationError) as error:
        upload(draft, world.applicant, "empty.pdf", b"")
    assert str(error.value) == "The file is empty."
    assert stored_files() == []


@override_settings(ENGCERT_MAX_UPLOAD_BYTES=2 * MB)
def test_a_file_over_the_size_limit_is_refused_and_one_at_the_limit_accepted(world, draft):
    with pytest.raises(ApplicationError) as error:
        upload(
            draft,
            world.applicant,
            "big.pdf",
            builders.TINY_PDF + b"\0" * (2 * MB + MB // 2 - len(builders.TINY_PDF)),
        )
    assert str(error.value) == "The file is 2.5 MB; each file may be at most 2 MB."
    assert stored_files() == []

    exactly = upload(
        draft, world.applicant, "limit.pdf", builders.TINY_PDF + b"\0" * (2 * MB - len(builders.TINY_PDF))
    )
    assert exactly.size == 2 * MB


@override_settings(ENGCERT_MAX_UPLOAD_BYTES=2 * MB, ENGCERT_MAX_APPLICATION_UPLOAD_BYTES=3 * MB)
def test_the_attachments_of_one_application_are_limited_in_total(world, draft):
    def pdf(size: int) -> bytes:
        return builders.TINY_PDF + b"\0" * (size - len(builders.TINY_PDF))

    upload(draft, world.applicant, "one.pdf", pdf(2 * MB))
    with pytest.raises(ApplicationError) as error:
        upload(draft, world.applicant, "two.pdf", pdf(MB + 1))
    assert str(error.value) == "The attachments of one application may add up to 3 MB; remove a file first."
    assert len(stored_files()) == 1

    upload(draft, world.applicant, "three.pdf", pdf(MB))
    assert sorted(draft.attachments.values_list("original_name", flat=True)) == ["one.pdf", "three.pdf"]
    assert len(stored_files()) == 2


@override_settings(ENGCERT_MAX_APPLICATION_UPLOAD_BYTES=3 * MB)
def test_the_total_limit_counts_each_application_separately(world, draft):
    other = application_create(batch=world.batch, applicant=world.other_applicant)
    content = builders.TINY_PDF + b"\0" * (2 * MB - len(builders.TINY_PDF))
    upload(other, world.other_applicant, "other.pdf", content)
    assert upload(draft, world.applicant, "mine.pdf", content).size == 2 * MB


def test_only_the_applicant_may_upload_to_a_draft(world, draft):
    with pytest.raises(ApplicationError) as error:
        upload(draft, world.staff, "staff.pdf", builders.TINY_PDF)
    assert str(error.value) == "Only the applicant can change this application."
    assert stored_files() == []


# Through the web


def file_url(application: Application, attachment: Attachment) -> str:
    return f"/applications/{application.uid}/files/{attachment.uid}/"


@pytest.fixture
def certificate(world, draft) -> Attachment:
    return upload(draft, world.applicant, "学位证书.pdf", builders.TINY_PDF)


@pytest.mark.parametrize("who", ["applicant", "staff"])
def test_the_applicant_and_society_staff_can_download_the_file(world, draft, certificate, who):
    response = world.client_for(getattr(world, who)).get(file_url(draft, certificate))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == builders.TINY_PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    response.close()


@pytest.mark.parametrize("who", ["other_applicant", "outsider", "unit_admin", "examiner"])
def test_other_people_get_404_for_the_file(world, draft, certificate, who):
    response = world.client_for(getattr(world, who)).get(file_url(draft, certificate))
    assert response.status_code == 404


def test_staff_of_another_society_get_404_for_the_file(world, draft, certificate, other_society_staff):
    response = world.client_for(other_society_staff).get(file_url(draft, certificate))
    assert response.status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in_for_the_file(draft, certificate):
    url = file_url(draft, certificate)
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"


def test_another_applicant_cannot_fetch_a_file_through_their_own_application(world, draft, certificate):
    own = application_create(batch=world.batch, applicant=world.other_applicant)
    response = world.client_for(world.other_applicant).get(file_url(own, certificate))
    assert response.status_code == 404


def test_an_unknown_file_uid_is_404_for_the_applicant(world, draft, certificate):
    response = world.client_for(world.applicant).get(
        f"/applications/{draft.uid}/files/00000000-0000-4000-8000-000000000000/"
    )
    assert response.status_code == 404


def test_a_program_uploaded_through_the_page_is_refused_with_the_message(world, draft):
    response = world.client_for(world.applicant).post(
        f"/applications/{draft.uid}/files/upload/",
        {"kind": AttachmentKind.DEGREE_CERTIFICATE, "file": SimpleUploadedFile("学位证书.pdf", EXE)},
    )
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Only PDF, JPEG and PNG files are accepted; this file is none of them."
    ]
    assert Attachment.objects.count() == 0
    assert stored_files() == []


def test_a_pdf_uploaded_through_the_page_is_stored(world, draft):
    response = world.client_for(world.applicant).post(
        f"/applications/{draft.uid}/files/upload/",
        {
            "kind": AttachmentKind.DEGREE_CERTIFICATE,
            "file": SimpleUploadedFile("学位证书.pdf", builders.TINY_PDF),
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"/applications/{draft.uid}/edit/attachments/"
    assert list(draft.attachments.values_list("original_name", "kind")) == [("学位证书.pdf", "degree")]


def test_deleting_a_file_removes_it_from_disk_after_commit(
    world, draft, certificate, django_capture_on_commit_callbacks
):
    path = Path(certificate.file.path)
    with django_capture_on_commit_callbacks(execute=True):
        response = world.client_for(world.applicant).post(f"{file_url(draft, certificate)}delete/")
    assert response.status_code == 302
    assert Attachment.objects.count() == 0
    assert not path.exists()
