from __future__ import annotations

from django.core import mail

from engcert.applications.domain.application import application_submit
from engcert.applications.enums import ApplicationState
from engcert.audit.domain import audit_chain_verify


def test_complete_draft_submits_and_audits(world, complete_draft, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        submitted = application_submit(application=complete_draft, by=world.applicant)
    assert submitted.state == ApplicationState.SUBMITTED
    assert audit_chain_verify().ok
    # One email to the applicant; the referees named in the file are asked by theirs.
    assert [m.to for m in mail.outbox if m.to == [world.applicant.email]] == [[world.applicant.email]]
