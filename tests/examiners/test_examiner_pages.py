"""The examiner's own pages: only their candidates, a declaration before the file opens, a file
without the candidate's identity number or contact details."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.utils import timezone

from engcert.accounts.models import User
from engcert.applications.enums import AttachmentKind
from engcert.audit.models import AuditEvent
from engcert.demo.builders import TINY_PDF
from engcert.examiners.enums import SeatStatus
from tests.scoring.conftest import (
    PanelSetup,
    candidate_scheduled,
    examiner_of,
    examiner_user,
    panel_build,
)


@pytest.fixture
def second_examiner(world):
    return examiner_user("examiner2@example.com", "第二考官", world.society)


@pytest.fixture
def setup(world, second_examiner) -> PanelSetup:
    application = candidate_scheduled(world, index=1, applicant=world.applicant)
    return panel_build(
        application=application,
        examiners=[examiner_of(world.examiner, world.society), examiner_of(second_examiner, world.society)],
    )


def _rows(html: str) -> list[str]:
    """The candidate links of the "my candidates" table, in order."""
    return re.findall(r'<a href="/examiner/([0-9a-f-]{36})/">', html)


def _declare(world, user, setup, **data):
    return world.client_for(user).post(f"/examiner/{setup.application.uid}/declare/", data)


# My candidates ---------------------------------------------------------------------------------


def test_examiner_sees_only_the_candidates_on_whose_panels_they_sit(world, setup, second_examiner):
    other = candidate_scheduled(world, index=2)
    third = examiner_user("examiner3@example.com", "第三考官", world.society)
    panel_build(
        application=other,
        examiners=[examiner_of(second_examiner, world.society), examiner_of(third, world.society)],
    )
    html = world.client_for(world.examiner).get("/examiner/").content.decode()
    assert _rows(html) == [str(setup.application.uid)]
    assert other.number not in html
    second_html = world.client_for(second_examiner).get("/examiner/").content.decode()
    assert sorted(_rows(second_html)) == sorted([str(setup.application.uid), str(other.uid)])


def test_the_list_shows_interview_room_declaration_sheet_and_panel_status(world, setup):
    html = world.client_for(world.examiner).get("/examiner/").content.decode()
    assert timezone.localtime(setup.interview.starts_at).strftime("%Y-%m-%d %H:%M") in html
    assert "第一会议室" in html
    assert '<span class="status status-seat-assigned">Not declared yet</span>' in html
    assert '<span class="status status-sheet-not_started">Not started</span>' in html
    assert '<span class="status status-panel-declarations">Waiting for declarations</span>' in html
    assert '<span class="flag">chair</span>' in html


def test_a_withdrawn_seat_or_a_conflict_leaves_the_list(world, setup):
    seat = setup.chair
    seat.status = SeatStatus.REMOVED
    seat.save(update_fields=["status"])
    html = world.client_for(world.examiner).get("/examiner/").content.decode()
    assert _rows(html) == []
    assert "No candidate is assigned to you at the moment." in html


def test_a_seat_at_a_society_where_the_person_no_longer_examines_is_not_listed(world, setup):
    world.examiner.memberships.filter(role="examiner").update(is_active=False)
    response = world.client_for(world.examiner).get("/examiner/")
    # Without the examiner role the page does not exist for them at all.
    assert response.status_code == 404


@pytest.mark.parametrize("persona", ["applicant", "staff", "committee", "unit_admin", "outsider"])
def test_people_who_do_not_examine_get_no_examiner_page(world, setup, persona):
    response = world.client_for(getattr(world, persona)).get("/examiner/")
    assert response.status_code == 404


def test_a_visitor_is_sent_to_sign_in(client, world, setup):
    response = client.get("/examiner/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_navigation_offers_the_examiner_link_to_examiners_only(world, setup):
    assert 'href="/examiner/"' in world.client_for(world.examiner).get("/applications/").content.decode()
    assert 'href="/examiner/"' not in world.client_for(world.applicant).get("/applications/").content.decode()


# The declaration before the file opens -------------------------------------------------------------


def test_before_declaring_the_examiner_sees_only_what_tells_a_conflict(world, setup):
    html = world.client_for(world.examiner).get(f"/examiner/{setup.application.uid}/").content.decode()
    application = setup.application
    assert "Before the file opens: do you have a conflict of interest?" in html
    assert application.full_name in html
    assert "Professional Engineer" in html
    assert application.unit.name_en in html
    assert application.employer in html
    # The file itself stays closed: no statement, project or attachment yet.
    statement = application.statements.first()
    assert statement.text not in html
    assert application.projects.first().name not in html
    assert "/files/" not in html
    assert 'href="/examiner/' + str(application.uid) + '/score/"' not in html


def test_the_score_sheet_and_files_send_an_undeclared_examiner_to_the_declaration(world, setup):
    client = world.client_for(world.examiner)
    uid = setup.application.uid
    attachment = setup.application.attachments.first()
    for path in (
        f"/examiner/{uid}/score/",
        f"/examiner/{uid}/agreement/",
        f"/examiner/{uid}/files/{attachment.uid}/",
    ):
        response = client.get(path)
        assert (response.status_code, response["Location"]) == (302, f"/examiner/{uid}/"), path


def test_declaring_no_conflict_opens_the_file_and_is_audited(world, setup):
    response = _declare(world, world.examiner, setup, declaration="none")
    assert (response.status_code, response["Location"]) == (302, f"/examiner/{setup.application.uid}/")
    seat = setup.chair
    seat.refresh_from_db()
    assert seat.status == SeatStatus.CONFIRMED
    assert seat.declared_at is not None
    event = AuditEvent.objects.filter(action="panel_seat.declare").get()
    assert (event.actor, event.application_id, event.from_state, event.to_state, event.data["conflict"]) == (
        world.examiner,
        setup.application.pk,
        "assigned",
        "confirmed",
        False,
    )
    html = world.client_for(world.examiner).get(f"/examiner/{setup.application.uid}/").content.decode()
    assert setup.application.statements.first().text in html
    assert setup.application.projects.first().name in html


def test_a_declaration_without_a_choice_is_refused_beside_the_choice(world, setup):
    response = _declare(world, world.examiner, setup, note="")
    assert response.status_code == 400
    assert "Choose one of the two declarations." in response.content.decode()
    setup.chair.refresh_from_db()
    assert setup.chair.status == SeatStatus.ASSIGNED


def test_a_conflict_needs_a_note(world, setup):
    response = _declare(world, world.examiner, setup, declaration="conflict", note="  ")
    html = response.content.decode()
    assert response.status_code == 400
    assert (
        '<ul class="errorlist" id="id_note_error"><li>Please say briefly what the conflict is.</li></ul>'
        in html
    )
    setup.chair.refresh_from_db()
    assert setup.chair.status == SeatStatus.ASSIGNED


def test_a_declared_conflict_gives_up_the_seat_tells_staff_and_shows_the_panel_short(
    world, setup, django_capture_on_commit_callbacks
):
    # Mails go out in the reader's own language; this member of staff chose English.
    User.objects.filter(pk=world.staff.pk).update(language="en")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = _declare(
            world, world.examiner, setup, declaration="conflict", note="The candidate was my student."
        )
    assert (response.status_code, response["Location"]) == (302, "/examiner/")
    seat = setup.chair
    seat.refresh_from_db()
    assert (seat.status, seat.declaration_note) == (SeatStatus.CONFLICT, "The candidate was my student.")
    event = AuditEvent.objects.filter(action="panel_seat.declare").get()
    assert (event.to_state, event.reason, event.data["conflict"]) == (
        "conflict",
        "The candidate was my student.",
        True,
    )
    # Staff are told by email, in plain text, with the way to the panel.
    assert [message.to for message in mail.outbox] == [[world.staff.email]]
    message = mail.outbox[0]
    assert (
        message.subject
        == f"Conflict of interest declared: candidate {setup.application.number} needs another examiner"
    )
    assert "The candidate was my student." in message.body
    assert (
        "The society asks for 2 examiners on a panel and 1 now sit on this one: please assign 1 more examiner."
        in message.body
    )
    assert "The examiner was the panel's chair: please name a new chair." in message.body
    assert f"/staff/{world.society.code}/applications/{setup.application.uid}/scores/" in message.body
    # The candidate leaves the examiner's list; the file answers 403 with the reason.
    assert _rows(world.client_for(world.examiner).get("/examiner/").content.decode()) == []
    closed = world.client_for(world.examiner).get(f"/examiner/{setup.application.uid}/")
    assert closed.status_code == 403
    assert "you declared a conflict of interest with candidate" in closed.content.decode()
    # Staff see the panel short.
    staff_html = (
        world.client_for(world.staff)
        .get(f"/staff/{world.society.code}/applications/{setup.application.uid}/scores/")
        .content.decode()
    )
    assert (
        "The panel is short: the society asks for 2 examiners and 1 sit on it. Assign 1 more examiner."
        in staff_html
    )
    assert '<span class="status status-panel-short">Short of examiners</span>' in staff_html


def test_a_conflict_found_after_the_file_opened_can_still_be_declared_before_submitting(world, setup):
    _declare(world, world.examiner, setup, declaration="none")
    response = _declare(
        world, world.examiner, setup, declaration="conflict", note="I recognised a former colleague."
    )
    assert (response.status_code, response["Location"]) == (302, "/examiner/")
    setup.chair.refresh_from_db()
    assert setup.chair.status == SeatStatus.CONFLICT


def test_a_removed_seat_closes_the_file_with_the_reason(world, setup):
    seat = setup.member
    seat.status = SeatStatus.REMOVED
    seat.removed_reason = "Unavailable on the interview day."
    seat.save(update_fields=["status", "removed_reason"])
    user = setup.user(1)
    client = world.client_for(user)
    for path in ("", "score/", "agreement/"):
        response = client.get(f"/examiner/{setup.application.uid}/{path}")
        html = response.content.decode()
        assert response.status_code == 403, path
        assert "taken you off the panel" in html
        assert "Unavailable on the interview day." in html
    response = client.post(f"/examiner/{setup.application.uid}/declare/", {"declaration": "none"})
    assert response.status_code == 403
    seat.refresh_from_db()
    assert seat.status == SeatStatus.REMOVED


@pytest.mark.parametrize("persona", ["committee", "applicant", "staff", "outsider"])
def test_people_without_a_seat_get_404_on_every_examiner_page_of_the_candidate(world, setup, persona):
    client = world.client_for(getattr(world, persona))
    uid = setup.application.uid
    attachment = setup.application.attachments.first()
    for path in ("", "score/", "agreement/", f"files/{attachment.uid}/"):
        assert client.get(f"/examiner/{uid}/{path}").status_code == 404, path
    assert client.post(f"/examiner/{uid}/declare/", {"declaration": "none"}).status_code == 404


def test_an_examiner_of_another_panel_gets_404_for_this_candidate(world, setup):
    outsider_examiner = examiner_user("examiner9@example.com", "别的考官", world.society)
    examiner_of(outsider_examiner, world.society)
    client = world.client_for(outsider_examiner)
    assert client.get(f"/examiner/{setup.application.uid}/").status_code == 404
    assert client.get(f"/examiner/{setup.application.uid}/score/").status_code == 404


# The file --------------------------------------------------------------------------------------


def _sensitive(application) -> list[str]:
    return [
        application.id_number,
        application.id_number_masked,
        application.phone,
        application.address,
        application.email,
        application.applicant.email,
        "referee1@example.com",
        "13900000000",
        application.birth_date.isoformat(),
    ]


def test_the_examiner_never_sees_identity_number_phone_address_or_email(world, setup):
    application = setup.application
    client = world.client_for(world.examiner)
    pages = [
        client.get("/examiner/").content.decode(),
        client.get(f"/examiner/{application.uid}/").content.decode(),
    ]
    _declare(world, world.examiner, setup, declaration="none")
    uid = application.uid
    pages += [
        client.get(f"/examiner/{uid}/").content.decode(),
        client.get(f"/examiner/{uid}/score/").content.decode(),
    ]
    for html in pages:
        for value in _sensitive(application):
            assert value and value not in html


def test_the_file_lists_attachments_to_download_but_never_the_identity_document(world, second_examiner):
    application = candidate_scheduled(world, index=3, identity_document=True)
    setup = panel_build(
        application=application,
        examiners=[examiner_of(world.examiner, world.society), examiner_of(second_examiner, world.society)],
    )
    identity = application.attachments.get(kind=AttachmentKind.IDENTITY_DOCUMENT)
    degree = application.attachments.get(kind=AttachmentKind.DEGREE_CERTIFICATE)
    _declare(world, world.examiner, setup, declaration="none")
    client = world.client_for(world.examiner)
    html = client.get(f"/examiner/{application.uid}/").content.decode()
    assert f'href="/examiner/{application.uid}/files/{degree.uid}/"' in html
    assert str(identity.uid) not in html
    assert "身份证.pdf" not in html
    download = client.get(f"/examiner/{application.uid}/files/{degree.uid}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == TINY_PDF
    assert download["Cache-Control"] == "private, no-store"
    assert client.get(f"/examiner/{application.uid}/files/{identity.uid}/").status_code == 404


def test_a_file_of_another_candidate_cannot_be_fetched_through_this_seat(world, setup):
    _declare(world, world.examiner, setup, declaration="none")
    foreign = candidate_scheduled(world, index=5).attachments.first()
    response = world.client_for(world.examiner).get(f"/examiner/{setup.application.uid}/files/{foreign.uid}/")
    assert response.status_code == 404


def test_the_declaration_page_names_what_the_conflict_checks_found(world, setup):
    examiner = setup.chair.examiner
    examiner.employer = setup.application.employer
    examiner.save(update_fields=["employer"])
    html = world.client_for(world.examiner).get(f"/examiner/{setup.application.uid}/").content.decode()
    assert "The platform's conflict checks found:" in html
    assert f"The examiner and the candidate both work for {setup.application.employer}." in html
    other = world.client_for(setup.user(1)).get(f"/examiner/{setup.application.uid}/").content.decode()
    assert "conflict checks found" not in other
