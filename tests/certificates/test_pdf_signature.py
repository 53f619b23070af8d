"""The certificate's two proofs checked from outside: the PAdES signature with poppler's pdfsig
and pyHanko's validator, the QR code read from an image of the page with zbarimg; and the fonts."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from asn1crypto import pem, x509  # type: ignore[import-untyped]
from django.conf import settings
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from engcert.certificates.domain import CertificateError, certificate_issue
from engcert.certificates.keys import signing_material_for
from engcert.certificates.models import Certificate
from engcert.certificates.payload import PayloadError, payload_verify
from engcert.registration.models import Registration
from tests.certificates.issue_helpers import (
    embedded_fonts,
    nss_db_trusting,
    p_parameter,
    qr_payloads,
    registered_members,
    run,
)
from tests.conftest import World

pytestmark = pytest.mark.django_db


def issued_pdf(world: World, tmp_path: Path, *, name: str | None = None) -> tuple[Certificate, Path]:
    registration = registered_members(world, 1)[0]
    if name is not None:
        Registration.objects.filter(pk=registration.pk).update(full_name=name)
        registration.refresh_from_db()
    certificate = certificate_issue(registration=registration, by=world.staff)
    path = tmp_path / "certificate.pdf"
    path.write_bytes(certificate.pdf.read())
    return certificate, path


def test_pdfsig_says_the_signature_is_valid_and_the_certificate_trusted(world: World, tmp_path: Path):
    _certificate, path = issued_pdf(world, tmp_path)
    material = signing_material_for(world.society.code)
    assert material.ca_cert_path is not None
    nss = nss_db_trusting(material.ca_cert_path, tmp_path / "nss")

    report = run("pdfsig", "-nssdir", nss, str(path))

    assert "Signature #1:" in report
    assert "Signature Validation: Signature is Valid." in report
    assert "Certificate Validation: Certificate is Trusted." in report
    assert "Signature Type: ETSI.CAdES.detached" in report
    assert "Signature #2:" not in report


def test_pdfsig_does_not_trust_the_signer_without_the_societys_authority(world: World, tmp_path: Path):
    _certificate, path = issued_pdf(world, tmp_path)
    empty = tmp_path / "empty-nss"
    empty.mkdir()
    run("certutil", "-N", "--empty-password", "-d", f"sql:{empty}")

    report = run("pdfsig", "-nssdir", f"sql:{empty}", str(path))

    assert "Signature Validation: Signature is Valid." in report
    assert "Certificate Validation: Certificate issuer isn't Trusted." in report


def test_pyhanko_validates_the_signature_against_the_societys_authority(world: World, tmp_path: Path):
    _certificate, path = issued_pdf(world, tmp_path)
    material = signing_material_for(world.society.code)
    assert material.ca_cert_path is not None
    _type, _headers, der = pem.unarmor(material.ca_cert_path.read_bytes())
    context = ValidationContext(trust_roots=[x509.Certificate.load(der)], allow_fetching=False)

    with path.open("rb") as handle:
        signature = PdfFileReader(handle).embedded_signatures[0]
        status = validate_pdf_signature(signature, context)

    assert (status.intact, status.valid, status.trusted) == (True, True, True)
    assert status.coverage.name == "ENTIRE_FILE"
    assert status.signing_cert.subject.native["common_name"] == "中国电机工程学会 certificate signing"


def test_a_changed_byte_breaks_the_signature(world: World, tmp_path: Path):
    _certificate, path = issued_pdf(world, tmp_path)
    content = bytearray(path.read_bytes())
    position = content.index(b"/Type /Page") if b"/Type /Page" in content else 200
    content[position + 1] ^= 0x01
    changed = tmp_path / "changed.pdf"
    changed.write_bytes(bytes(content))

    report = run("pdfsig", str(changed))

    assert "Signature is Valid." not in report


def test_the_qr_code_read_from_the_page_carries_the_signed_payload_and_a_change_fails(
    world: World, tmp_path: Path
):
    certificate, path = issued_pdf(world, tmp_path)

    urls = qr_payloads(path, tmp_path)

    assert urls == [f"{settings.SITE_URL}/verify/{certificate.number}/?p={certificate.qr_token}"]
    token = p_parameter(urls[0])
    assert payload_verify(token).claims["n"] == certificate.number
    header, body, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    claims["vu"] = "2099-12-31"
    forged = (
        base64.urlsafe_b64encode(
            json.dumps(claims, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()
        )
        .rstrip(b"=")
        .decode()
    )
    with pytest.raises(PayloadError) as error:
        payload_verify(f"{header}.{forged}.{signature}")
    assert str(error.value) == (
        "The QR code's signature does not match its data: the data was changed after signing."
    )


def test_the_fonts_are_embedded(world: World, tmp_path: Path):
    _certificate, path = issued_pdf(world, tmp_path)

    fonts = embedded_fonts(path)

    assert "Noto-Serif-CJK-SC" in fonts
    assert "Noto-Serif-CJK-SC-Bold" in fonts
    assert "Noto-Sans-CJK-SC" in fonts


def test_a_rare_character_prints_with_the_hanazono_font(world: World, tmp_path: Path):
    certificate, path = issued_pdf(world, tmp_path, name="王𠀀")

    fonts = embedded_fonts(path)

    assert certificate.full_name == "王𠀀"
    # U+20000 is in HanaMinA (the extension-B font HanaMinB covers the rest of the plane).
    assert [font for font in fonts if font.startswith("HanaMin")] == ["HanaMinA-Bold"]
    assert "王𠀀" in run("pdftotext", str(path), "-")


def test_a_character_no_font_has_stops_issuance_with_its_name_and_numbers_nothing(world: World):
    registration = registered_members(world, 1)[0]
    Registration.objects.filter(pk=registration.pk).update(full_name="王\ue000")
    registration.refresh_from_db()

    with pytest.raises(CertificateError) as error:
        certificate_issue(registration=registration, by=world.staff)

    assert str(error.value) == "No installed font can print \ue000 (U+E000) in “姓名 Name” (full_name)."
    assert Certificate.objects.count() == 0
