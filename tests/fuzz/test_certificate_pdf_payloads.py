"""A member whose name (in Chinese and in English) and unit hold script, markup and template
text gets a certificate, issued and downloaded the real way, that prints the name literally,
with no script, no launch action and no link: the certificate has no link at all (its QR code is
drawn, not linked), so none can be made from the text."""

from __future__ import annotations

import io
import os
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from engcert.certificates.domain import certificate_issue
from engcert.organisations.models import Organisation
from tests.certificates.public_helpers import member_registration
from tests.conftest import World
from tests.cpd.members import member_user

NAME = "<script>alert(1)</script>{{ 7*7 }}"
NAME_EN = '"><a href="javascript:alert(1)">x</a><img src=x onerror=alert(1)>'
UNIT = "<b>Unit</b> {% debug %}"

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        os.environ.get("ENGCERT_DB") == "postgres", reason="independent of the database; run once"
    ),
]


def _links(pdf: bytes) -> list[str]:
    """Every action of a link annotation, and the action a reader would run on opening."""
    reader = PdfReader(io.BytesIO(pdf))
    opening = reader.trailer["/Root"].get("/OpenAction")
    found = [repr(opening.get_object())] if opening is not None else []
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action is not None:
                found.append(repr(action.get_object()))
    return found


def test_a_name_made_of_markup_is_printed_literally_and_makes_no_script_or_link(
    world: World, tmp_path: Path
) -> None:
    Organisation.objects.filter(pk=world.unit.pk).update(name=UNIT, name_en=UNIT)
    holder = member_user("member@example.com", NAME)
    registration = member_registration(
        world.society, name=NAME, name_en=NAME_EN, holder=holder, unit=world.unit
    )
    certificate = certificate_issue(registration=registration, by=world.staff)

    response = world.client_for(holder).get(f"/me/certificates/{certificate.number}/pdf/")
    pdf = b"".join(response.streaming_content)
    (tmp_path / "c.pdf").write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(tmp_path / "c.pdf"), "-"], capture_output=True, check=True
    ).stdout.decode()
    flat = " ".join(text.split())

    assert response.status_code == 200
    assert NAME.replace(" ", "") in flat.replace(" ", "")
    assert " ".join(NAME_EN.split()) in flat
    for marker in (b"/JavaScript", b"/JS", b"/Launch", b"javascript:", b"/SubmitForm", b"/ImportData"):
        assert marker not in pdf, marker
    assert _links(pdf) == []
