"""The kinds of document people may upload, recognised by their first bytes, never by their name."""

from __future__ import annotations

from django.db import models


class FileKind(models.TextChoices):
    """Each kind's value is its content type."""

    PDF = "application/pdf", "PDF"
    JPEG = "image/jpeg", "JPEG"
    PNG = "image/png", "PNG"

    @property
    def extension(self) -> str:
        return EXTENSIONS[self]

    @property
    def is_image(self) -> bool:
        return self in IMAGES


EXTENSIONS = {FileKind.PDF: ".pdf", FileKind.JPEG: ".jpg", FileKind.PNG: ".png"}
IMAGES = frozenset({FileKind.JPEG, FileKind.PNG})
DOCUMENTS = frozenset({FileKind.PDF, FileKind.JPEG, FileKind.PNG})

_SIGNATURES: tuple[tuple[bytes, FileKind], ...] = (
    (b"%PDF-", FileKind.PDF),
    (b"\xff\xd8\xff", FileKind.JPEG),
    (b"\x89PNG\r\n\x1a\n", FileKind.PNG),
)
HEAD_BYTES = 16


def file_kind_sniff(head: bytes) -> FileKind | None:
    """The kind the first bytes announce; a real parse must still confirm it."""
    for magic, kind in _SIGNATURES:
        if head.startswith(magic):
            return kind
    return None
