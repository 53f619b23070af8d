"""The applicant replaces a referee who has not answered, with a reason: the old link stops
working, the new referee is emailed, the file names the new referee, everything is audited."""

from __future__ import annotations

from django.test import Client

from engcert.applications.models import Application
from engcert.audit.models import AuditEvent
from engcert.referees.enums import ClaimStatus, RequestState
from engcert.referees.models import RefereeClaim, RefereeRequest
from engcert.referees.panels import claim_rows
from tests.conftest import World
from tests.referees.conftest import REFEREE_A, REFEREE_B, link_for, links_sent

NEW = {
    "name": "周明",
    "position": "副总工程师",
    "organisation": "中国电力工程顾问集团",
    "email": "Zhou.Ming@example.com",
    "phone": "+86 139-1234-5678",
    "reason": "陈静已退休，邮箱停用。",
}


def _url(application: Application, claim: RefereeClaim) -> str:
    return f"/applications/{application.uid}/referees/{claim.uid}/replace/"


def test_the_applicant_replaces_a_referee_who_has_not_answered(
    client: Client, world: World, submitted: Application, django_capture_on_commit_callbacks
) -> None:
    old = link_for(REFEREE_B["referee_email"])
    claim = RefereeClaim.objects.get(request__uid=old.uid)
    applicant = world.client_for(world.applicant)
    detail = applicant.get(f"/applications/{submitted.uid}/").content.decode()
    assert _url(submitted, claim) in detail
    assert applicant.get(_url(submitted, claim)).status_code == 200
    before = len(links_sent())
    with django_capture_on_commit_callbacks(execute=True):
        response = applicant.post(_url(submitted, claim), NEW)
    assert response.status_code == 302
    # The old link stops working; the new referee is emailed.
    assert client.get(old.path).status_code == 410
    assert [sent.to for sent in links_sent()[before:]] == ["zhou.ming@example.com"]
    new = link_for("zhou.ming@example.com")
    assert client.get(new.path).status_code == 200
    # The file names the new referee.
    entry = submitted.work_entries.order_by("start_date").first()
    assert (entry.referee_name, entry.referee_email, entry.referee_phone) == (
        "周明",
        "zhou.ming@example.com",
        "+86 139-1234-5678",
    )
    claim.refresh_from_db()
    assert (claim.replaced_reason, claim.request.state) == ("陈静已退休，邮箱停用。", RequestState.WITHDRAWN)
    event = AuditEvent.objects.get(action="referees.replaced")
    assert (event.actor, event.reason) == (world.applicant, "陈静已退休，邮箱停用。")
    assert event.data["before"]["email"] == REFEREE_B["referee_email"]
    assert event.data["after"]["email"] == "zhou.ming@example.com"
    row = next(
        r for r in claim_rows(application=submitted, with_flags=False) if r.source.key == ("work", entry.pk)
    )
    assert row.status == ClaimStatus.AWAITING
    assert [status for _claim, status in row.history] == [ClaimStatus.REPLACED]


def test_a_referee_on_two_claims_replaced_on_one_is_sent_a_new_link_for_the_other(
    client: Client, world: World, submitted: Application, django_capture_on_commit_callbacks
) -> None:
    old = link_for(REFEREE_A["referee_email"])
    project_claim = RefereeClaim.objects.get(request__uid=old.uid, kind="project")
    with django_capture_on_commit_callbacks(execute=True):
        world.client_for(world.applicant).post(_url(submitted, project_claim), NEW)
    assert client.get(old.path).status_code == 410
    again = link_for(REFEREE_A["referee_email"])
    assert [c.kind for c in RefereeClaim.objects.filter(request__uid=again.uid)] == ["work"]
    assert [
        c.kind for c in RefereeClaim.objects.filter(request__uid=link_for("zhou.ming@example.com").uid)
    ] == ["project"]


def test_an_answered_referee_cannot_be_replaced(client: Client, world: World, submitted: Application) -> None:
    li = link_for(REFEREE_A["referee_email"])
    claims = RefereeClaim.objects.filter(request__uid=li.uid)
    client.post(li.path, {f"verdict_{c.pk}": "confirmed" for c in claims})
    claim = claims.first()
    applicant = world.client_for(world.applicant)
    detail = applicant.get(f"/applications/{submitted.uid}/").content.decode()
    assert _url(submitted, claim) not in detail
    response = applicant.post(_url(submitted, claim), NEW)
    assert response.status_code == 409
    assert RefereeRequest.objects.get(uid=li.uid).state == RequestState.ANSWERED
    assert submitted.projects.get().referee_email == REFEREE_A["referee_email"]


def test_a_replacement_needs_a_reason_and_a_new_address(world: World, submitted: Application) -> None:
    claim = RefereeClaim.objects.get(request__uid=link_for(REFEREE_B["referee_email"]).uid)
    applicant = world.client_for(world.applicant)
    response = applicant.post(_url(submitted, claim), {**NEW, "reason": "", "email": "CHEN.JING@example.com"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "This field is required." in html
    assert "This is the address that did not work; give another one." in html
    assert RefereeRequest.objects.get(uid=claim.request.uid).state == RequestState.SENT
