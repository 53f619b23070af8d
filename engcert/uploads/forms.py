"""A form field for a document: the file is checked by its content while the form is cleaned, so
a refusal appears beside the field, and the form's cleaned value is the checked upload."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile

from engcert.uploads.domain import upload_check
from engcert.uploads.errors import UploadRefused
from engcert.uploads.kinds import DOCUMENTS, FileKind

ACCEPT = {
    FileKind.PDF: "application/pdf,.pdf",
    FileKind.JPEG: "image/jpeg,.jpg,.jpeg",
    FileKind.PNG: "image/png,.png",
}


class DocumentField(forms.FileField):
    def __init__(
        self,
        *,
        kinds: Collection[FileKind] = DOCUMENTS,
        max_bytes: int | None = None,
        **kwargs: Any,
    ) -> None:
        self.kinds = frozenset(kinds)
        self.max_bytes = max_bytes
        kwargs.setdefault(
            "widget",
            forms.ClearableFileInput(
                attrs={"accept": ",".join(ACCEPT[kind] for kind in FileKind if kind in self.kinds)}
            ),
        )
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        value = super().clean(data, initial)
        if not isinstance(value, UploadedFile):
            return value
        try:
            return upload_check(uploaded=value, kinds=self.kinds, max_bytes=self.max_bytes)
        except UploadRefused as refusal:
            raise forms.ValidationError(str(refusal), code=refusal.code) from refusal
