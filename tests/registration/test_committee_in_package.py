"""The package tells the alliance what the committee decided, with its tally, as it was sent."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from engcert.applications.domain.transition import application_transition
from engcert.applications.enums import ApplicationState as S
from engcert.committee.domain import (
    MeetingValues,
    agenda_item_add,
    agenda_item_decide,
    meeting_attendance_record,
    meeting_create,
    vote_cast,
)
from engcert.committee.enums import VoteChoice
from engcert.registration.domain import package_send
from engcert.registration.models import AlliancePackage
from tests.conftest import World
from tests.evaluation_helpers import candidate_interviewed

RATIONALE = "各能力要素均达到要求，同意按申请级别通过。"


def _decided_and_sent(world: World) -> tuple[AlliancePackage, str]:
    application = candidate_interviewed(world, index=1)
    meeting = meeting_create(
        values=MeetingValues(
            title="第四批综合审议会",
            batch=world.batch,
            starts_at=timezone.now() - timedelta(days=3),
            place="学会第一会议室",
            members=[world.committee],
            chair=world.committee,
        ),
        by=world.staff,
    )
    meeting_attendance_record(meeting=meeting, present=[world.committee], by=world.staff)
    item = agenda_item_add(meeting=meeting, application=application, by=world.staff)
    vote_cast(item=item, choice=VoteChoice.APPROVE, by=world.committee)
    agenda_item_decide(
        item=item, approve=True, grade=application.grade, rationale=RATIONALE, by=world.committee
    )
    for state in (S.PUBLIC_NOTICE, S.NOTICE_PASSED):
        application_transition(application=application, to_state=state, by=world.staff)
    return package_send(society=world.society, batch=world.batch, by=world.staff), str(application.uid)


def test_the_package_holds_the_committees_decision_and_tally(world: World) -> None:
    package, _uid = _decided_and_sent(world)
    [record] = AlliancePackage.objects.get(pk=package.pk).snapshot["candidates"]
    committee = record["committee"]
    assert (committee["meeting"], committee["outcome"], committee["rationale"]) == (
        "第四批综合审议会",
        "approved",
        RATIONALE,
    )
    assert committee["tally"] == {"members": 1, "voting": 1, "approve": 1, "not_approve": 0, "abstain": 0}
    assert (committee["departs_from_criteria"], committee["departure_reason"]) == (False, "")


def test_the_alliance_reviewer_reads_the_committees_decision_as_sent(world: World) -> None:
    package, uid = _decided_and_sent(world)
    url = reverse("registration:candidate", args=[package.pk, uid])
    text = world.client_for(world.reviewer).get(url).content.decode()
    assert RATIONALE in text
    assert "1 approve, 0 not approve, 0 abstain — 1 of 1 members present and voting" in text


def test_the_registered_member_reads_their_member_number_in_the_email_and_on_their_page(
    world: World, django_capture_on_commit_callbacks: object
) -> None:
    from django.core import mail

    from engcert.registration.domain import registration_confirm

    package, uid = _decided_and_sent(world)
    application = package.items.get().application
    application.applicant.language = "en"
    application.applicant.save(update_fields=["language"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        registration = registration_confirm(item=package.items.get(), by=world.reviewer)
    # The certificate is issued at once too; its email comes separately.
    [email] = [
        m for m in mail.outbox if m.to == [application.applicant.email] and "national member number" in m.body
    ]
    assert f"Your national member number: {registration.member_number}" in email.body
    page = world.client_for(application.applicant).get(reverse("applications:detail", args=[uid]))
    assert (
        f'<dt>National member number</dt><dd><strong class="nowrap">{registration.member_number}</strong></dd>'
        in page.content.decode()
    )
