"""A referee's link opens only with its own, newest, unexpired token, and shows only the claims
that name the referee."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.utils import timezone

from engcert.applications.models import Application
from engcert.referees.domain.requests import referees_ask
from engcert.referees.models import RefereeRequest
from tests.conftest import World
from tests.referees.conftest import REFEREE_A, REFEREE_B, link_for


def test_the_link_shows_the_referees_claims_and_nothing_else_of_the_application(
    client: Client, submitted: Application
) -> None:
    chen = link_for(REFEREE_B["referee_email"])
    response = client.get(chen.path)
    html = response.content.decode()
    assert response.status_code == 200
    first = submitted.work_entries.order_by("start_date").first()
    assert "山东电力建设第三工程有限公司" in html
    assert first.position in html
    assert first.description in html
    assert "王伟" in html
    # Another referee's claims, the statements and personal data are absent.
    project = submitted.projects.get()
    second = submitted.work_entries.order_by("start_date")[1]
    statement = submitted.statements.first()
    for secret in (
        project.name,
        project.results,
        second.description,
        statement.text,
        submitted.id_number,
        submitted.phone,
        submitted.address,
        submitted.email,
        REFEREE_A["referee_email"],
        "华北电力大学",
    ):
        assert secret not in html, secret
    assert response["Referrer-Policy"] == "same-origin"
    assert "no-store" in response["Cache-Control"]


def test_a_changed_token_is_refused(client: Client, submitted: Application) -> None:
    li = link_for(REFEREE_A["referee_email"])
    changed = li.token[:-1] + ("A" if li.token[-1] != "A" else "B")
    response = client.get(f"/referee/{li.uid}/{changed}/")
    assert response.status_code == 404
    assert "This link is not valid" in response.content.decode()
    assert "500千伏" not in response.content.decode()


def test_another_referees_token_does_not_open_this_referees_request(
    client: Client, submitted: Application
) -> None:
    li = link_for(REFEREE_A["referee_email"])
    chen = link_for(REFEREE_B["referee_email"])
    response = client.get(f"/referee/{li.uid}/{chen.token}/")
    assert response.status_code == 404
    assert "500千伏" not in response.content.decode()


def test_an_expired_link_is_refused_with_what_to_do(client: Client, submitted: Application) -> None:
    li = link_for(REFEREE_A["referee_email"])
    RefereeRequest.objects.filter(uid=li.uid).update(expires_at=timezone.now() - timedelta(minutes=1))
    response = client.get(li.path)
    html = response.content.decode()
    assert response.status_code == 410
    assert "This link has expired" in html
    assert "they can send you a new link" in html
    assert "500千伏" not in html
    posted = client.post(li.path, {})
    assert posted.status_code == 410


def test_a_link_withdrawn_by_asking_again_is_refused_and_the_new_one_works(
    client: Client, world: World, submitted: Application, django_capture_on_commit_callbacks
) -> None:
    old = link_for(REFEREE_A["referee_email"])
    with django_capture_on_commit_callbacks(execute=True):
        referees_ask(application=submitted, by=world.staff, force=True)
    new = link_for(REFEREE_A["referee_email"])
    assert new.uid != old.uid
    refused = client.get(old.path)
    assert refused.status_code == 410
    assert "This request has been withdrawn" in refused.content.decode()
    assert client.get(new.path).status_code == 200


def test_the_applicant_signed_in_cannot_open_their_referees_link(
    submitted: Application, world: World
) -> None:
    li = link_for(REFEREE_A["referee_email"])
    client = world.client_for(world.applicant)
    response = client.get(li.path)
    html = response.content.decode()
    assert response.status_code == 403
    assert "This link is for your referee" in html
    assert "500千伏" not in html
    assert client.post(li.path, {}).status_code == 403
    assert RefereeRequest.objects.get(uid=li.uid).answered_at is None


def test_someone_else_signed_in_may_open_the_link(submitted: Application, world: World) -> None:
    li = link_for(REFEREE_A["referee_email"])
    assert world.client_for(world.outsider).get(li.path).status_code == 200
