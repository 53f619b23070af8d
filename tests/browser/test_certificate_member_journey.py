"""A registered member finds their certificate and downloads it.

The alliance registers the member (the real confirmation, committed, which issues the
certificate by itself in the background); the member signs in through the real pages, opens
"my certificates", reads the certificate's number, status and validity, and downloads the PDF,
whose signature poppler's pdfsig finds valid and whose issuer is the society's authority.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from engcert.accounts.models import User
from engcert.applications.enums import ApplicationState
from engcert.certificates.keys import signing_material_for
from engcert.certificates.models import Certificate
from engcert.registration.domain import package_send, registration_confirm
from engcert.registration.models import PackageItem
from tests.browser.journey import LANGUAGE, Person, t
from tests.certificates.issue_helpers import nss_db_trusting, run
from tests.conftest import World
from tests.registration.conftest import candidate_notice_passed

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("chinese_journey"),
]


def test_a_member_finds_their_certificate_and_downloads_the_signed_pdf(
    browser, live_server, shots, world: World, tmp_path: Path
):
    application = candidate_notice_passed(world, index=1)
    package = package_send(
        society=world.society, batch=world.batch, applications=[application], by=world.staff
    )
    registration = registration_confirm(
        item=PackageItem.objects.get(package=package, application=application), by=world.reviewer
    )
    certificate = Certificate.objects.get(registration=registration)
    assert certificate.issued_at is not None
    application.refresh_from_db()
    assert application.state == ApplicationState.CERTIFICATE_ISSUED
    User.objects.update(language=LANGUAGE)
    member = Person(browser, live_server.url, shots, "member")

    member.sign_in(application.applicant, second_factor=False)
    member.go("/me/certificates/")
    member.shot("my-certificates")

    card = member.page.locator("article.cert-card")
    assert card.count() == 1
    text = card.inner_text()
    assert certificate.number in text
    assert registration.member_number in text
    assert t("Period of validity") in text
    assert f"{certificate.valid_from:%Y-%m-%d} – {certificate.valid_until:%Y-%m-%d}" in text
    assert card.locator(".status").inner_text() == t("Valid")

    with member.page.expect_download() as download_info:
        card.get_by_role("link", name=t("Download the PDF")).click()
    download = download_info.value
    assert download.suggested_filename == f"{certificate.number}.pdf"
    saved = tmp_path / download.suggested_filename
    download.save_as(str(saved))
    assert saved.read_bytes()[:5] == b"%PDF-"

    material = signing_material_for(world.society.code)
    assert material.ca_cert_path is not None
    report = run("pdfsig", "-nssdir", nss_db_trusting(material.ca_cert_path, tmp_path / "nss"), str(saved))
    assert "Signature Validation: Signature is Valid." in report
    assert "Certificate Validation: Certificate is Trusted." in report

    # Phone width: the card stacks and the download stays in reach.
    member.page.set_viewport_size({"width": 390, "height": 844})
    member.page.reload()
    member.shot("my-certificates-phone")
    assert member.page.locator("article.cert-card a", has_text=t("Download the PDF")).is_visible()
    member.context.close()
