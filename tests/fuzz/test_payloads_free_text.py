"""Script and markup that other people type (an examiner's justification and comment, a
committee's rationale and recusal reason, an objection, an appeal's grounds and the panel's
views, a referee's comment, a CPD activity, a member's name in the register) stay inert on
every page that shows them: staff's, the examiner's, the committee's, the public notice, the
public register and verification pages, and the member's own pages. Each page holds the text
escaped and no element or attribute made from it."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from engcert.accounts.models import User
from engcert.appeals.domain import appeal_lodge
from engcert.appeals.enums import View
from engcert.appeals.models import PanelMember
from engcert.applications.models import Application
from engcert.committee.domain import agenda_item_decide, recusal_record
from engcert.committee.enums import VoteChoice
from engcert.cpd.domain import audit_draw_make
from engcert.cpd.models import AuditSelection, CpdActivity
from engcert.demo.builders import TINY_PDF
from engcert.examiners.models import PanelSeat
from engcert.notices.domain.objection import objection_decide, objection_file
from engcert.notices.enums import ObjectionOutcome
from engcert.organisations.models import Organisation
from engcert.referees.models import RefereeClaim
from engcert.scoring.models import AgreedAreaScore, AreaScore, PanelAssessment, ScoreSheet
from engcert.units.domain import engineers_invite, unit_admin_request_create
from tests.appeals.helpers import objection_decider, panel_people, rejected, views, with_panel
from tests.certificates.public_helpers import listed, member_certificate
from tests.committee.helpers import committee_members, meeting_of, on_agenda, present, votes
from tests.conftest import World
from tests.cpd.members import activity_add, member_user
from tests.fuzz.test_payloads import PAYLOAD, live_markup, text_of
from tests.notices.conftest import running_notice
from tests.referees.conftest import REFEREE_A, link_for, name_referees

# A name must fit 100 characters; free text takes every payload.
NAME = '<script>alert(1)</script>"><img src=x onerror=alert(1)>'
SHOWN = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
FREE = "@SUM(A1)"  # in the free text, not in the names

pytestmark = pytest.mark.django_db


Page = tuple[Client, str, bool]  # who, the path, whether the page shows the free text as text
Seen = tuple[str, int, list[str], bool, bool, bool]


def _inert(pages: list[Page]) -> list[Seen]:
    """For each page: its path, status, the markup the payloads made, whether the script is
    shown as text, whether the source holds it escaped, and whether the free text is shown."""
    found = []
    for client, path, _free in pages:
        response = client.get(path)
        html = response.content.decode()
        text = text_of(html)
        found.append(
            (path, response.status_code, live_markup(html), SHOWN in text, ESCAPED in html, FREE in text)
        )
    return found


def _all_inert(pages: list[Page]) -> list[Seen]:
    return [(path, 200, [], True, True, free) for _client, path, free in pages]


def test_an_examiners_and_the_committees_texts_are_inert_for_examiners_committee_and_staff(
    world: World,
) -> None:
    people = committee_members(world, 3)
    meeting = meeting_of(world, people, title=NAME)
    item = on_agenda(world, meeting, index=1)
    application = Application.objects.get(pk=item.application_id)
    Application.objects.filter(pk=application.pk).update(full_name=NAME)
    ScoreSheet.objects.filter(seat__panel__application=application).update(comment=PAYLOAD)
    AreaScore.objects.filter(sheet__seat__panel__application=application).update(justification=PAYLOAD)
    PanelAssessment.objects.filter(application=application).update(summary=PAYLOAD)
    PanelSeat.objects.filter(panel__application=application).update(declaration_note=PAYLOAD)
    AgreedAreaScore.objects.filter(assessment__application=application).update(justification=PAYLOAD)
    present(world, meeting, people)
    recusal_record(item=item, member=people[2], reason=PAYLOAD, by=people[2])
    votes(item, {people[0]: VoteChoice.APPROVE, people[1]: VoteChoice.APPROVE})
    agenda_item_decide(
        item=item, approve=True, grade=application.grade, rationale=PAYLOAD, departure_reason="", by=people[0]
    )
    examiner, committee, staff = (world.client_for(u) for u in (world.examiner, world.committee, world.staff))
    society, uid = world.society.code, application.uid
    pages = [
        (examiner, f"/examiner/{uid}/score/", True),
        (committee, f"/committee/{meeting.pk}/", False),
        (committee, f"/committee/{meeting.pk}/items/{item.pk}/", True),
        (staff, f"/staff/{society}/applications/{uid}/scores/", True),
        (staff, f"/staff/{society}/committee/{meeting.pk}/", False),
        (staff, f"/staff/{society}/committee/{meeting.pk}/items/{item.pk}/", True),
        (staff, f"/applications/{uid}/", True),
    ]

    assert _inert(pages) == _all_inert(pages)


def test_a_candidate_and_an_objection_are_inert_on_the_public_notice_and_for_staff(world: World) -> None:
    cache.clear()
    notice = running_notice(world)
    entry = notice.entries.get()
    Application.objects.filter(pk=entry.application_id).update(full_name=NAME)
    Organisation.objects.filter(pk=world.unit.pk).update(name=NAME, name_en=NAME)
    objection = objection_file(entry=entry, name=NAME, phone="13912345678", email="", statement=PAYLOAD)
    public = [
        (Client(), f"/notices/{notice.uid}/", False),
        (Client(), f"/notices/{notice.uid}/candidates/{entry.uid}/object/", False),
    ]
    listed_while_investigated = _inert(public)
    objection_decide(
        objection=objection,
        outcome=ObjectionOutcome.UPHELD,
        by=objection_decider(world),
        note=PAYLOAD,
        reason_for_candidate=PAYLOAD,
    )
    staff, society = world.client_for(world.staff), world.society.code
    pages = [
        (staff, f"/staff/{society}/notices/{notice.uid}/", False),
        (staff, f"/staff/{society}/objections/{objection.uid}/", True),
        (world.client_for(entry.application.applicant), f"/applications/{entry.application.uid}/", True),
    ]

    assert listed_while_investigated == _all_inert(public)
    assert _inert(pages) == _all_inert(pages)


def test_an_appeals_grounds_and_the_panels_views_are_inert_for_panel_staff_and_candidate(
    world: World,
) -> None:
    User.objects.filter(pk=world.applicant.pk).update(full_name=NAME)
    world.applicant.refresh_from_db()
    application = rejected(world)
    Application.objects.filter(pk=application.pk).update(full_name=NAME)
    appeal = appeal_lodge(
        application=application,
        by=world.applicant,
        statement=PAYLOAD,
        files=[SimpleUploadedFile("证明.pdf", TINY_PDF, content_type="application/pdf")],
        now=timezone.now(),
    )
    members = with_panel(world, appeal, panel_people(world))
    views(appeal, members[:1], [(View.UPHOLD, "")])
    PanelMember.objects.filter(appeal=appeal, user=members[0]).update(comment=PAYLOAD)
    staff, society = world.client_for(world.staff), world.society.code
    pages = [
        (world.client_for(members[1]), f"/appeals/{appeal.uid}/panel/", True),
        (world.client_for(members[1]), "/appeals/panel/", False),
        (staff, f"/staff/{society}/appeals/{appeal.pk}/", True),
        (world.client_for(world.applicant), f"/applications/{application.uid}/", False),
    ]

    assert _inert(pages) == _all_inert(pages)


def test_a_referees_comment_and_name_are_inert_for_staff_and_the_referee(
    world: World, complete_draft: Application, django_capture_on_commit_callbacks: Any
) -> None:
    from engcert.applications.domain.application import application_submit

    name_referees(complete_draft)
    complete_draft.projects.update(referee_name=NAME)
    Application.objects.filter(pk=complete_draft.pk).update(full_name=NAME)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        application_submit(application=complete_draft, by=world.applicant)
    link = link_for(REFEREE_A["referee_email"])
    claims = RefereeClaim.objects.filter(request__uid=link.uid).order_by("pk")
    Client().post(
        link.path, {f"verdict_{claim.pk}": "disputed" for claim in claims} | {
            f"comment_{claim.pk}": PAYLOAD for claim in claims
        },
    )  # fmt: skip
    staff = world.client_for(world.staff)
    pages = [
        (staff, f"/staff/{world.society.code}/applications/{complete_draft.uid}/review/", True),
        (Client(), link.path, True),
    ]

    assert [claim.comment for claim in claims.all()] == [PAYLOAD] * len(claims)
    assert _inert(pages) == _all_inert(pages)


def test_a_members_name_and_cpd_activities_are_inert_in_the_register_verification_and_their_cpd_pages(
    world: World,
) -> None:
    holder = member_user("member@example.com", NAME)
    Organisation.objects.filter(pk=world.unit.pk).update(name=NAME, name_en=NAME)
    world.unit.refresh_from_db()
    certificate = member_certificate(world.society, name=NAME, name_en=NAME, holder=holder, unit=world.unit)
    listed(certificate, show_unit=True, show_name_en=True)
    activity = activity_add(certificate.registration, on=timezone.localdate(), hours="8")
    CpdActivity.objects.filter(pk=activity.pk).update(title=PAYLOAD[:200], provider=PAYLOAD[:200])
    draw = audit_draw_make(society=world.society, year=timezone.localdate().year, by=world.staff)
    selection = draw.selections.get()
    AuditSelection.objects.filter(pk=selection.pk).update(note=PAYLOAD)
    member, staff = world.client_for(holder), world.client_for(world.staff)
    pages = [
        (Client(), "/register/?q=script", False),
        (Client(), f"/verify/{certificate.number}/", False),
        (member, "/me/cpd/", True),
        (member, f"/me/cpd/{activity.uid}/edit/", False),
        (member, "/me/certificates/", False),
        (staff, f"/staff/{world.society.code}/cpd/", False),
        (staff, f"/staff/{world.society.code}/cpd/audits/members/{selection.pk}/", True),
        (staff, f"/staff/{world.society.code}/certificates/{certificate.number}/", False),
    ]

    assert _inert(pages) == _all_inert(pages)


def test_a_request_to_administer_a_unit_and_an_engineers_invitation_are_inert_for_staff_and_the_unit(
    world: World,
) -> None:
    unit_admin_request_create(unit=world.unit, user=world.outsider, position=NAME, note=PAYLOAD)
    engineers_invite(
        unit=world.unit, batch=world.batch, people=[("new@example.com", NAME)], by=world.unit_admin
    )
    pages = [
        (world.client_for(world.staff), f"/staff/{world.society.code}/units/", True),
        (world.client_for(world.unit_admin), f"/unit/{world.unit.code}/invitations/", False),
    ]

    assert _inert(pages) == _all_inert(pages)
