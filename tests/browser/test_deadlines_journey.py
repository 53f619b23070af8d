"""After the roster deadline a unit's administrator cannot endorse; the society's staff grant the
unit an extension with a reason, and the administrator endorses.

The administrator opens an engineer's application after the roster deadline and is told why the
decision is refused; staff open the batch's deadlines page, grant the unit two days with a
reason; the administrator saves the endorsement.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from engcert.accounts.models import User
from engcert.deadlines.models import DeadlineExtension
from engcert.units.enums import EndorsementDecision
from engcert.units.models import Endorsement
from tests.browser.journey import LANGUAGE, Person, t
from tests.conftest import World
from tests.deadlines.helpers import pass_roster_deadline
from tests.units.helpers import engineer_application

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("chinese_journey"),
]

REASON = "单位名单盖章流程延误，经秘书处同意延期两天。"


def test_staff_extend_a_units_roster_deadline_and_the_unit_endorses(
    browser, live_server, shots, world: World
):
    application = engineer_application(world, index=1, unit=world.unit)
    pass_roster_deadline(world.batch)
    User.objects.update(language=LANGUAGE)
    endorse_path = f"/unit/{world.unit.code}/applications/{application.uid}/"

    unit = Person(browser, live_server.url, shots, "unit")
    unit.sign_in(world.unit_admin)
    unit.go(f"/unit/{world.unit.code}/")
    unit.go(endorse_path)
    unit.page.check("input[name=decision][value=endorsed]")
    unit.click(unit.page.get_by_role("button", name=t("Save the unit's decision")))
    unit.shot("refused")
    assert (
        t(
            "The roster deadline passed at %(time)s; the unit's roster can no longer be changed. "
            "Only the society's staff can extend the deadline, with a reason."
        ).split("%(time)s")[0]
        in unit.main()
    )
    assert not Endorsement.objects.filter(
        application=application, decision=EndorsementDecision.ENDORSED
    ).exists()

    staff = Person(browser, live_server.url, shots, "staff")
    staff.sign_in(world.staff)
    staff.go(f"/staff/{world.society.code}/batches/{world.batch.pk}/deadlines/")
    staff.shot("deadlines")
    page = staff.page
    page.check("input[name=who][value=unit]")
    page.select_option("select[name=unit]", str(world.unit.pk))
    until = timezone.localtime() + timedelta(days=2)
    page.fill("input[name=until]", until.strftime("%Y-%m-%dT%H:%M"))
    page.fill("textarea[name=reason]", REASON)
    staff.click(page.get_by_role("button", name=t("Grant the extension")))
    staff.shot("granted")
    assert REASON in staff.main()
    extension = DeadlineExtension.objects.get()
    assert (extension.unit, extension.reason, extension.granted_by) == (world.unit, REASON, world.staff)

    unit.go(endorse_path)
    unit.page.check("input[name=decision][value=endorsed]")
    unit.click(unit.page.get_by_role("button", name=t("Save the unit's decision")))
    unit.shot("endorsed")
    assert Endorsement.objects.get(application=application).decision == EndorsementDecision.ENDORSED
    unit.close()
    staff.close()
