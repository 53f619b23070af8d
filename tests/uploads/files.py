"""Real files for the upload checks, made here with pypdf and Pillow: clean ones and hostile ones."""

from __future__ import annotations

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    TextStringObject,
)


def pdf_bytes(writer: PdfWriter) -> bytes:
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def clean_writer(pages: int = 1) -> PdfWriter:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    return writer


def clean_pdf() -> bytes:
    return pdf_bytes(clean_writer(2))


def pdf_with_javascript() -> bytes:
    writer = clean_writer()
    writer.add_js("app.alert('hello');")
    return pdf_bytes(writer)


def pdf_with_attachment() -> bytes:
    writer = clean_writer()
    writer.add_attachment("payload.exe", b"MZ\x90\x00 a program")
    return pdf_bytes(writer)


def _action(writer: PdfWriter, action: DictionaryObject) -> PdfWriter:
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    return writer


def pdf_opening_with_launch() -> bytes:
    action = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Action"),
            NameObject("/S"): NameObject("/Launch"),
            NameObject("/F"): TextStringObject("cmd.exe"),
        }
    )
    return pdf_bytes(_action(clean_writer(), action))


def pdf_opening_with_javascript() -> bytes:
    action = DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert(1)")}
    )
    return pdf_bytes(_action(clean_writer(), action))


def pdf_opening_at_first_page() -> bytes:
    """An ordinary document's open action: show page one. Nothing runs."""
    writer = clean_writer()
    destination = ArrayObject([writer.pages[0].indirect_reference, NameObject("/Fit")])
    action = DictionaryObject({NameObject("/S"): NameObject("/GoTo"), NameObject("/D"): destination})
    return pdf_bytes(_action(writer, action))


def pdf_with_page_action() -> bytes:
    """A page with an additional action (/AA) run when the page is opened."""
    writer = clean_writer()
    opened = DictionaryObject(
        {NameObject("/S"): NameObject("/URI"), NameObject("/URI"): TextStringObject("https://example.com/x")}
    )
    writer.pages[0][NameObject("/AA")] = DictionaryObject({NameObject("/O"): writer._add_object(opened)})
    return pdf_bytes(writer)


def _annotation(writer: PdfWriter, annotation: DictionaryObject) -> PdfWriter:
    annotation.update(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Rect"): ArrayObject(
                [FloatObject(10), FloatObject(10), FloatObject(50), FloatObject(50)]
            ),
        }
    )
    writer.pages[0][NameObject("/Annots")] = ArrayObject([writer._add_object(annotation)])
    return writer


def pdf_with_file_attachment_annotation() -> bytes:
    spec = DictionaryObject(
        {NameObject("/Type"): NameObject("/Filespec"), NameObject("/F"): TextStringObject("a.txt")}
    )
    annotation = DictionaryObject(
        {NameObject("/Subtype"): NameObject("/FileAttachment"), NameObject("/FS"): spec}
    )
    return pdf_bytes(_annotation(clean_writer(), annotation))


def pdf_with_rich_media() -> bytes:
    annotation = DictionaryObject({NameObject("/Subtype"): NameObject("/RichMedia")})
    return pdf_bytes(_annotation(clean_writer(), annotation))


def pdf_with_submit_form() -> bytes:
    submit = DictionaryObject(
        {
            NameObject("/S"): NameObject("/SubmitForm"),
            NameObject("/F"): TextStringObject("https://example.com/collect"),
        }
    )
    annotation = DictionaryObject({NameObject("/Subtype"): NameObject("/Widget"), NameObject("/A"): submit})
    return pdf_bytes(_annotation(clean_writer(), annotation))


def pdf_with_import_data() -> bytes:
    action = DictionaryObject(
        {NameObject("/S"): NameObject("/ImportData"), NameObject("/F"): TextStringObject("data.fdf")}
    )
    annotation = DictionaryObject({NameObject("/Subtype"): NameObject("/Link"), NameObject("/A"): action})
    return pdf_bytes(_annotation(clean_writer(), annotation))


def pdf_with_xfa() -> bytes:
    writer = clean_writer()
    form = DictionaryObject(
        {NameObject("/Fields"): ArrayObject(), NameObject("/XFA"): TextStringObject("<xdp/>")}
    )
    writer._root_object[NameObject("/AcroForm")] = writer._add_object(form)
    return pdf_bytes(writer)


def pdf_with_javascript_hidden_in_a_name() -> bytes:
    """/JS written with a hex escape (#4A is J): a reader decodes it, so must the check."""
    data = pdf_with_javascript()
    assert data.count(b"/JS ") == 1
    return data.replace(b"/JS ", b"/#4AS ")


def encrypted_pdf(*, user_password: str) -> bytes:
    writer = clean_writer()
    writer.encrypt(user_password=user_password, owner_password="owner-secret", algorithm="AES-128")
    return pdf_bytes(writer)


def pdf_with_many_pages(count: int) -> bytes:
    writer = clean_writer(count)
    writer.pages[0][NameObject("/Rotate")] = NumberObject(0)
    return pdf_bytes(writer)


def image_bytes(
    kind: str, *, size: tuple[int, int] = (64, 48), exif: Image.Exif | None = None, **options: object
) -> bytes:
    image = Image.new("RGB", size, (30, 90, 200))
    for x in range(size[0] // 2):  # the left half red, to see which way up the image is
        for y in range(size[1]):
            image.putpixel((x, y), (220, 20, 20))
    buffer = io.BytesIO()
    image.save(buffer, kind, **({"exif": exif} if exif is not None else {}), **options)
    return buffer.getvalue()


def gps_exif(*, orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0112] = orientation
    exif[0x8825] = {1: "N", 2: (39.0, 54.0, 26.0), 3: "E", 4: (116.0, 23.0, 29.0)}  # GPSInfo: Beijing
    return exif


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("run.js", "WScript.Echo('hi')")
    return buffer.getvalue()


def upload(name: str, data: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)
