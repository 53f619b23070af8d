"""Refusing an oversized evidence file while it streams in, before it is stored anywhere."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadhandler import FileUploadHandler, StopUpload


class SizeLimitUploadHandler(FileUploadHandler):
    """Counts the bytes of each uploaded file as they arrive and stops the upload as soon as one
    passes ``limit``: the rest of the body is read and discarded chunk by chunk (never held in
    memory, never written to disk), the fields sent before the file are kept, and the view reads
    ``too_large`` to tell the person why the file is missing."""

    def __init__(self, request: Any = None, *, limit: int) -> None:
        super().__init__(request)
        self.limit = limit
        self.too_large = False
        self._received = 0

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self._received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self._received += len(raw_data)
        if self._received > self.limit:
            self.too_large = True
            # Not a connection reset: the browser finishes sending and reads our answer.
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None
