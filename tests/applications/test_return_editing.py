"""An application returned for revision: the applicant changes exactly the sections the review named,
reads each reason beside its section, and submits again."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from engcert.applications.domain.application import (
    ApplicationError,
    application_pledge_sign,
    application_submit,
    application_update,
    attachment_delete,
    attachment_upload,
)
from engcert.applications.domain.sections import (
    StatementInput,
    competency_statements_save,
    section_entries_save,
)
from engcert.applications.enums import ApplicationState, AttachmentKind
from engcert.applications.models import Application, Attachment, Project, WorkEntry
from engcert.demo.builders import TINY_PDF
from engcert.review.domain import RevisionInput, initial_review_return
from tests.applications.conftest import browser_post
from tests.conftest import World

pytestmark = pytest.mark.usefixtures("english")

WORK_REASON = "The referee of your first position has no phone number."
FILES_REASON = "The identity card scan cannot be read."


def _returned(world: World, application: Application, *items: RevisionInput) -> Application:
    application_submit(application=application, by=world.applicant)
    initial_review_return(application=application, by=world.staff, items=list(items))
    application.refresh_from_db()
    return application


@pytest.fixture
def returned(world: World, complete_draft: Application) -> Application:
    return _returned(
        world, complete_draft, RevisionInput("work", WORK_REASON), RevisionInput("attachments", FILES_REASON)
    )


def _pdf(name: str = "scan.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, TINY_PDF, content_type="application/pdf")


# The domain ----------------------------------------------------------------------------------------


def test_the_named_sections_can_be_changed(world: World, returned: Application):
    entry = returned.work_entries.order_by("start_date").first()
    assert entry is not None
    entry.referee_phone = "13912345678"

    section_entries_save(application=returned, by=world.applicant, save=[entry])
    upload = attachment_upload(
        application=returned, by=world.applicant, uploaded=_pdf(), kind=AttachmentKind.IDENTITY_DOCUMENT
    )

    entry.refresh_from_db()
    assert entry.referee_phone == "13912345678"
    assert Attachment.objects.filter(pk=upload.pk).exists()


REFUSED_WORK_AND_FILES = "“%s” was not returned for revision and stays as you submitted it. The society asked for changes in: Work history, Attachments."


def test_every_other_section_is_refused_by_the_domain(world: World, returned: Application):
    project = returned.projects.get()
    project.results = "Changed without being asked."
    statement = returned.statements.select_related("area").first()
    assert statement is not None
    attempts = {
        "Personal data": lambda: application_update(
            application=returned, by=world.applicant, values={"full_name": "王大伟"}
        ),
        "Grade and field": lambda: application_update(
            application=returned, by=world.applicant, values={"grade": None}
        ),
        "International titles": lambda: application_update(
            application=returned, by=world.applicant, values={"simplified_requested": True}
        ),
        "Engineering projects": lambda: section_entries_save(
            application=returned, by=world.applicant, save=[project]
        ),
        "Competency statements": lambda: competency_statements_save(
            application=returned,
            by=world.applicant,
            statements=[StatementInput(area=statement.area, text="New text", projects=[])],
        ),
        "Integrity pledge": lambda: application_pledge_sign(
            application=returned, by=world.applicant, typed_name="王伟", consents=True, ip_address=None
        ),
    }
    for title, attempt in attempts.items():
        with pytest.raises(ApplicationError) as refused:
            attempt()
        assert str(refused.value) == REFUSED_WORK_AND_FILES % title

    returned.refresh_from_db()
    assert returned.full_name == "王伟"
    assert Project.objects.get(pk=project.pk).results != "Changed without being asked."
    statement.refresh_from_db()
    assert statement.text != "New text"


def test_a_file_may_be_changed_from_the_section_that_owns_it_or_from_the_attachments(
    world: World, complete_draft: Application
):
    returned = _returned(
        world, complete_draft, RevisionInput("education", "Upload the degree certificate again.")
    )
    certificate = returned.education.get().certificate
    assert certificate is not None
    other = Attachment.objects.create(
        application=returned,
        kind=AttachmentKind.OTHER,
        file="attachments/x.pdf",
        original_name="other.pdf",
        content_type="application/pdf",
        size=10,
        sha256="0" * 64,
        uploaded_by=world.applicant,
    )

    # From the education section (its degree certificate): yes. From the attachments page: no.
    attachment_upload(
        application=returned,
        by=world.applicant,
        uploaded=_pdf("degree.pdf"),
        kind=AttachmentKind.DEGREE_CERTIFICATE,
        section="education",
    )
    with pytest.raises(ApplicationError):
        attachment_upload(
            application=returned, by=world.applicant, uploaded=_pdf(), kind=AttachmentKind.OTHER
        )
    # The old certificate belongs to the education section; the other file does not.
    attachment_delete(attachment=certificate, by=world.applicant)
    with pytest.raises(ApplicationError) as refused:
        attachment_delete(attachment=other, by=world.applicant)

    assert str(refused.value) == (
        "“Attachments” was not returned for revision and stays as you submitted it. "
        "The society asked for changes in: Education."
    )
    assert sorted(returned.attachments.values_list("original_name", flat=True)) == ["degree.pdf", "other.pdf"]


def test_the_eligibility_explanation_reopens_with_the_work_history(world: World, returned: Application):
    application_update(
        application=returned,
        by=world.applicant,
        values={"eligibility_explanation": "Two years abroad count too."},
    )

    returned.refresh_from_db()
    assert returned.eligibility_explanation == "Two years abroad count too."


def test_resubmitting_closes_every_section_again(world: World, returned: Application):
    application_submit(application=returned, by=world.applicant)

    returned.refresh_from_db()
    assert returned.state == ApplicationState.RESUBMITTED
    assert returned.revision_sections == []
    entry = returned.work_entries.first()
    assert entry is not None
    with pytest.raises(ApplicationError) as refused:
        section_entries_save(application=returned, by=world.applicant, save=[entry])
    assert str(refused.value) == "A submitted application can no longer be changed."


# The pages -----------------------------------------------------------------------------------------


def section_url(application: Application, section: str) -> str:
    return f"/applications/{application.uid}/edit/{section}/"


def test_the_applicant_saves_a_named_section_from_its_page(world: World, returned: Application):
    client = world.client_for(world.applicant)
    first = returned.work_entries.order_by("start_date").first()
    assert first is not None

    response = browser_post(client, section_url(returned, "work"), {"work-0-referee_phone": "13912345678"})

    assert response.status_code == 302
    first.refresh_from_db()
    assert first.referee_phone == "13912345678"


def test_posting_to_a_section_that_was_not_returned_is_refused_and_changes_nothing(
    world: World, returned: Application
):
    response = world.client_for(world.applicant).post(
        section_url(returned, "personal"),
        {"full_name": "王大伟", "phone": "13900000000", "action": "save"},
    )

    assert response.status_code == 403
    html = response.content.decode()
    assert "<strong>Nothing was saved.</strong>" in html
    assert "The society did not ask for changes in this section, so it stays as you submitted it." in html
    returned.refresh_from_db()
    assert (returned.full_name, returned.phone) == ("王伟", "13800000000")


def test_a_section_that_was_not_returned_reads_as_submitted(world: World, returned: Application):
    response = world.client_for(world.applicant).get(section_url(returned, "projects"))

    assert response.status_code == 200
    html = response.content.decode()
    project = returned.projects.get()
    assert f"<h3>{project.name}</h3>" in html
    assert '<form method="post" novalidate data-dirty-warning' not in html
    assert f'href="{section_url(returned, "work")}">Work history</a>' in html


def test_uploading_through_the_attachments_page_is_refused_when_only_a_section_was_returned(
    world: World, complete_draft: Application
):
    returned = _returned(world, complete_draft, RevisionInput("projects", "Say what you did yourself."))
    before = returned.attachments.count()

    response = world.client_for(world.applicant).post(
        f"/applications/{returned.uid}/files/upload/", {"kind": "other", "file": _pdf()}, follow=True
    )

    assert (
        "“Attachments” was not returned for revision and stays as you submitted it. "
        "The society asked for changes in: Engineering projects."
    ) in response.content.decode()
    assert returned.attachments.count() == before


def test_each_reason_is_shown_beside_its_section_on_the_overview(world: World, returned: Application):
    html = world.client_for(world.applicant).get(f"/applications/{returned.uid}/").content.decode()

    assert "<h2>Sections to change</h2>" in html
    work = html.index(f'href="{section_url(returned, "work")}"')
    projects = html.index(f'href="{section_url(returned, "projects")}"')
    assert work < html.index(f'<span class="step-reason">{WORK_REASON}</span>') < projects
    attachments = html.index(f'href="{section_url(returned, "attachments")}"')
    pledge = html.index(f'href="{section_url(returned, "pledge")}"')
    assert attachments < html.index(f'<span class="step-reason">{FILES_REASON}</span>') < pledge
    assert html.count('class="step-reason"') == 2
    # The way in leads to the first section to change.
    assert f'<a class="btn" href="{section_url(returned, "work")}">Make the changes</a>' in html


def test_the_reason_is_shown_at_the_top_of_the_sections_page(world: World, returned: Application):
    html = world.client_for(world.applicant).get(section_url(returned, "work")).content.decode()

    top = html.index('<div class="revision-reason" role="note">')
    assert html.index("<strong>The society asks you to change this section:</strong>") > top
    assert html.index(f'<p class="multiline">{WORK_REASON}</p>') > top
    assert top < html.index('<form method="post" novalidate data-dirty-warning')


def test_after_the_changes_the_applicant_submits_again(world: World, returned: Application):
    client = world.client_for(world.applicant)
    browser_post(client, section_url(returned, "work"), {"work-0-referee_phone": "13912345678"})

    response = client.post(f"/applications/{returned.uid}/submit/")

    assert response.status_code == 302
    returned.refresh_from_db()
    assert returned.state == ApplicationState.RESUBMITTED
    assert returned.snapshots.count() == 2


def test_other_people_cannot_edit_a_returned_application(world: World, returned: Application):
    for user in (world.other_applicant, world.outsider):
        response = world.client_for(user).post(section_url(returned, "work"), {"action": "save"})
        assert response.status_code == 404
    response = world.client_for(world.staff).post(section_url(returned, "work"), {"action": "save"})
    assert response.status_code == 403
    assert WorkEntry.objects.filter(application=returned).count() == 2
