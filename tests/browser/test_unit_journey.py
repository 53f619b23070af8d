"""A unit administrator endorses one of their engineers' applications, declines another and
downloads the unit's roster; the society's staff see the unit's word in the initial review.

The administrator signs in through the real pages, sees their own unit's engineers and none of
the other unit's, endorses one application, declines another with a reason, and is refused
another unit's workspace; staff sign in with their second factor and open the initial review of
the declined application, where the unit's panel shows the reason.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from engcert.accounts.models import User
from engcert.units.enums import EndorsementDecision
from engcert.units.models import Endorsement
from tests.browser.journey import LANGUAGE, Person, t
from tests.conftest import World
from tests.units.helpers import engineer_application

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("chinese_journey"),
]

REASON = "申请人已于今年调离本单位，单位无法核实其近两年的工程实践经历。"


def test_a_unit_admin_endorses_and_declines_and_staff_see_it_in_the_initial_review(
    browser, live_server, shots, world: World
):
    endorsed = engineer_application(world, index=1, unit=world.unit)
    declined = engineer_application(world, index=2, unit=world.unit)
    theirs = engineer_application(world, index=3, unit=world.other_unit)
    User.objects.update(language=LANGUAGE)

    admin = Person(browser, live_server.url, shots, "unit-admin")
    admin.sign_in(world.unit_admin)
    admin.go("/unit/")
    assert admin.page.url.endswith(reverse("units:engineers", args=[world.unit.code]))
    admin.shot("engineers")
    rows = admin.page.locator("#engineers tbody tr")
    assert sorted(rows.evaluate_all("rows => rows.map(r => r.dataset.application)")) == sorted(
        [endorsed.number, declined.number]
    )
    assert theirs.number not in admin.main()

    admin.click(admin.page.get_by_role("link", name=endorsed.full_name))
    admin.page.check(f"input[name=decision][value={EndorsementDecision.ENDORSED}]")
    admin.click(admin.page.get_by_role("button", name=t("Save the unit's decision")))
    assert t("Endorsed by the unit") in admin.messages()

    admin.click(admin.page.get_by_role("link", name=declined.full_name))
    admin.page.check(f"input[name=decision][value={EndorsementDecision.DECLINED}]")
    admin.click(admin.page.get_by_role("button", name=t("Save the unit's decision")))
    assert t("Please give a reason for declining.") in admin.main()
    admin.page.fill("textarea[name=reason]", REASON)
    admin.shot("decline")
    admin.click(admin.page.get_by_role("button", name=t("Save the unit's decision")))
    admin.shot("engineers-decided")
    assert sorted(Endorsement.objects.values_list("application_id", "decision", "reason")) == sorted(
        [(endorsed.pk, EndorsementDecision.ENDORSED, ""), (declined.pk, EndorsementDecision.DECLINED, REASON)]
    )
    statuses = admin.page.locator("#engineers tbody td:last-child").all_inner_texts()
    assert sorted(s.strip() for s in statuses) == sorted(
        [t("Endorsed by the unit"), t("Declined by the unit")]
    )

    # The unit's roster (附件3) for the batch, downloaded from the engineers' page.
    with admin.page.expect_download() as download_info:
        admin.page.get_by_role("link", name=f"{world.batch.display_name} (.xlsx)").click()
    download = download_info.value
    sheet = load_workbook(io.BytesIO(Path(download.path()).read_bytes())).active
    listed = {str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value}
    assert (endorsed.full_name in listed, declined.full_name in listed, theirs.full_name in listed) == (
        True,
        True,
        False,
    )

    response = admin.page.goto(live_server.url + reverse("units:engineers", args=[world.other_unit.code]))
    assert response is not None and response.status == 404
    admin.close()

    staff = Person(browser, live_server.url, shots, "staff")
    staff.sign_in(world.staff)
    staff.go(reverse("review:application", args=[world.society.code, declined.uid]))
    staff.shot("initial-review")
    panel = staff.page.locator("#unit-endorsement")
    assert t("The unit declined to endorse this application.") in panel.inner_text()
    assert REASON in panel.inner_text()
    staff.close()
