"""Nobody who took part in the decision sits on the appeal's panel, nor a conflicted examiner:
the form lists them with the reason and refuses them, and so does the domain function."""

from __future__ import annotations

import pytest
from django.urls import reverse

from engcert.accounts.models import User
from engcert.appeals.domain import AppealError, appeal_panel_assign, appeal_panel_pool
from engcert.appeals.enums import AppealStatus
from engcert.appeals.models import Appeal, AppealPolicy, PanelMember
from engcert.audit.models import AuditEvent
from engcert.organisations.enums import Role
from tests.appeals.helpers import (
    checklist_reviewer,
    lodged,
    objection_decider,
    panel_people,
    person,
    refused_by_committee,
    rejected,
    stopped_by_objection,
)
from tests.conftest import World
from tests.scoring.conftest import examiner_of


def _refused_everywhere(world: World, appeal: Appeal, excluded: User, reason: str) -> None:
    """The pool names the reason; the domain and the staff form both refuse the person."""
    pool = {entry.user.pk: entry for entry in appeal_panel_pool(appeal=appeal)}
    assert reason in pool[excluded.pk].excluded
    others = panel_people(world, 2)
    name = excluded.full_name
    with pytest.raises(AppealError) as error:
        appeal_panel_assign(appeal=appeal, members=[excluded, *others], by=world.staff)
    assert str(error.value).startswith(f"{name} cannot sit on this panel: ")
    assert reason in str(error.value)

    response = world.client_for(world.staff).post(
        reverse("appeals:staff_detail", args=[world.society.code, appeal.pk]),
        {"action": "panel", "members": [str(excluded.pk), *(str(o.pk) for o in others)]},
    )
    assert response.status_code == 400
    (message,) = response.context["panel_form"].errors["members"]
    assert message.startswith(f"{name} cannot sit on this panel: ")
    assert reason in message
    assert PanelMember.objects.count() == 0
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.AWAITING_PANEL


def test_the_initial_reviewers_cannot_sit_on_the_panel(world: World) -> None:
    appeal = lodged(rejected(world))
    _refused_everywhere(
        world, appeal, checklist_reviewer(world), "Reviewed the application at initial review"
    )
    _refused_everywhere(world, appeal, world.staff, "Decided at initial review")


def test_the_examiners_of_the_interview_cannot_sit_on_the_panel(world: World) -> None:
    appeal = lodged(refused_by_committee(world).application)
    _refused_everywhere(world, appeal, world.examiner, "Was on the candidate's interview panel")


def test_the_committee_members_who_voted_cannot_sit_on_the_panel(world: World) -> None:
    refusal = refused_by_committee(world)
    appeal = lodged(refusal.application)
    _refused_everywhere(world, appeal, refusal.members[1], "Voted on the candidate in committee")
    pool = {entry.user.pk: entry for entry in appeal_panel_pool(appeal=appeal)}
    assert (
        "Was in the committee meeting that deliberated on the candidate"
        in pool[refusal.members[2].pk].excluded
    )


def test_the_staff_who_upheld_the_objection_cannot_sit_on_the_panel(world: World) -> None:
    appeal = lodged(stopped_by_objection(world))
    _refused_everywhere(world, appeal, objection_decider(world), "Decided an objection about the candidate")


def test_an_examiner_in_conflict_with_the_candidate_cannot_sit_on_the_panel(world: World) -> None:
    appeal = lodged(rejected(world))
    colleague = person("colleague@example.com", "同单位考官", Role.EXAMINER, world)
    examiner = examiner_of(colleague, world.society, employer="某设计院")
    examiner.unit = world.unit
    examiner.save(update_fields=["unit"])
    _refused_everywhere(
        world,
        appeal,
        colleague,
        f"Conflict of interest: The examiner belongs to the candidate's nominating unit {world.unit.name}.",
    )


def test_people_who_took_no_part_are_seated_and_the_step_is_audited(
    world: World, mailoutbox: list, django_capture_on_commit_callbacks: object
) -> None:
    appeal = lodged(rejected(world))
    members = panel_people(world)
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        response = world.client_for(world.staff).post(
            reverse("appeals:staff_detail", args=[world.society.code, appeal.pk]),
            {"action": "panel", "members": [str(m.pk) for m in members]},
        )
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.UNDER_REVIEW
    assert sorted(appeal.panel.values_list("user_id", flat=True)) == sorted(m.pk for m in members)
    event = AuditEvent.objects.get(action="appeal.panel_assign")
    assert (event.actor_id, event.data["members"]) == (world.staff.pk, [m.pk for m in members])
    assert sorted(message.to[0] for message in mailoutbox) == sorted(m.email for m in members)
    assert all(f"Appeal {appeal.reference}: you are on its panel" == m.subject for m in mailoutbox)


def test_the_panel_has_the_societys_size(world: World) -> None:
    appeal = lodged(rejected(world))
    with pytest.raises(AppealError) as error:
        appeal_panel_assign(appeal=appeal, members=panel_people(world, 2), by=world.staff)
    assert str(error.value) == "The panel needs exactly 3 people; 2 chosen."
    AppealPolicy.objects.create(society=world.society, panel_size=5)
    with pytest.raises(AppealError) as error:
        appeal_panel_assign(appeal=appeal, members=panel_people(world, 3), by=world.staff)
    assert str(error.value) == "The panel needs exactly 5 people; 3 chosen."
    appeal_panel_assign(appeal=appeal, members=panel_people(world, 5), by=world.staff)
    assert appeal.panel.count() == 5


def test_the_form_shows_each_excluded_person_with_the_reason(world: World) -> None:
    appeal = lodged(rejected(world))
    page = world.client_for(world.staff).get(
        reverse("appeals:staff_detail", args=[world.society.code, appeal.pk])
    )
    html = page.content.decode()
    reviewer_row = html.split(f'id="member-{world.staff.pk}"', 1)[1].split("</li>\n", 1)[0]
    assert f'value="{world.staff.pk}" id="member-{world.staff.pk}" disabled' in html
    assert "Decided at initial review" in reviewer_row
    free = panel_people(world, 1)[0]
    page = world.client_for(world.staff).get(
        reverse("appeals:staff_detail", args=[world.society.code, appeal.pk])
    )
    assert f'value="{free.pk}" id="member-{free.pk}">' in page.content.decode()


def test_staff_of_the_society_outside_the_three_roles_are_not_in_the_pool(world: World) -> None:
    appeal = lodged(rejected(world))
    pool_users = {entry.user.pk for entry in appeal_panel_pool(appeal=appeal)}
    assert world.unit_admin.pk not in pool_users
    assert world.applicant.pk not in pool_users
    assert world.reviewer.pk not in pool_users
