"""Staff send the deadline reminders due now and follow the run; a run whose worker stopped is
resumed from its page and sends no reminder twice.

Three applicants still have a draft and the call closes in two days. Staff open the society's
reminders page, press the button, land on the run's page and see it finished with three emails
sent; a run left stopped part-way (its worker died) is resumed from its page and sends nothing
more, and both runs are listed on the reminders page.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from engcert.batches.models import Batch
from engcert.deadlines.enums import ReminderRunStatus
from engcert.deadlines.models import ReminderRun
from tests.browser.journey import Person, t
from tests.conftest import World
from tests.units.helpers import engineer_application

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("chinese_journey"),
]


def test_staff_send_the_reminders_due_now_and_resume_a_stopped_run(browser, live_server, shots, world: World):
    for index in (1, 2, 3):
        engineer_application(world, index=index, unit=world.unit, submit=False)
    Batch.objects.filter(pk=world.batch.pk).update(
        closes_at=timezone.now() + timedelta(days=2), roster_deadline=None
    )

    staff = Person(browser, live_server.url, shots, "staff")
    staff.sign_in(world.staff)
    staff.go(f"/staff/{world.society.code}/deadlines/")
    assert t("No run yet.") in staff.main()
    staff.click(staff.page.get_by_role("button", name=t("Send the reminders due now")))
    staff.shot("run-finished")

    first = ReminderRun.objects.get()
    assert staff.page.url == f"{live_server.url}/staff/{world.society.code}/deadlines/runs/{first.pk}/"
    assert (first.status, first.total, first.done, first.sent) == (ReminderRunStatus.DONE, 3, 3, 3)
    assert t("Finished") in staff.main()
    assert len(mail.outbox) == 3

    # A second run whose worker died after two of the three reminders (already sent above).
    stopped = ReminderRun.objects.create(
        society=world.society,
        started_by=world.staff,
        status=ReminderRunStatus.RUNNING,
        total=3,
        done=2,
        sent_applicants=0,
        started_at=timezone.now() - timedelta(minutes=6),
        heartbeat_at=timezone.now() - timedelta(minutes=5),
    )
    staff.go(f"/staff/{world.society.code}/deadlines/runs/{stopped.pk}/")
    assert t("Stopped (no sign of life)") in staff.main()
    staff.shot("run-stopped")
    staff.click(staff.page.get_by_role("button", name=t("Resume")))
    staff.shot("run-resumed")

    stopped.refresh_from_db()
    assert (stopped.status, stopped.done, stopped.sent) == (ReminderRunStatus.DONE, 3, 0)
    assert len(mail.outbox) == 3
    staff.go(f"/staff/{world.society.code}/deadlines/")
    assert len(staff.page.locator("main table.data tbody tr").all()) == 2
