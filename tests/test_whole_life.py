"""The whole life of one application, from submission to registration, through the functions the
pages call: the applicant reads each step in plain words on their page and receives an email
for each."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from engcert.applications.domain.application import application_submit
from engcert.applications.enums import NEXT_STEPS, PUBLIC_LABELS
from engcert.applications.enums import ApplicationState as S
from engcert.audit.domain import audit_chain_verify
from engcert.committee.domain import (
    MeetingValues,
    agenda_item_add,
    agenda_item_decide,
    meeting_attendance_record,
    meeting_create,
    vote_cast,
)
from engcert.committee.enums import VoteChoice
from engcert.demo import evaluation
from engcert.notices.domain.notice import notice_periods_close, notice_publish
from engcert.registration.domain import package_send, registration_confirm
from engcert.review.views.history import ACTION_LABELS
from tests.conftest import PASSWORD, World

AFTER_SUBMISSION = [
    S.REVIEW_PASSED,
    S.INTERVIEW_SCHEDULED,
    S.INTERVIEWED,
    S.DELIBERATION,
    S.APPROVED,
    S.PUBLIC_NOTICE,
    S.NOTICE_PASSED,
    S.WITH_ALLIANCE,
    S.REGISTERED,
    S.CERTIFICATE_ISSUED,
]


def test_an_application_goes_from_submission_to_its_certificate_and_the_applicant_is_told_each_step(
    world: World, complete_draft: object, django_capture_on_commit_callbacks: object
) -> None:
    application = complete_draft
    world.applicant.language = "en"
    world.applicant.save(update_fields=["language"])
    capture = django_capture_on_commit_callbacks
    with capture(execute=True):  # type: ignore[operator]
        application_submit(application=application, by=world.applicant)  # type: ignore[arg-type]
        evaluation.review_pass(application=application, staff=world.staff)  # type: ignore[arg-type]
        pool = evaluation.pool_create(
            society=world.society,
            staff=world.staff,
            demo_examiner=world.examiner,
            password=PASSWORD,
            first_day=timezone.now(),
        )
        monday = timezone.localdate() + timedelta(days=7 - timezone.localdate().weekday())
        interview = evaluation.interview_arrange(
            application=application,  # type: ignore[arg-type]
            staff=world.staff,
            pool=pool,
            seat_of=[0, 1],
            at=timezone.make_aware(datetime.combine(monday, time(10, 0))),
        )
        evaluation.interview_backdate(interview=interview, days=3)
        evaluation.panel_scores_agree(application=application, pool=pool, seat_of=[0, 1])  # type: ignore[arg-type]

        meeting = meeting_create(
            values=MeetingValues(
                title="综合审议会",
                batch=world.batch,
                starts_at=timezone.now(),
                place="学会第一会议室",
                members=[world.committee],
                chair=world.committee,
            ),
            by=world.staff,
        )
        meeting_attendance_record(meeting=meeting, present=[world.committee], by=world.staff)
        item = agenda_item_add(meeting=meeting, application=application, by=world.staff)  # type: ignore[arg-type]
        vote_cast(item=item, choice=VoteChoice.APPROVE, by=world.committee)
        agenda_item_decide(
            item=item,
            approve=True,
            grade=application.grade,  # type: ignore[attr-defined]
            rationale="各能力要素均达到要求，同意通过。",
            by=world.committee,
        )

        notice = notice_publish(batch=world.batch, starts_on=timezone.localdate(), by=world.staff)
        assert notice_periods_close(now=notice.ends_at - timedelta(seconds=1)).passed == 0
        notice_periods_close(now=notice.ends_at)

        package = package_send(society=world.society, batch=world.batch, by=world.staff)
        registration = registration_confirm(item=package.items.get(), by=world.reviewer)

    application.refresh_from_db()  # type: ignore[attr-defined]
    # Registration issues the certificate at once (a task; immediate in tests).
    assert application.state == S.CERTIFICATE_ISSUED  # type: ignore[attr-defined]
    assert registration.application_id == application.pk  # type: ignore[attr-defined]
    certificate = registration.certificates.get()
    assert (certificate.term, certificate.issued_at is not None, bool(certificate.pdf.name)) == (
        1,
        True,
        True,
    )

    page = world.client_for(world.applicant).get(reverse("applications:detail", args=[application.uid]))  # type: ignore[attr-defined]
    timeline = [entry.to_label for entry in page.context["timeline"] if entry.to_label]
    assert timeline == [str(PUBLIC_LABELS[state]) for state in [S.DRAFT, S.SUBMITTED, *AFTER_SUBMISSION]]
    assert str(NEXT_STEPS[S.CERTIFICATE_ISSUED]) in page.content.decode()

    subjects = [m.subject for m in mail.outbox if m.to == [world.applicant.email]]
    for state in AFTER_SUBMISSION[:-1]:
        assert f"Application {application.number}: {PUBLIC_LABELS[state]}" in subjects  # type: ignore[attr-defined]
    # The certificate's own email announces the last step, with its number and where to download it.
    [ready] = [m for m in mail.outbox if m.to == [world.applicant.email] and certificate.number in m.body]
    assert "/me/certificates/" in ready.body
    assert f"Application {application.number}: {PUBLIC_LABELS[S.CERTIFICATE_ISSUED]}" not in subjects  # type: ignore[attr-defined]
    assert audit_chain_verify().ok
    # Staff's audit-trail page names every step of this life in words, none by its code.
    recorded = set(application.audit_events.values_list("action", flat=True))  # type: ignore[attr-defined]
    assert recorded - set(ACTION_LABELS) == set()
