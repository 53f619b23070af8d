"""The staff review page and the comparison page: what they show, to whom, and at what cost."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from engcert.accounts.models import User
from engcert.applications.domain.application import application_create, attachment_upload
from engcert.applications.enums import ApplicationState, AttachmentKind, Degree
from engcert.applications.models import (
    Achievement,
    Application,
    CpdRecord,
    Education,
    InternationalTitle,
    Project,
    WorkEntry,
)
from engcert.demo import builders
from engcert.organisations.enums import Role
from engcert.organisations.models import Membership
from engcert.review.domain import RevisionInput, initial_review_checklist_save, initial_review_return
from tests.conftest import World
from tests.review.initial_helpers import submitted, url

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def application(complete_draft: Application) -> Application:
    return submitted(complete_draft)


# What the page shows --------------------------------------------------------------------------------


def test_the_page_shows_every_section_of_the_file(world: World, application: Application):
    html = world.client_for(world.staff).get(url(world, application)).content.decode()

    for title in (
        "Grade and field",
        "Personal data",
        "Education",
        "Work history",
        "Engineering projects",
        "Competency statements",
        "Titles and achievements",
        "International titles",
        "Continuing development",
        "Attachments",
        "Integrity pledge",
    ):
        assert f"<h2>{title}</h2>" in html
    project = application.projects.get()
    assert f"<h3>{project.name}</h3>" in html
    assert "华北电力大学 · 电气工程及其自动化" in html
    # Every attachment can be opened from the file.
    for attachment in application.attachments.all():
        assert f'href="/applications/{application.uid}/files/{attachment.uid}/"' in html
    # The identity number is masked in the file; the full one is only shown on request (logged).
    assert application.id_number not in html
    assert application.id_number_masked in html


def test_the_page_shows_the_computed_eligibility_against_the_grades_minimums(
    world: World, application: Application
):
    html = world.client_for(world.staff).get(url(world, application)).content.decode()

    grade = application.grade
    assert grade is not None
    assert "<th>Professional Engineer requires</th>" in html
    assert f'<td class="nowrap">≥ {grade.min_practice_years}</td>' in html
    assert f'<td class="nowrap">≥ {grade.min_responsible_years}</td>' in html
    assert "The applicant's explanation" not in html


def test_an_unmet_requirement_shows_the_applicants_explanation(world: World):
    user = builders.user_create(email="young@example.com", password="x-long-password-1", full_name="赵敏")
    draft = builders.application_complete_draft(
        batch=world.batch,
        applicant=user,
        person=builders.Person("赵敏", False, date(1998, 2, 3), world.unit.name),
        unit=world.unit,
        years_of_practice=2,
    )
    Application.objects.filter(pk=draft.pk).update(eligibility_explanation="I worked abroad for three years.")
    draft.refresh_from_db()
    application = submitted(draft)

    html = world.client_for(world.staff).get(url(world, application)).content.decode()

    assert "<strong>The applicant's explanation</strong>" in html
    assert "I worked abroad for three years." in html


def test_a_returned_application_shows_its_return_and_no_decision_forms(
    world: World, application: Application
):
    initial_review_return(
        application=application, by=world.staff, items=[RevisionInput("work", "Add the referee.")]
    )

    html = world.client_for(world.staff).get(url(world, application)).content.decode()

    assert '<strong>Work history</strong>: <span class="multiline">Add the referee.</span>' in html
    assert "Returned to the applicant for revision" in html
    assert url(world, application, "checklist") not in html
    assert url(world, application, "reject") not in html


def test_the_batch_list_links_each_application_to_its_review(world: World, application: Application):
    html = (
        world.client_for(world.staff)
        .get(f"/staff/{world.society.code}/batches/{world.batch.pk}/")
        .content.decode()
    )

    assert f'href="{url(world, application)}"' in html


def test_the_comparison_of_a_first_submission_says_there_is_nothing_to_compare(
    world: World, application: Application
):
    html = world.client_for(world.staff).get(url(world, application, "changes")).content.decode()

    assert "This is the application's first submission: there is nothing earlier to compare it with." in html
    # No link to the comparison from the review page before there is a second submission.
    assert (
        url(world, application, "changes")
        not in world.client_for(world.staff).get(url(world, application)).content.decode()
    )


# Who may see and act ------------------------------------------------------------------------------

OUTSIDERS = ["applicant", "other_applicant", "unit_admin", "examiner", "committee", "reviewer", "outsider"]


def _client(world: World, who: str, other_society_staff: User) -> Client:
    if who == "other_society_staff":
        return world.client_for(other_society_staff)
    if who == "former_staff":
        user = builders.user_create(
            email="former@example.com", password="x-long-password-1", full_name="前员工"
        )
        Membership.objects.create(user=user, organisation=world.society, role=Role.STAFF, is_active=False)
        return world.client_for(user)
    return world.client_for(getattr(world, who))


PAGES = [
    ("application", "get", {}),
    ("changes", "get", {}),
    ("checklist", "post", {"expected_state": "submitted", "action": "pass", "documents_complete": "on"}),
    ("return", "post", {"expected_state": "submitted", "return_work": "on", "reason_work": "x"}),
    ("reject", "post", {"expected_state": "submitted", "reason": "x"}),
]


@pytest.mark.parametrize("who", [*OUTSIDERS, "other_society_staff", "former_staff"])
@pytest.mark.parametrize(("name", "method", "data"), PAGES, ids=[p[0] for p in PAGES])
def test_only_the_societys_active_staff_reach_the_review_pages(
    world: World,
    application: Application,
    other_society_staff: User,
    who: str,
    name: str,
    method: str,
    data: dict,
):
    client = _client(world, who, other_society_staff)

    response = getattr(client, method)(url(world, application, name), data)

    assert response.status_code == 404
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED


@pytest.mark.parametrize("who", [*OUTSIDERS, "other_society_staff"])
def test_only_the_societys_staff_record_a_title_check(
    world: World, application: Application, other_society_staff: User, who: str
):
    title = InternationalTitle.objects.create(
        application=application, kind="apec", number="A-1", issuer="CAST"
    )

    response = _client(world, who, other_society_staff).post(
        url(world, application, "title_verify", title_id=title.pk),
        {f"title{title.pk}-outcome": "not_verified", f"title{title.pk}-note": "x"},
    )

    assert response.status_code == 404
    assert title.verifications.count() == 0


def test_a_society_slug_that_is_not_the_applications_society_finds_nothing(
    world: World, application: Application, other_society_staff: User
):
    # Staff of another society, using their own society's address for this application.
    response = world.client_for(other_society_staff).get(
        f"/staff/other/applications/{application.uid}/review/"
    )

    assert response.status_code == 404


def test_a_draft_stays_private_to_its_applicant(world: World):
    draft = application_create(batch=world.batch, applicant=world.other_applicant)

    response = world.client_for(world.staff).get(url(world, draft))

    assert response.status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(world: World, application: Application):
    response = Client().get(url(world, application))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


# Cost --------------------------------------------------------------------------------------------


def _grow(application: Application, by: User) -> None:
    """Two more rows in every repeating section, files included."""
    for number in (2, 3):
        certificate = attachment_upload(
            application=application,
            by=by,
            uploaded=SimpleUploadedFile(f"证书{number}.pdf", builders.TINY_PDF),
            kind=AttachmentKind.DEGREE_CERTIFICATE,
        )
        Education.objects.create(
            application=application,
            degree=Degree.MASTER,
            institution=f"大学{number}",
            major="电气工程",
            start_date=date(2000 + number, 9, 1),
            end_date=date(2002 + number, 7, 1),
            certificate=certificate,
        )
        WorkEntry.objects.create(
            application=application,
            employer=f"单位{number}",
            position="工程师",
            start_date=date(2005 + number, 1, 1),
            end_date=date(2005 + number, 6, 30),
            referee_name="赵磊",
            referee_position="部门主任",
            referee_organisation=f"单位{number}",
            referee_email=f"zhao{number}@example.com",
            referee_phone="13900000001",
        )
        project = Project.objects.create(
            application=application,
            name=f"工程{number}",
            start_date=date(2018, number, 1),
            role="负责人",
            scale="220kV",
            responsibilities="设计审查",
            results="投运",
            referee_name="李建国",
            referee_position="总工程师",
            referee_organisation="国网某省电力公司",
            referee_email="referee@example.com",
            referee_phone="13900000000",
        )
        for statement in application.statements.all():
            statement.projects.add(project)
        Achievement.objects.create(application=application, kind="award", title=f"奖励{number}")
        evidence = attachment_upload(
            application=application,
            by=by,
            uploaded=SimpleUploadedFile(f"title{number}.png", builders.tiny_png()),
            kind=AttachmentKind.INTERNATIONAL_TITLE,
        )
        InternationalTitle.objects.create(
            application=application, kind="apec", number=f"APEC-{number}", issuer="CAST", evidence=evidence
        )
        CpdRecord.objects.create(
            application=application,
            activity_type="seminar",
            title=f"研讨会{number}",
            date=date(2025, number, 1),
            hours=8,
        )


def _queries(client: Client, page: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(page)
    assert response.status_code == 200
    return len(captured)


def test_the_review_page_costs_the_same_queries_with_one_or_three_rows_in_each_section(world: World):
    def one_row_each(email: str, name: str) -> Application:
        user = builders.user_create(email=email, password="x-long-password-1", full_name=name)
        draft = builders.application_complete_draft(
            batch=world.batch,
            applicant=user,
            person=builders.Person(name, True, date(1980, 1, 1), world.unit.name),
            unit=world.unit,
        )
        evidence = attachment_upload(
            application=draft,
            by=user,
            uploaded=SimpleUploadedFile("title.png", builders.tiny_png()),
            kind=AttachmentKind.INTERNATIONAL_TITLE,
        )
        InternationalTitle.objects.create(
            application=draft, kind="intpe", number="I-1", issuer="IEA", evidence=evidence
        )
        Achievement.objects.create(application=draft, kind="award", title="奖励1")
        Application.objects.filter(pk=draft.pk).update(simplified_requested=True)
        draft.refresh_from_db()
        return draft

    small = one_row_each("small@example.com", "周杰")
    large = one_row_each("large@example.com", "吴勇")
    _grow(large, large.applicant)
    for application in (submitted(small), submitted(large)):
        initial_review_checklist_save(
            application=application, by=world.staff, ticked={"documents_complete": True}, notes=""
        )
    client = world.client_for(world.staff)

    assert _queries(client, url(world, small)) == _queries(client, url(world, large))
    assert large.international_titles.count() == 3
