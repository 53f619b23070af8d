"""The alliance's verification clicked through by the people who do it.

Society staff find two candidates whose public notice has passed and send them to the alliance
as the batch's first package; the alliance reviewer opens the package, reads the first
candidate's evaluation record as sent and confirms them, who is then registered with a national
member number; the reviewer returns the second with a reason, which staff read beside the
candidate on their package page and the candidate in their email.

Only the starting data is built directly (two candidates walked to "public notice passed" by the
transition function); every other step goes through the pages, in Chinese.
"""

from __future__ import annotations

import pytest
from django.core import mail

from engcert.accounts.models import User
from engcert.applications.enums import ApplicationState
from engcert.audit.models import AuditEvent
from engcert.registration.enums import ItemOutcome
from engcert.registration.models import AlliancePackage, PackageItem, Registration
from engcert.registration.snapshot import snapshot_digest
from tests.browser.journey import LANGUAGE, Person, t
from tests.conftest import World
from tests.registration.conftest import candidate_notice_passed

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("chinese_journey"),
]

S = ApplicationState
RETURN_REASON = "面试记录缺少第二位考官的签名页，请学会补齐后重新报送。"


def test_staff_send_a_package_and_the_alliance_registers_one_candidate_and_returns_the_other(
    browser, live_server, shots, world: World
):
    confirmed = candidate_notice_passed(world, index=1)
    returned = candidate_notice_passed(world, index=2)
    User.objects.update(language=LANGUAGE)
    base, society = live_server.url, world.society.code

    # 1. Staff open the society's alliance page, prepare the batch's package and send both.
    staff = Person(browser, base, shots, "staff")
    staff.sign_in(world.staff)
    staff.go(f"/staff/{society}/alliance/")
    staff.shot("society-packages-empty")
    staff.click(staff.page.locator("#ready a", has_text=world.batch.name))
    assert staff.page.url == f"{base}/staff/{society}/alliance/batches/{world.batch.pk}/send/"
    boxes = staff.page.locator("#send-table input[name=candidates]")
    assert [boxes.nth(i).is_checked() for i in range(boxes.count())] == [True, True]
    staff.shot("prepare")
    staff.click(staff.page.locator("form.send-form button[type=submit]"))
    package = AlliancePackage.objects.get()
    assert staff.page.url == f"{base}/staff/{society}/alliance/packages/{package.pk}/"
    assert staff.messages() == t(
        "Version %(version)s was sent to the alliance with %(count)s candidates."
    ) % {
        "version": 1,
        "count": 2,
    }
    staff.shot("sent")
    assert (package.version, package.digest) == (1, snapshot_digest(package.snapshot))
    assert sorted(
        PackageItem.objects.filter(package=package).values_list("application__state", flat=True)
    ) == [
        S.WITH_ALLIANCE,
        S.WITH_ALLIANCE,
    ]

    # 2. The reviewer finds the package among the pending ones and opens the first candidate.
    reviewer = Person(browser, base, shots, "reviewer")
    reviewer.sign_in(world.reviewer)
    reviewer.go("/alliance/?status=pending")
    rows = reviewer.page.locator("#packages-table tbody tr")
    assert rows.count() == 1
    reviewer.shot("packages")
    reviewer.click(rows.first.get_by_role("link"))
    assert reviewer.page.url == f"{base}/alliance/packages/{package.pk}/"
    reviewer.shot("package")
    reviewer.click(reviewer.page.locator(f"#item-{confirmed.uid} a"))
    assert confirmed.panel_assessment.summary in reviewer.main()
    assert confirmed.id_number_masked in reviewer.main()
    assert reviewer.page.locator("#areas-table tbody tr").count() == 5
    reviewer.shot("candidate")

    # 3. The reviewer confirms: the candidate is registered and the number is shown.
    reviewer.click(reviewer.page.locator("form.confirm-one button[value=confirm]"))
    registration = Registration.objects.get(application=confirmed)
    assert reviewer.page.locator("#decision .member-number").inner_text() == registration.member_number
    assert registration.member_number.startswith("CEA") and registration.member_number.endswith("CSEE000001")
    reviewer.shot("registered")

    # 4. The reviewer returns the second candidate with a reason.
    reviewer.go(f"/alliance/packages/{package.pk}/candidates/{returned.uid}/")
    reviewer.click(reviewer.page.locator("form.return-one button[value=return]"))
    assert reviewer.page.locator("#field-reason .errorlist").inner_text() == t(
        "Please say why the candidate is returned."
    )
    reviewer.page.fill("form.return-one textarea[name=reason]", RETURN_REASON)
    reviewer.click(reviewer.page.locator("form.return-one button[value=return]"))
    assert reviewer.page.locator("#decision .return-reason").inner_text() == RETURN_REASON
    reviewer.shot("returned")
    reviewer.go(f"/alliance/packages/{package.pk}/")
    assert reviewer.page.locator(f"#item-{confirmed.uid} .member-number").inner_text() == (
        registration.member_number
    )
    reviewer.shot("package-decided")
    reviewer.close()

    # 5. Staff read both outcomes and the reason, and can send the returned candidate again.
    staff.go(f"/staff/{society}/alliance/packages/{package.pk}/")
    assert (
        staff.page.locator(f"#item-{confirmed.uid} .member-number").inner_text() == registration.member_number
    )
    assert staff.page.locator(f"#item-{returned.uid} .return-reason").inner_text() == RETURN_REASON
    staff.shot("outcomes")
    staff.go(f"/staff/{society}/alliance/")
    assert staff.page.locator("#ready li").count() == 1
    staff.close()

    confirmed.refresh_from_db()
    returned.refresh_from_db()
    package.refresh_from_db()
    # Registration issues the certificate at once (a task; immediate in tests).
    assert (confirmed.state, returned.state) == (S.CERTIFICATE_ISSUED, S.NOTICE_PASSED)
    assert list(package.items.order_by("application__number").values_list("outcome", flat=True)) == [
        ItemOutcome.CONFIRMED,
        ItemOutcome.RETURNED,
    ]
    assert package.completed_at is not None
    assert (
        len([m for m in mail.outbox if m.to == [returned.applicant.email] and RETURN_REASON in m.body]) == 1
    )
    assert list(
        AuditEvent.objects.filter(
            action="application.transition", to_state__in=[S.REGISTERED, S.NOTICE_PASSED]
        )
        .filter(from_state=S.WITH_ALLIANCE)
        .order_by("position")
        .values_list("application_id", "to_state", "actor__email")
    ) == [
        (confirmed.pk, S.REGISTERED, world.reviewer.email),
        (returned.pk, S.NOTICE_PASSED, world.reviewer.email),
    ]
