"""An uploaded document: checked by its content, and stored all or nothing.

``upload_check`` reads the file (never more than the limit allows), recognises its kind by its
content, confirms it by parsing it and returns the bytes that are safe to store: a clean PDF as
received, an image drawn again (see ``images``). ``upload_store`` puts those bytes in storage;
when the storage fails (a full disk), the partial file is removed and ``UploadNotStored`` raised.
Inside ``uploads_all_or_nothing()`` every file stored is removed again when the block fails, so a
change that stores several files (an appeal's evidence, a page of rows with certificates) keeps
all of them or none, together with its database rows.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.core.files.uploadedfile import UploadedFile
from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext as _

from engcert.uploads.errors import UploadNotStored, UploadRefused
from engcert.uploads.images import image_reencode
from engcert.uploads.kinds import DOCUMENTS, HEAD_BYTES, IMAGES, FileKind, file_kind_sniff
from engcert.uploads.pdf import pdf_check

logger = logging.getLogger(__name__)

MB = 1024 * 1024


@dataclass(frozen=True)
class CheckedUpload:
    """A file that passed ``upload_check``: ``data`` is what may be stored."""

    data: bytes
    kind: FileKind
    original_name: str
    received_size: int
    sha256: str

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def content_type(self) -> str:
        return self.kind.value

    def stored_name(self, stem: str) -> str:
        """``stem`` with the extension of the kind found in the content, whatever the name said."""
        return f"{stem}{self.kind.extension}"


def megabytes(size: int) -> str:
    """A size in MB as people read it: 10, 2.5, 0.1."""
    value = round(size / MB, 1)
    return str(int(value)) if value == int(value) else str(value)


def _too_big(size: int, max_bytes: int) -> UploadRefused:
    return UploadRefused(
        _("The file is %(size)s MB; each file may be at most %(limit)s MB.")
        % {"size": round(size / MB, 1), "limit": megabytes(max_bytes)},
        code="too_big",
    )


def _wrong_kind(kinds: Collection[FileKind]) -> UploadRefused:
    if set(kinds) == DOCUMENTS:
        message = _("Only PDF, JPEG and PNG files are accepted; this file is none of them.")
    elif set(kinds) == IMAGES:
        message = _("Only JPEG and PNG images are accepted; this file is neither.")
    else:
        message = _("Only %(kinds)s files are accepted here; this file is not one.") % {
            "kinds": ", ".join(kind.label for kind in kinds)
        }
    return UploadRefused(message, code="file_type")


def _read_bounded(uploaded: UploadedFile, max_bytes: int) -> bytes:
    """The whole file, counting while reading: the size announced may be wrong."""
    uploaded.seek(0)
    parts: list[bytes] = []
    received = 0
    for chunk in uploaded.chunks():
        received += len(chunk)
        if received > max_bytes:
            raise UploadRefused(
                _("Each file may be at most %(limit)s MB; this one is larger.")
                % {"limit": megabytes(max_bytes)},
                code="too_big",
            )
        parts.append(chunk)
    uploaded.seek(0)
    return b"".join(parts)


def upload_check(
    *,
    uploaded: UploadedFile | CheckedUpload,
    kinds: Collection[FileKind] = DOCUMENTS,
    max_bytes: int | None = None,
    max_pixels: int | None = None,
) -> CheckedUpload:
    """The file as it may be stored, or UploadRefused saying why not. Its kind comes from its
    content, confirmed by a real parse; a PDF with active content is refused (see ``pdf``), an
    image is drawn again (see ``images``). A file a form already checked is taken as it is."""
    max_bytes = settings.ENGCERT_MAX_UPLOAD_BYTES if max_bytes is None else max_bytes
    max_pixels = settings.ENGCERT_MAX_IMAGE_PIXELS if max_pixels is None else max_pixels
    if isinstance(uploaded, CheckedUpload):
        if uploaded.kind not in kinds:
            raise _wrong_kind(kinds)
        if uploaded.received_size > max_bytes:
            raise _too_big(uploaded.received_size, max_bytes)
        return uploaded
    announced = uploaded.size or 0
    if announced > max_bytes:  # refused before a byte is read
        raise _too_big(announced, max_bytes)
    data = _read_bounded(uploaded, max_bytes)
    if not data:
        raise UploadRefused(_("The file is empty."), code="empty")
    kind = file_kind_sniff(data[:HEAD_BYTES])
    if kind is None or kind not in kinds:
        raise _wrong_kind(kinds)
    if kind == FileKind.PDF:
        pdf_check(data)
        safe = data
    else:
        safe = image_reencode(data=data, kind=kind, max_pixels=max_pixels)
    return CheckedUpload(
        data=safe,
        kind=kind,
        original_name=(uploaded.name or "")[-200:],
        received_size=len(data),
        sha256=hashlib.sha256(safe).hexdigest(),
    )


# Storing ---------------------------------------------------------------------------------------


@dataclass
class _StoredTogether:
    stored: list[tuple[Storage, str]] = field(default_factory=list)

    def discard(self) -> None:
        for storage, name in reversed(self.stored):
            _remove(storage, name)
        self.stored.clear()


_together: ContextVar[_StoredTogether | None] = ContextVar("engcert_uploads_together", default=None)


def _remove(storage: Storage, name: str) -> None:
    try:
        storage.delete(name)
    except OSError:
        logger.exception("A stored upload could not be removed after a failed change: %s", name)


def storage_failure_message() -> str:
    return _("The server could not store the file just now; nothing was saved. Try again later.")


def upload_store(*, file: FieldFile, stem: str, checked: CheckedUpload) -> None:
    """Store ``checked`` in the model's file field under ``stem`` plus the extension of its kind
    (the field's own folder in front), without saving the row; see ``file_store``."""
    file_store(file=file, name=checked.stored_name(stem), data=checked.data)


def file_store(*, file: FieldFile, name: str, data: bytes) -> None:
    """Store ``data`` in the model's file field, without saving the row. On a storage failure
    the partial file is removed and UploadNotStored raised; the caller's transaction then rolls
    its rows back. Inside ``uploads_all_or_nothing()`` the file is removed if the block fails."""
    target = file.field.generate_filename(file.instance, name)
    storage = file.storage
    was_there = storage.exists(target)
    try:
        file.save(name, ContentFile(data), save=False)
    except Exception as error:  # a full disk (OSError), an object store that refuses the write, ...
        logger.exception("An upload could not be stored as %s", target)
        if not was_there:
            _remove(storage, target)
        raise UploadNotStored(storage_failure_message()) from error
    together = _together.get()
    if together is not None and file.name:
        together.stored.append((storage, file.name))


@contextmanager
def uploads_all_or_nothing() -> Iterator[None]:
    """Files stored inside the block are removed again if the block fails. Blocks nest: an inner
    block that fails removes its own files; one that succeeds hands them to the outer block."""
    outer = _together.get()
    mine = _StoredTogether()
    token = _together.set(mine)
    try:
        yield
    except BaseException:
        mine.discard()
        raise
    finally:
        _together.reset(token)
    if outer is not None:
        outer.stored.extend(mine.stored)
