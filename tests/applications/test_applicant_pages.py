"""The applicant's own pages: list, overview with its history, review and submit, withdraw."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.utils import timezone

from engcert.applications.domain.application import application_create, application_submit
from engcert.applications.domain.transition import application_transition
from engcert.applications.enums import ApplicationState
from engcert.applications.enums import ApplicationState as S
from engcert.applications.models import Application
from engcert.privacy.models import IdentityNumberView
from tests.applications.test_sections_drafts import english, messages_beside, section_url
from tests.conftest import World


@pytest.fixture
def draft(world: World) -> Application:
    return application_create(batch=world.batch, applicant=world.applicant)


@pytest.fixture
def client(world: World) -> Client:
    return english(world.client_for(world.applicant))


# Review ---------------------------------------------------------------------------------------------


def test_the_review_lists_each_problem_under_its_section_with_a_link_to_the_field(
    client: Client, draft: Application
) -> None:
    html = client.get(f"/applications/{draft.uid}/review/").content.decode()

    personal = section_url(draft, "personal")
    assert f'<h3><a href="{personal}?check=1">Personal data</a></h3>' in html
    assert f'<a href="{personal}?check=1#field-birth_date">Date of birth: This field is required.</a>' in html
    assert f'<a href="{section_url(draft, "education")}?check=1">Add at least one degree.</a>' in html
    assert f'<a href="{section_url(draft, "pledge")}?check=1">Sign the integrity pledge.</a>' in html


def test_following_a_review_link_shows_each_problem_beside_its_field(
    client: Client, draft: Application
) -> None:
    html = client.get(section_url(draft, "personal") + "?check=1").content.decode()

    assert messages_beside(html, "birth_date") == {
        "errorlist": [],
        "problemlist": ["This field is required."],
    }
    assert messages_beside(html, "full_name") == {"errorlist": [], "problemlist": []}, (
        "the name was filled in"
    )


def test_section_wide_problems_are_shown_at_the_top_of_the_section(
    client: Client, draft: Application
) -> None:
    html = client.get(section_url(draft, "education") + "?check=1").content.decode()

    assert '<ul class="problem-summary"><li>Add at least one degree.</li></ul>' in html


def test_problems_are_not_shown_beside_fields_while_simply_drafting(
    client: Client, draft: Application
) -> None:
    html = client.get(section_url(draft, "personal")).content.decode()

    assert messages_beside(html, "birth_date") == {"errorlist": [], "problemlist": []}
    assert (
        '<p class="small muted section-todo">7 things here are still needed before you can submit. '
        '<a href="?check=1">Show what</a></p>'
    ) in html


def test_submitting_a_complete_draft_from_the_review_moves_it_to_submitted(
    world: World, complete_draft: Application
) -> None:
    client = english(world.client_for(world.applicant))

    response = client.post(f"/applications/{complete_draft.uid}/submit/")

    assert response["Location"] == f"/applications/{complete_draft.uid}/"
    complete_draft.refresh_from_db()
    assert complete_draft.state == ApplicationState.SUBMITTED
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Your application was submitted. You will be told by email of each next step."
    ]


def test_submitting_an_incomplete_draft_returns_to_the_review_with_the_count(
    client: Client, draft: Application
) -> None:
    response = client.post(f"/applications/{draft.uid}/submit/")

    assert response["Location"] == f"/applications/{draft.uid}/review/"
    draft.refresh_from_db()
    assert draft.state == ApplicationState.DRAFT
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert len(messages) == 1
    assert messages[0].startswith("Please fix the ")


def test_after_the_call_closed_the_submit_button_is_disabled_with_the_reason(
    world: World, complete_draft: Application
) -> None:
    world.batch.closes_at = timezone.now() - timedelta(hours=1)
    world.batch.opens_at = timezone.now() - timedelta(days=20)
    world.batch.save(update_fields=["closes_at", "opens_at"])
    client = english(world.client_for(world.applicant))

    html = client.get(f"/applications/{complete_draft.uid}/review/").content.decode()

    closes = timezone.localtime(world.batch.closes_at).strftime("%Y-%m-%d %H:%M")
    assert 'type="button" disabled aria-describedby="closed-hint"' in html
    assert f"The call closed on {closes} (Beijing time); submissions are no longer accepted." in html
    assert f'action="/applications/{complete_draft.uid}/submit/"' not in html


def test_the_review_shows_unmet_requirements_and_asks_for_an_explanation(
    world: World, complete_draft: Application
) -> None:
    complete_draft.work_entries.all().delete()
    client = english(world.client_for(world.applicant))

    response = client.get(f"/applications/{complete_draft.uid}/review/")

    html = response.content.decode()
    assert response.context["eligibility"].unmet == [
        "Professional Engineer requires 4.0 years of professional practice; the work history shows 0.0."
    ]
    assert "Your record does not appear to meet every requirement of Professional Engineer:" in html
    assert (
        "<li>Professional Engineer requires 4.0 years of professional practice; the work history shows 0.0.</li>"
        in html
    )
    assert 'name="eligibility_explanation"' in html
    assert (
        '<a href="#field-eligibility_explanation">Your record does not appear to meet the grade\'s requirements; '
        "explain why you apply anyway.</a>"
    ) in html


def test_the_review_of_a_submitted_application_leads_back_to_the_overview(
    world: World, complete_draft: Application
) -> None:
    application_submit(application=complete_draft, by=world.applicant)

    response = world.client_for(world.applicant).get(f"/applications/{complete_draft.uid}/review/")

    assert response["Location"] == f"/applications/{complete_draft.uid}/"


# Overview -------------------------------------------------------------------------------------------


def test_the_overview_shows_the_plain_status_and_each_step_of_the_history(
    world: World, complete_draft: Application
) -> None:
    application_submit(application=complete_draft, by=world.applicant)
    client = english(world.client_for(world.applicant))

    response = client.get(f"/applications/{complete_draft.uid}/")

    html = response.content.decode()
    assert "Received, waiting for review" in html
    assert "Staff status:" not in html
    entries = [(e.title, e.from_label, e.to_label, e.actor) for e in response.context["timeline"]]
    assert entries == [
        ("Application started", "", "Not yet submitted", "you"),
        ("Integrity pledge signed", "", "", "you"),
        ("Status changed", "Not yet submitted", "Received, waiting for review", "you"),
    ]
    assert "<strong>Not yet submitted → Received, waiting for review</strong>" in html
    assert f'href="/applications/{complete_draft.uid}/pdf/"' in html
    assert f'href="/applications/{complete_draft.uid}/withdraw/"' in html


def test_the_applicant_reads_who_acted_as_the_society_never_as_a_named_person(
    world: World, complete_draft: Application
) -> None:
    application_submit(application=complete_draft, by=world.applicant)
    application_transition(application=complete_draft, to_state=S.REVIEW_PASSED, by=world.staff)
    application_transition(application=complete_draft, to_state=S.INTERVIEW_SCHEDULED, by=world.staff)
    application_transition(application=complete_draft, to_state=S.INTERVIEWED, by=world.examiner)

    applicant_view = english(world.client_for(world.applicant)).get(f"/applications/{complete_draft.uid}/")
    staff_view = english(world.client_for(world.staff)).get(f"/applications/{complete_draft.uid}/")

    assert [(e.to_label, e.actor) for e in applicant_view.context["timeline"]][-3:] == [
        ("Passed the first check", "the society"),
        ("Interview arranged", "the society"),
        ("Interview done, waiting for the committee", "the society"),
    ]
    html = applicant_view.content.decode()
    assert world.examiner.full_name not in html
    assert world.staff.full_name not in html
    assert [(e.to_label, e.actor) for e in staff_view.context["timeline"]][-1] == (
        "Interviewed",
        world.examiner.full_name,
    )


def test_staff_see_the_staff_label_and_a_masked_number_with_a_logged_reveal(
    world: World, complete_draft: Application
) -> None:
    client = english(world.client_for(world.staff))

    html = client.get(f"/applications/{complete_draft.uid}/").content.decode()

    assert "Staff status: Draft" in html
    assert f"<output>{complete_draft.id_number_masked}</output>" in html
    assert complete_draft.id_number not in html
    assert f'action="/applications/{complete_draft.uid}/identity-number/"' in html
    assert IdentityNumberView.objects.count() == 0


def test_the_applicant_sees_the_masked_number_without_a_reveal(
    client: Client, complete_draft: Application
) -> None:
    html = client.get(f"/applications/{complete_draft.uid}/").content.decode()

    assert complete_draft.id_number_masked in html
    assert complete_draft.id_number not in html
    assert "identity-number" not in html


def test_another_applicant_cannot_open_the_overview_or_the_review(world: World, draft: Application) -> None:
    client = world.client_for(world.other_applicant)

    assert client.get(f"/applications/{draft.uid}/").status_code == 404
    assert client.get(f"/applications/{draft.uid}/review/").status_code == 404
    assert client.post(f"/applications/{draft.uid}/submit/").status_code == 404


# Withdraw -------------------------------------------------------------------------------------------


def test_withdrawing_with_a_reason_records_it_in_the_history(
    world: World, complete_draft: Application
) -> None:
    application_submit(application=complete_draft, by=world.applicant)
    client = english(world.client_for(world.applicant))

    response = client.post(f"/applications/{complete_draft.uid}/withdraw/", {"reason": "工作调动"})

    assert response["Location"] == f"/applications/{complete_draft.uid}/"
    complete_draft.refresh_from_db()
    assert complete_draft.state == ApplicationState.WITHDRAWN
    html = client.get(f"/applications/{complete_draft.uid}/").content.decode()
    assert "<strong>Received, waiting for review → Withdrawn</strong>" in html
    assert "Reason: 工作调动" in html


def test_withdrawing_without_a_reason_shows_the_error_beside_it(client: Client, draft: Application) -> None:
    response = client.post(f"/applications/{draft.uid}/withdraw/", {"reason": ""})

    assert messages_beside(response.content.decode(), "reason")["errorlist"] == ["This field is required."]
    draft.refresh_from_db()
    assert draft.state == ApplicationState.DRAFT


def test_staff_cannot_withdraw_an_application(world: World, draft: Application) -> None:
    assert world.client_for(world.staff).get(f"/applications/{draft.uid}/withdraw/").status_code == 403


# My applications ------------------------------------------------------------------------------------


def test_my_applications_lists_call_number_grade_status_and_last_saved(
    client: Client, complete_draft: Application
) -> None:
    response = client.get("/applications/")

    html = response.content.decode()
    assert list(response.context["applications"]) == [complete_draft]
    assert (
        f'<a href="/applications/{complete_draft.uid}/">Fourth batch of electrical engineering members</a>'
        in html
    )
    assert f'<td class="nowrap">{complete_draft.number}</td>' in html
    assert '<span class="status status-draft">Not yet submitted</span>' in html
    assert timezone.localtime(complete_draft.updated_at).strftime("%Y-%m-%d %H:%M") in html


def test_my_applications_without_any_points_to_the_open_calls(world: World) -> None:
    html = english(world.client_for(world.outsider)).get("/applications/").content.decode()

    assert "You have no applications yet." in html
    assert '<a class="btn" href="/calls/">See the open calls</a>' in html
