"""Files stored inside ``uploads_all_or_nothing()`` are removed when the block fails; an inner
block that fails removes only its own files, one that succeeds leaves them to the outer block."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from engcert.applications.domain.application import application_create
from engcert.applications.models import Attachment
from engcert.uploads.domain import upload_check, upload_store, uploads_all_or_nothing
from tests.conftest import World
from tests.uploads import files


class Failed(Exception):
    pass


def on_disk() -> list[str]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) if root.exists() else []


def store(attachment: Attachment, stem: str) -> str:
    upload_store(
        file=attachment.file,
        stem=stem,
        checked=upload_check(uploaded=files.upload("a.pdf", files.clean_pdf())),
    )
    return attachment.file.name


def test_a_failing_block_removes_every_file_it_stored_and_a_nested_failure_only_its_own(world: World):
    application = application_create(batch=world.batch, applicant=world.applicant)

    def attachment() -> Attachment:
        return Attachment(application=application, uploaded_by=world.applicant)

    with pytest.raises(Failed), uploads_all_or_nothing():
        store(attachment(), "one")
        store(attachment(), "two")
        raise Failed
    assert on_disk() == []

    with uploads_all_or_nothing():
        kept = store(attachment(), "kept")
        with pytest.raises(Failed), uploads_all_or_nothing():
            store(attachment(), "inner")
            raise Failed
    assert on_disk() == [kept]

    with pytest.raises(Failed), uploads_all_or_nothing():
        with uploads_all_or_nothing():
            store(attachment(), "handed-out")
        raise Failed
    assert on_disk() == [kept]
