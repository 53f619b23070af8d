"""Script, markup, template and formula payloads stored in every free-text field of an
application (every section), in the applicant's account name and in the unit's profile stay
inert: the pages that show them hold the text escaped and no element or attribute made from
it, the application's PDF shows the text literally with no script or link made from it."""

from __future__ import annotations

import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.db import models

from engcert.applications.models import Application
from tests.conftest import World

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "{{ 7*7 }}",
    "{% debug %}",
    '=HYPERLINK("http://x","y")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1)",
]
PAYLOAD = " ".join(PAYLOADS)


class Elements(HTMLParser):
    """Every element and attribute of a page, as a browser would build them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, {name: value or "" for name, value in attrs}))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def live_markup(html: str) -> list[str]:
    """Elements or attributes on the page that only the payloads could have made."""
    parser = Elements()
    parser.feed(html)
    made: list[str] = []
    for tag, attrs in parser.found:
        if tag == "script" and not attrs.get("src", "").startswith("/static/"):
            made.append(f"<script> without a static source: {attrs}")
        if tag == "img" and attrs.get("src") == "x":
            made.append("<img src=x>")
        for name, value in attrs.items():
            if name.startswith("on"):
                made.append(f"{tag}[{name}]")
            if value.strip().lower().startswith("javascript:"):
                made.append(f"{tag}[{name}={value}]")
    return made


def text_of(html: str) -> str:
    parser = Elements()
    parser.feed(html)
    return "".join(parser.text)


def _fill_text_fields(instance: models.Model) -> None:
    """Every free-text field of the row holds the payloads (cut to the field's length)."""
    changed = []
    for field in instance._meta.concrete_fields:
        if (
            isinstance(field, models.CharField | models.TextField)
            and not field.choices
            and not field.primary_key
        ):
            if field.name in {
                "id_number",
                "number",
                "email",
                "uid",
                "referee_email",
                "phone",
                "referee_phone",
            }:
                continue  # identifiers and addresses, checked by their own validators
            if field.name.endswith("_index") or field.name.startswith("search"):
                continue
            limit = field.max_length or len(PAYLOAD)
            setattr(instance, field.name, PAYLOAD[:limit])
            changed.append(field.name)
    type(instance).objects.filter(pk=instance.pk).update(
        **{name: getattr(instance, name) for name in changed}
    )


@pytest.fixture
def hostile(world: World, complete_draft: Application) -> Application:
    _fill_text_fields(complete_draft)
    for related in ("projects", "work_entries", "education", "achievements", "statements", "cpd_records",
                    "international_titles"):  # fmt: skip
        manager = getattr(complete_draft, related, None)
        for row in manager.all() if manager is not None else []:
            _fill_text_fields(row)
    world.applicant.full_name = PAYLOAD[:100]
    world.applicant.save(update_fields=["full_name"])
    _fill_text_fields(world.unit)
    complete_draft.refresh_from_db()
    return complete_draft


@pytest.mark.parametrize(
    "who, path",
    [
        ("applicant", ""),
        ("applicant", "review/"),
        ("applicant", "edit/personal/"),
        ("applicant", "edit/projects/"),
        ("applicant", "edit/work/"),
        ("applicant", "edit/education/"),
        ("applicant", "edit/competency/"),
        ("staff", ""),
    ],
)
def test_payloads_in_every_section_are_shown_as_text_and_make_no_markup(
    world: World, hostile: Application, who: str, path: str
) -> None:
    response = world.client_for(getattr(world, who)).get(f"/applications/{hostile.uid}/{path}")
    html = response.content.decode()

    assert response.status_code == 200
    assert live_markup(html) == []
    assert "<script>alert(1)</script>" in text_of(html)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_applicants_own_list_and_the_units_workspace_show_the_payloads_as_text(
    world: World, hostile: Application
) -> None:
    for user, path in ((world.applicant, "/applications/"), (world.unit_admin, "/")):
        html = world.client_for(user).get(path, follow=True).content.decode()
        assert live_markup(html) == [], path


def test_payloads_in_the_application_pdf_are_printed_literally_and_make_no_script_or_link(
    world: World, hostile: Application, tmp_path: Path
) -> None:
    response = world.client_for(world.applicant).get(f"/applications/{hostile.uid}/pdf/")
    pdf = b"".join(response.streaming_content) if response.streaming else response.content
    (tmp_path / "a.pdf").write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(tmp_path / "a.pdf"), "-"], capture_output=True, check=True
    ).stdout.decode()

    assert response.status_code == 200
    flat = " ".join(text.split())
    assert "<script>alert(1)</script>" in flat
    assert "{{ 7*7 }}" in flat
    for marker in (b"/JavaScript", b"/JS ", b"/Launch", b"javascript:", b"http://x"):
        assert marker not in pdf, marker
