"""Each society sets how long links work and when referees are reminded, on a staff page."""

from __future__ import annotations

from datetime import timedelta

from engcert.applications.models import Application
from engcert.audit.models import AuditEvent
from engcert.referees.models import RefereePolicy, RefereeRequest
from engcert.referees.selectors import referee_policy_get
from tests.conftest import World
from tests.referees.conftest import name_referees


def test_the_defaults_are_thirty_days_and_reminders_after_seven_and_fourteen(world: World) -> None:
    policy = referee_policy_get(society=world.society)
    assert (policy.link_valid_days, policy.reminder_days) == (30, [7, 14])


def test_links_expire_after_the_societys_days(world: World, complete_draft: Application, submit) -> None:
    RefereePolicy.objects.create(society=world.society, link_valid_days=10, reminder_days=[3])
    name_referees(complete_draft)
    submit(complete_draft)
    request = RefereeRequest.objects.filter(application=complete_draft).first()
    assert request.expires_at - request.created_at == timedelta(days=10)


def test_staff_change_the_policy(world: World) -> None:
    staff = world.client_for(world.staff)
    url = f"/staff/{world.society.code}/referees/policy/"
    page = staff.get(url)
    assert page.status_code == 200
    assert 'value="7, 14"' in page.content.decode()
    response = staff.post(url, {"link_valid_days": "21", "reminder_days": "5，10"})
    assert response.status_code == 302
    policy = RefereePolicy.objects.get(society=world.society)
    assert (policy.link_valid_days, policy.reminder_days, policy.updated_by) == (21, [5, 10], world.staff)
    event = AuditEvent.objects.get(action="referees.policy_changed")
    assert event.data == {
        "before": {"link_valid_days": 30, "reminder_days": [7, 14]},
        "after": {"link_valid_days": 21, "reminder_days": [5, 10]},
    }


def test_a_reminder_after_the_link_expires_is_refused(world: World) -> None:
    staff = world.client_for(world.staff)
    response = staff.post(
        f"/staff/{world.society.code}/referees/policy/", {"link_valid_days": "10", "reminder_days": "7, 12"}
    )
    assert response.status_code == 400
    assert (
        "Each reminder must come at least a day after the email and before the link expires."
        in response.content.decode()
    )
    assert referee_policy_get(society=world.society).link_valid_days == 30
