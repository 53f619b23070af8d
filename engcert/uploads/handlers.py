"""Receiving uploads: Django's own handlers, with the spooled part of a large file deleted at once
when it cannot be written (a full disk), rather than whenever the failed request is collected.

A file over FILE_UPLOAD_MAX_MEMORY_SIZE is written to a temporary file as the request is read,
before any view runs; when the disk is full the error reaches engcert.unavailable, which answers
503 and says nothing was stored."""

from __future__ import annotations

import contextlib
from typing import Any

from django.core.files.uploadhandler import TemporaryFileUploadHandler


class SpoolingUploadHandler(TemporaryFileUploadHandler):
    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        try:
            return super().receive_data_chunk(raw_data, start)
        except OSError:
            self._discard()
            raise

    def file_complete(self, file_size: int) -> Any:
        try:
            return super().file_complete(file_size)
        except OSError:
            self._discard()
            raise

    def _discard(self) -> None:
        # A named temporary file: closing it deletes it, even when the final flush fails again.
        with contextlib.suppress(OSError):
            self.file.close()
