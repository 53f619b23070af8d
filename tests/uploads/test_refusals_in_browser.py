"""In a real browser: a PDF with JavaScript sent from the application's attachments page or with
an appeal is refused, and the page says why right beside the file field, in Chinese and in English,
on a desktop and on a phone."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

from engcert.accounts.models import User
from engcert.appeals.models import Appeal
from engcert.applications.domain.application import application_create
from engcert.applications.models import Attachment
from tests.appeals.helpers import STATEMENT, rejected
from tests.browser.conftest import browser, chinese_journey, shots  # noqa: F401 -- fixtures
from tests.browser.journey import Person
from tests.conftest import World
from tests.uploads import files

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("chinese_journey"),
]

MESSAGE = "This PDF contains JavaScript; save it again without it (print to PDF) and upload it again."
# Each language once, one at a desktop's width and one at a phone's; set ENGCERT_UPLOAD_SHOTS_ALL
# to take every pairing when looking at the pages by eye.
PAIRS = (
    [(language, width) for language in ("zh-hans", "en") for width in (1280, 390)]
    if os.environ.get("ENGCERT_UPLOAD_SHOTS_ALL")
    else [("zh-hans", 1280), ("en", 390)]
)


def in_language(language: str, name: str = "") -> str:
    with translation.override(language):
        message = translation.gettext(MESSAGE)
        return (
            translation.gettext("“%(name)s”: %(problem)s") % {"name": name, "problem": message}
            if name
            else message
        )


def window(chromium: Any, live_server: Any, folder: Path, *, language: str, width: int, user: User) -> Person:
    User.objects.filter(pk=user.pk).update(language=language)  # the language a person chose wins
    person = Person(chromium, live_server.url, folder, f"{language}-{width}")
    person.page.set_viewport_size({"width": width, "height": 900})
    host = live_server.url.split("//")[1].split(":")[0]
    person.context.add_cookies([{"name": "django_language", "value": language, "domain": host, "path": "/"}])
    person.sign_in(user, second_factor=False)
    return person


def beside_the_field(person: Person, name: str) -> str:
    return str(person.page.locator(f"#field-{name} .errorlist").inner_text())


def test_a_pdf_with_javascript_is_refused_beside_the_file_field_on_the_attachments_page_and_the_appeal_form(
    browser: Any,  # noqa: F811 -- the fixture
    live_server: Any,
    shots: Path,  # noqa: F811 -- the fixture
    world: World,
    tmp_path: Path,
) -> None:
    hostile = tmp_path / "学位证书.pdf"
    hostile.write_bytes(files.pdf_with_javascript())
    draft = application_create(batch=world.batch, applicant=world.other_applicant)
    appealing = rejected(world)
    before = Attachment.objects.count()

    for language, width in PAIRS:
        person = window(
            browser, live_server, shots, language=language, width=width, user=world.other_applicant
        )
        person.go(f"/applications/{draft.uid}/edit/attachments/")
        person.page.set_input_files("input[name=file]", str(hostile))
        person.click(person.page.locator("form:has(input[name=file]) button[type=submit]"))
        assert beside_the_field(person, "file") == in_language(language)
        person.page.locator("#field-file").scroll_into_view_if_needed()
        person.shot("attachments-refused")
        person.close()

        person = window(browser, live_server, shots, language=language, width=width, user=appealing.applicant)
        person.go(f"/appeals/apply/{appealing.uid}/")
        person.page.fill("textarea[name=statement]", STATEMENT)
        person.page.set_input_files("input[name=evidence]", str(hostile))
        person.click(person.page.locator("form:has(input[name=evidence]) button[type=submit]"))
        shown = beside_the_field(person, "evidence")
        # The file's name, then the problem; the punctuation between them is the catalogue's.
        assert shown.startswith("“学位证书.pdf”") and shown.endswith(in_language(language))
        person.shot("appeal-refused")
        person.close()

    assert (Attachment.objects.count(), Appeal.objects.count()) == (before, 0)
