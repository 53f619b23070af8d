"""Why an upload was not taken: the message is for the person who sent it."""

from __future__ import annotations


class UploadRefused(Exception):
    """The file itself is not acceptable; ``code`` names the reason for forms and tests."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.code = code


class UploadNotStored(Exception):
    """The file was acceptable but the server could not store it (a full disk, a failing volume):
    nothing of the change it belonged to was kept."""
