"""Verifying a certificate in public, and a revocation the public sees at once.

A member of the public (no account) enters a certificate number on the verification page and
reads its status and details; they also open the address of its QR code and see its signed data
confirmed. Society staff then revoke the certificate with a reason on its page; the public's page,
opened again, shows the revocation with the reason and date. The certificate is made directly
(the issuing journey is the member's download); every other step goes through the pages, in
Chinese.
"""

from __future__ import annotations

import pytest
from django.utils import timezone

from engcert.accounts.models import User
from engcert.audit.models import AuditEvent
from engcert.certificates.enums import CertificateStatus
from engcert.certificates.payload import verification_url
from tests.browser.journey import LANGUAGE, Person, label, t
from tests.certificates.public_helpers import member_certificate
from tests.conftest import World

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("chinese_journey"),
]

REASON = "经核查，申请材料中的学历证书系伪造，依据学会章程撤销其注册证书。"


def test_the_public_verifies_a_certificate_by_number_and_sees_its_revocation(
    browser, live_server, shots, world: World, settings
):
    certificate = member_certificate(world.society, name="王伟", holder=world.applicant)
    User.objects.update(language=LANGUAGE)
    base = live_server.url
    settings.SITE_URL = base

    # 1. A member of the public enters the number on the verification page.
    public = Person(browser, base, shots, "public")
    public.go("/verify/")
    public.shot("verify-form")
    public.page.fill("input[name=number]", certificate.number.lower())
    public.click(public.page.locator("main form.verify-form button[type=submit]").first)
    assert public.page.url == f"{base}/verify/{certificate.number}/"
    assert public.page.locator("#verdict h1").inner_text() == label(CertificateStatus.VALID.label)
    main = public.main()
    assert (
        t("This certificate is valid until %(date)s.") % {"date": certificate.valid_until.isoformat()} in main
    )
    assert "王伟" in main and certificate.grade.display_name in main
    public.shot("valid")

    # 2. They open the QR code's address: its signed data is confirmed.
    public.page.goto(verification_url(certificate.number, certificate.qr_token))
    assert public.page.locator("#qr-check").inner_text().startswith(t("QR code checked."))
    public.shot("qr-checked")

    # 3. Staff revoke the certificate with a reason, confirming that revocation is final.
    staff = Person(browser, base, shots, "staff")
    staff.sign_in(world.staff)
    staff.go(f"/staff/{world.society.code}/certificates/{certificate.number}/")
    staff.shot("detail")
    form = staff.page.locator("#form-revoke")
    form.locator("textarea").fill(REASON)
    form.locator("input[type=checkbox]").check()
    staff.click(form.locator("button[type=submit]"))
    assert staff.messages() == t("Certificate %(number)s is revoked; the member has been told.") % {
        "number": certificate.number
    }
    assert staff.page.locator("#current-status").inner_text() == label(CertificateStatus.REVOKED.label)
    assert REASON in staff.page.locator("#history").inner_text()
    staff.shot("revoked")
    certificate.refresh_from_db()
    assert (certificate.status, certificate.status_reason) == (CertificateStatus.REVOKED, REASON)
    assert (
        AuditEvent.objects.filter(action="certificates.revoked", subject_id=str(certificate.pk)).count() == 1
    )

    # 4. The public's page, opened again, shows the revocation with its reason and date.
    public.go(f"/verify/{certificate.number}/")
    assert public.page.locator("#verdict h1").inner_text() == label(CertificateStatus.REVOKED.label)
    verdict = public.page.locator("#verdict").inner_text()
    day = timezone.localtime(certificate.status_changed_at).date().isoformat()
    assert t("This certificate was revoked on %(date)s: it is no longer valid.") % {"date": day} in verdict
    assert REASON in verdict
    public.shot("public-sees-revocation")
    public.close()
    staff.close()
