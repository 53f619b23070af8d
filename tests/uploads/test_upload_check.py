"""Every upload is checked by its content: PDFs with active content refused, clean PDFs kept byte
for byte, images drawn again without their metadata or anything appended, bombs and broken files
refused with a message that says what to do."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.test import override_settings
from PIL import Image, ImageFile

from engcert.demo import builders
from engcert.uploads.domain import upload_check
from engcert.uploads.errors import UploadRefused
from engcert.uploads.kinds import DOCUMENTS, IMAGES, FileKind
from tests.uploads import files

pytestmark = pytest.mark.usefixtures("english")

RESAVE = "save it again without it (print to PDF) and upload it again."


def refusal(data: bytes, *, name: str = "scan.pdf", **options: object) -> tuple[str, str]:
    with pytest.raises(UploadRefused) as refused:
        upload_check(uploaded=files.upload(name, data), **options)  # type: ignore[arg-type]
    return refused.value.code, str(refused.value)


def test_a_clean_pdf_passes_unchanged_with_its_kind_taken_from_the_content():
    data = files.clean_pdf()

    checked = upload_check(uploaded=files.upload("证书.txt", data, "text/plain"))

    assert (checked.kind, checked.data, checked.size, checked.received_size) == (
        FileKind.PDF,
        data,
        len(data),
        len(data),
    )
    assert checked.sha256 == hashlib.sha256(data).hexdigest()
    assert (checked.original_name, checked.stored_name("abc")) == ("证书.txt", "abc.pdf")


def test_a_pdf_that_opens_at_its_first_page_passes():
    data = files.pdf_opening_at_first_page()
    assert upload_check(uploaded=files.upload("a.pdf", data)).data == data


@pytest.mark.parametrize(
    ("make", "code", "message"),
    [
        (files.pdf_with_javascript, "pdf_javascript", f"This PDF contains JavaScript; {RESAVE}"),
        (files.pdf_opening_with_javascript, "pdf_javascript", f"This PDF contains JavaScript; {RESAVE}"),
        (
            files.pdf_with_javascript_hidden_in_a_name,
            "pdf_javascript",
            f"This PDF contains JavaScript; {RESAVE}",
        ),
        (
            files.pdf_opening_with_launch,
            "pdf_launch",
            "This PDF can start other programs; save it again without that (print to PDF) and upload it again.",
        ),
        (
            files.pdf_with_attachment,
            "pdf_embedded_files",
            "This PDF has other files embedded in it; upload each document as a file of its own, or save the PDF "
            "again without them (print to PDF).",
        ),
        (
            files.pdf_with_file_attachment_annotation,
            "pdf_embedded_files",
            "This PDF has other files embedded in it; upload each document as a file of its own, or save the PDF "
            "again without them (print to PDF).",
        ),
        (
            files.pdf_with_submit_form,
            "pdf_form_data",
            f"This PDF contains a form that sends or imports data; {RESAVE}",
        ),
        (
            files.pdf_with_import_data,
            "pdf_form_data",
            f"This PDF contains a form that sends or imports data; {RESAVE}",
        ),
        (
            files.pdf_with_xfa,
            "pdf_xfa",
            "This PDF is an XFA form; save it again as an ordinary PDF (print to PDF) and upload it again.",
        ),
        (
            files.pdf_with_rich_media,
            "pdf_rich_media",
            f"This PDF contains embedded media (video, sound or Flash); {RESAVE}",
        ),
        (
            files.pdf_with_page_action,
            "pdf_automatic_actions",
            "This PDF runs actions by itself when it is opened or read; save it again without them (print to PDF) "
            "and upload it again.",
        ),
    ],
    ids=lambda value: value.__name__ if callable(value) else None,
)
def test_a_pdf_with_active_content_is_refused_saying_what_was_found(make, code, message):
    assert refusal(make()) == (code, message)


def test_a_pdf_locked_by_a_password_is_refused():
    assert refusal(files.encrypted_pdf(user_password="open-me")) == (
        "pdf_password",
        "This PDF is protected by a password, so the society could not open it; save it again without the "
        "password and upload it again.",
    )


def test_a_pdf_encrypted_only_against_changes_opens_without_a_password_and_is_checked_and_kept():
    data = files.encrypted_pdf(user_password="")
    assert upload_check(uploaded=files.upload("a.pdf", data)).data == data


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.7\n",
        b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
        files.clean_pdf()[:-120],
    ],
    ids=["header-only", "no-catalog", "cut-short"],
)
def test_a_pdf_that_cannot_be_read_is_refused(data):
    assert refusal(data) == (
        "pdf_damaged",
        "This PDF is damaged and cannot be read; save it again (print to PDF) and upload it again.",
    )


def test_the_tiny_pdf_the_demo_and_the_tests_upload_is_a_readable_pdf():
    assert upload_check(uploaded=files.upload("a.pdf", builders.TINY_PDF)).kind == FileKind.PDF


# Images ---------------------------------------------------------------------------------------


def decoded(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def test_a_photo_loses_its_exif_with_the_gps_position_and_is_turned_upright():
    # Orientation 6: the camera was turned; a viewer rotates the stored pixels 90° clockwise.
    data = files.image_bytes("JPEG", size=(64, 48), exif=files.gps_exif(orientation=6))
    assert decoded(data).getexif()[0x8825]  # the received photo does say where it was taken

    checked = upload_check(uploaded=files.upload("photo.jpg", data))

    image = decoded(checked.data)
    assert (checked.kind, image.format, image.size) == (FileKind.JPEG, "JPEG", (48, 64))
    assert dict(image.getexif()) == {}
    assert b"Exif" not in checked.data and b"PhoneMaker" not in checked.data
    top_left = image.getpixel((2, 2))
    assert isinstance(top_left, tuple) and top_left[0] > 150  # the red half is now on top
    assert image.getpixel((2, 60))[2] > 150  # type: ignore[index]


def test_a_png_loses_its_text_chunks_and_keeps_its_transparency():
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "secret-note")
    image = Image.new("RGBA", (20, 10), (0, 0, 0, 0))
    image.putpixel((1, 1), (255, 0, 0, 255))
    buffer = io.BytesIO()
    image.save(buffer, "PNG", pnginfo=info)

    checked = upload_check(uploaded=files.upload("sig.png", buffer.getvalue()))

    assert b"secret-note" not in checked.data
    again = decoded(checked.data)
    assert (again.mode, again.getpixel((0, 0)), again.getpixel((1, 1))) == (
        "RGBA",
        (0, 0, 0, 0),
        (255, 0, 0, 255),
    )


@pytest.mark.parametrize(("kind", "name"), [("JPEG", "photo.jpg"), ("PNG", "scan.png")])
def test_a_polyglot_image_comes_out_without_what_was_appended(kind, name):
    appended = files.zip_bytes() + b"<html><script>alert(1)</script></html>"
    data = files.image_bytes(kind) + appended

    checked = upload_check(uploaded=files.upload(name, data))

    assert b"PK\x03\x04" not in checked.data and b"<script>" not in checked.data
    assert decoded(checked.data).size == (64, 48)
    assert checked.received_size == len(data)


@override_settings(ENGCERT_MAX_IMAGE_PIXELS=1_000_000)
def test_an_image_with_more_pixels_than_allowed_is_refused_before_it_is_decoded():
    # 2000 × 2000 of one colour: a few kilobytes of PNG, 16 MB once decoded.
    buffer = io.BytesIO()
    Image.new("L", (2000, 2000), 0).save(buffer, "PNG", optimize=True)
    assert len(buffer.getvalue()) < 20_000

    assert refusal(buffer.getvalue(), name="bomb.png") == (
        "image_too_large",
        "This image has more than 1 million pixels, too many to be read safely; scan or save it at a lower "
        "resolution and upload it again.",
    )


def test_a_decompression_bomb_beyond_pillows_own_limit_is_refused_the_same_way():
    # The header of a 100 000 × 100 000 PNG: Pillow refuses it on opening, before any pixel.
    header = files.image_bytes("PNG", size=(1, 1))
    ihdr = header.index(b"IHDR")
    import struct
    import zlib

    body = b"IHDR" + struct.pack(">II", 100_000, 100_000) + header[ihdr + 12 : ihdr + 17]
    bomb = (
        header[: ihdr - 4]
        + struct.pack(">I", 13)
        + body
        + struct.pack(">I", zlib.crc32(body))
        + header[ihdr + 21 :]
    )

    assert refusal(bomb, name="bomb.png")[0] == "image_too_large"


@pytest.mark.parametrize("lenient", [False, True], ids=["pillow-strict", "pillow-lenient"])
@pytest.mark.parametrize(("kind", "name"), [("JPEG", "photo.jpg"), ("PNG", "scan.png")])
def test_a_truncated_image_is_refused(kind, name, lenient, monkeypatch):
    # WeasyPrint, once imported, makes Pillow decode cut-off images as far as they go.
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", lenient)
    data = files.image_bytes(kind, size=(300, 200))
    assert refusal(data[: len(data) // 2], name=name) == (
        "image_damaged",
        "This image is damaged or incomplete and cannot be read; save it again and upload it again.",
    )


# Kinds and sizes ------------------------------------------------------------------------------


def test_a_program_named_pdf_is_refused_by_its_content():
    assert refusal(b"MZ\x90\x00 this program", name="证明.pdf") == (
        "file_type",
        "Only PDF, JPEG and PNG files are accepted; this file is none of them.",
    )


def test_where_only_images_are_accepted_a_pdf_is_refused():
    assert refusal(files.clean_pdf(), name="sig.png", kinds=IMAGES) == (
        "file_type",
        "Only JPEG and PNG images are accepted; this file is neither.",
    )


def test_an_empty_file_is_refused():
    assert refusal(b"") == ("empty", "The file is empty.")


def test_the_announced_size_is_refused_before_reading_and_the_real_size_while_reading():
    data = files.clean_pdf()
    assert refusal(data + b"\0" * 3 * 1024 * 1024, max_bytes=2 * 1024 * 1024) == (
        "too_big",
        "The file is 3.0 MB; each file may be at most 2 MB.",
    )

    lying = files.upload("a.pdf", data + b"\0" * 2 * 1024 * 1024)
    lying.size = 10  # what a client claimed; the bytes that arrive are what count
    with pytest.raises(UploadRefused) as refused:
        upload_check(uploaded=lying, kinds=DOCUMENTS, max_bytes=1024 * 1024)
    assert (refused.value.code, str(refused.value)) == (
        "too_big",
        "Each file may be at most 1 MB; this one is larger.",
    )


def test_a_file_already_checked_by_a_form_is_not_read_again():
    checked = upload_check(uploaded=files.upload("a.pdf", files.clean_pdf()))
    assert upload_check(uploaded=checked) is checked
    with pytest.raises(UploadRefused):
        upload_check(uploaded=checked, kinds=IMAGES)
