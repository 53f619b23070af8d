"""A resubmission asks again only about claims that changed (their text or their referee);
staff may ask again at any time, which never re-asks an answered, unchanged claim."""

from __future__ import annotations

from django.test import Client

from engcert.applications.domain.sections import section_entries_save
from engcert.applications.models import Application
from engcert.referees.domain.requests import referees_ask_by_staff
from engcert.referees.enums import RequestState
from engcert.referees.models import RefereeClaim, RefereeRequest
from engcert.review.domain import RevisionInput, initial_review_return
from tests.conftest import World
from tests.referees.conftest import REFEREE_A, REFEREE_B, link_for, links_sent


def _answer_all(client: Client, email: str) -> None:
    sent = link_for(email)
    claims = RefereeClaim.objects.filter(request__uid=sent.uid)
    client.post(sent.path, {f"verdict_{claim.pk}": "confirmed" for claim in claims})


def _return(world: World, application: Application, section: str) -> Application:
    initial_review_return(application=application, by=world.staff, items=[RevisionInput(section, "请修改。")])
    application.refresh_from_db()
    return application


def test_resubmission_asks_again_only_about_the_claim_whose_text_changed(
    client: Client, world: World, submitted: Application, submit
) -> None:
    _answer_all(client, REFEREE_A["referee_email"])
    _answer_all(client, REFEREE_B["referee_email"])
    application = _return(world, submitted, "projects")
    project = application.projects.get()
    project.results = "工程一次投运成功，获国家优质工程金奖。"
    section_entries_save(application=application, by=world.applicant, save=[project])
    before = len(links_sent())
    submit(application)
    again = links_sent()[before:]
    assert [sent.to for sent in again] == [REFEREE_A["referee_email"]]
    newest = RefereeRequest.objects.filter(application=application).order_by("-pk").first()
    assert [claim.project_id for claim in newest.claims.all()] == [project.pk]
    assert "获国家优质工程金奖" in RefereeClaim.objects.get(request=newest).facts["results"]
    # The earlier answers are kept as they were.
    assert RefereeRequest.objects.filter(application=application, state=RequestState.ANSWERED).count() == 2


def test_resubmission_without_changes_asks_nobody(
    client: Client, world: World, submitted: Application, submit
) -> None:
    _answer_all(client, REFEREE_A["referee_email"])
    application = _return(world, submitted, "attachments")
    count = RefereeRequest.objects.filter(application=application).count()
    before = len(links_sent())
    submit(application)
    # 陈静 has not answered but her link is still out: she is not asked twice.
    assert links_sent()[before:] == []
    assert RefereeRequest.objects.filter(application=application).count() == count


def test_a_changed_referee_is_asked_and_the_old_link_stops_working(
    client: Client, world: World, submitted: Application, submit
) -> None:
    old = link_for(REFEREE_B["referee_email"])
    application = _return(world, submitted, "work")
    first = application.work_entries.order_by("start_date").first()
    first.referee_name = "赵强"
    first.referee_email = "zhao.qiang@example.com"
    section_entries_save(application=application, by=world.applicant, save=[first])
    submit(application)
    assert link_for("zhao.qiang@example.com").to == "zhao.qiang@example.com"
    assert client.get(old.path).status_code == 410
    assert RefereeRequest.objects.get(uid=old.uid).state == RequestState.WITHDRAWN


def test_staff_ask_again_sends_fresh_links_to_those_who_have_not_answered_only(
    client: Client, world: World, submitted: Application, django_capture_on_commit_callbacks
) -> None:
    _answer_all(client, REFEREE_A["referee_email"])
    old_chen = link_for(REFEREE_B["referee_email"])
    before = len(links_sent())
    with django_capture_on_commit_callbacks(execute=True):
        created = referees_ask_by_staff(application=submitted, by=world.staff)
    assert [r.email for r in created] == [REFEREE_B["referee_email"]]
    assert [sent.to for sent in links_sent()[before:]] == [REFEREE_B["referee_email"]]
    assert RefereeRequest.objects.get(uid=old_chen.uid).state == RequestState.WITHDRAWN
    assert created[0].created_by == world.staff


def test_staff_ask_from_the_review_page(
    client: Client, world: World, submitted: Application, django_capture_on_commit_callbacks
) -> None:
    staff = world.client_for(world.staff)
    before = len(links_sent())
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(
            f"/staff/{world.society.code}/applications/{submitted.uid}/referees/ask/", follow=True
        )
    assert (
        response.redirect_chain[-1][0]
        == f"/staff/{world.society.code}/applications/{submitted.uid}/review/#referees"
    )
    assert "2 referees are being emailed a new link." in response.content.decode()
    assert sorted(sent.to for sent in links_sent()[before:]) == [
        REFEREE_B["referee_email"],
        REFEREE_A["referee_email"],
    ]
