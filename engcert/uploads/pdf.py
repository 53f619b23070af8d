"""What a PDF may not contain: anything that runs, launches, carries other files or sends data.

Such a PDF is refused, not rewritten. The society keeps what people send as evidence; a copy
rewritten by the server would no longer be what they sent (and would break a digital signature
on it), and the person is the one who can save a clean copy ("print to PDF") of their own file.
A clean PDF is stored byte for byte as received.
"""

from __future__ import annotations

import io
import logging
from enum import StrEnum

from django.utils.translation import gettext as _
from pypdf import PasswordType, PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, PdfObject

from engcert.uploads.errors import UploadRefused

logger = logging.getLogger(__name__)

# Objects looked at before giving up on a file as too complex: a scanned document of a few
# hundred pages has a few thousand; this is far beyond any honest document.
MAX_OBJECTS = 250_000


class PdfFinding(StrEnum):
    """In the order they are reported when a file has several."""

    JAVASCRIPT = "pdf_javascript"
    LAUNCH = "pdf_launch"
    EMBEDDED_FILES = "pdf_embedded_files"
    FORM_DATA = "pdf_form_data"
    XFA = "pdf_xfa"
    RICH_MEDIA = "pdf_rich_media"
    AUTOMATIC_ACTIONS = "pdf_automatic_actions"


def _finding_message(finding: PdfFinding) -> str:
    messages = {
        PdfFinding.JAVASCRIPT: _(
            "This PDF contains JavaScript; save it again without it (print to PDF) and upload it again."
        ),
        PdfFinding.LAUNCH: _(
            "This PDF can start other programs; save it again without that (print to PDF) and upload it again."
        ),
        PdfFinding.EMBEDDED_FILES: _(
            "This PDF has other files embedded in it; upload each document as a file of its own, or save "
            "the PDF again without them (print to PDF)."
        ),
        PdfFinding.FORM_DATA: _(
            "This PDF contains a form that sends or imports data; save it again without it (print to PDF) "
            "and upload it again."
        ),
        PdfFinding.XFA: _(
            "This PDF is an XFA form; save it again as an ordinary PDF (print to PDF) and upload it again."
        ),
        PdfFinding.RICH_MEDIA: _(
            "This PDF contains embedded media (video, sound or Flash); save it again without it (print to "
            "PDF) and upload it again."
        ),
        PdfFinding.AUTOMATIC_ACTIONS: _(
            "This PDF runs actions by itself when it is opened or read; save it again without them (print "
            "to PDF) and upload it again."
        ),
    }
    return messages[finding]


_ACTION_FINDINGS = {
    "/JavaScript": PdfFinding.JAVASCRIPT,
    "/Launch": PdfFinding.LAUNCH,
    "/SubmitForm": PdfFinding.FORM_DATA,
    "/ImportData": PdfFinding.FORM_DATA,
    "/RichMediaExecute": PdfFinding.RICH_MEDIA,
}
_KEY_FINDINGS = {
    "/JS": PdfFinding.JAVASCRIPT,
    "/JavaScript": PdfFinding.JAVASCRIPT,
    "/Launch": PdfFinding.LAUNCH,
    "/EmbeddedFiles": PdfFinding.EMBEDDED_FILES,
    "/EF": PdfFinding.EMBEDDED_FILES,
    "/XFA": PdfFinding.XFA,
    "/RichMediaContent": PdfFinding.RICH_MEDIA,
    "/RichMediaSettings": PdfFinding.RICH_MEDIA,
    "/AA": PdfFinding.AUTOMATIC_ACTIONS,
}
_TYPE_FINDINGS = {
    "/EmbeddedFile": PdfFinding.EMBEDDED_FILES,
    "/FileAttachment": PdfFinding.EMBEDDED_FILES,
    "/RichMedia": PdfFinding.RICH_MEDIA,
}


def _dictionary_findings(dictionary: DictionaryObject) -> set[PdfFinding]:
    found = {_KEY_FINDINGS[key] for key in dictionary if key in _KEY_FINDINGS}
    action = dictionary.get("/S")
    if isinstance(action, str) and action in _ACTION_FINDINGS:
        found.add(_ACTION_FINDINGS[action])
    opening = dictionary.get("/OpenAction")
    opening = opening.get_object() if isinstance(opening, IndirectObject) else opening
    # Opening at a page is what most documents do; any other action on opening runs by itself.
    if isinstance(opening, DictionaryObject) and opening.get("/S") != "/GoTo":
        found.add(PdfFinding.AUTOMATIC_ACTIONS)
    for key in ("/Type", "/Subtype"):
        value = dictionary.get(key)
        if isinstance(value, str) and value in _TYPE_FINDINGS:
            found.add(_TYPE_FINDINGS[value])
    return found


def _damaged() -> UploadRefused:
    return UploadRefused(
        _("This PDF is damaged and cannot be read; save it again (print to PDF) and upload it again."),
        code="pdf_damaged",
    )


def pdf_findings(reader: PdfReader) -> set[PdfFinding]:
    """Everything the document reaches from its catalog, walked without recursion (a hostile
    file nests as deep as it likes) and each object once (it may also point back at itself)."""
    found: set[PdfFinding] = set()
    seen: set[tuple[int, int]] = set()
    stack: list[PdfObject] = [reader.trailer["/Root"]]
    looked_at = 0
    while stack:
        item = stack.pop()
        looked_at += 1
        if looked_at > MAX_OBJECTS:
            raise UploadRefused(
                _("This PDF is too complex to check; save it again (print to PDF) and upload it again."),
                code="pdf_too_complex",
            )
        if isinstance(item, IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
            resolved = item.get_object()
            if resolved is None:
                continue
            item = resolved
        if isinstance(item, DictionaryObject):  # streams too: their dictionary says what they are
            found |= _dictionary_findings(item)
            stack.extend(item.values())
        elif isinstance(item, ArrayObject):
            stack.extend(item)
    return found


def pdf_check(data: bytes) -> None:
    """Refuse a PDF that cannot be read, is locked by a password, or contains active content."""
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
            raise UploadRefused(
                _(
                    "This PDF is protected by a password, so the society could not open it; save it "
                    "again without the password and upload it again."
                ),
                code="pdf_password",
            )
        if len(reader.pages) == 0:
            raise _damaged()
        found = pdf_findings(reader)
    except UploadRefused:
        raise
    except Exception as error:  # whatever a damaged or hostile file makes the parser raise
        logger.info("An uploaded PDF could not be read: %r", error)
        raise _damaged() from error
    if found:
        first = min(found, key=list(PdfFinding).index)
        raise UploadRefused(_finding_message(first), code=first.value)
