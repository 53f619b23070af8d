"""Refusing an oversized evidence file while it streams in, before it is stored anywhere."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadhandler import FileUploadHandler


class SizeLimitUploadHandler(FileUploadHandler):
    """Counts the bytes of each uploaded file as they arrive. Once a file passes ``limit`` the
    rest of it is read and dropped chunk by chunk (never held in memory, never written to disk:
    the handlers after this one stop receiving it), the other fields are still read, and the
    view reads ``too_large`` to tell the person why their file was not taken.

    The upload is not stopped with ``StopUpload``: Django then drains the body line by line,
    and a file without line breaks would be read into memory whole."""

    def __init__(self, request: Any = None, *, limit: int) -> None:
        super().__init__(request)
        self.limit = limit
        self.too_large = False
        self._received = 0

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self._received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self._received += len(raw_data)
        if self._received > self.limit:
            self.too_large = True
            return None
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None
