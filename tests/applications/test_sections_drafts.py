"""Saving each section of the form as a draft: nothing is required, what was sent is kept."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from html.parser import HTMLParser
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from engcert.applications.domain.application import application_create, application_update, attachment_upload
from engcert.applications.enums import AttachmentKind
from engcert.applications.models import (
    Achievement,
    Application,
    CompetencyStatement,
    CpdRecord,
    Education,
    InternationalTitle,
    PledgeSignature,
    Project,
    WorkEntry,
)
from engcert.applications.section_forms import PersonalForm
from engcert.demo.builders import TINY_PDF, prc_id_number
from tests.applications.conftest import browser_post, section_form_data
from tests.conftest import World

# Helpers shared by the section tests -------------------------------------------------------------


def english(client: Client) -> Client:
    client.cookies["django_language"] = "en"
    return client


def section_url(application: Application, section: str) -> str:
    return f"/applications/{application.uid}/edit/{section}/"


def row_values(prefix: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """What a person types into the rows of a section, in the order the page shows them: the saved
    rows first, then the empty one to add to. Each row's names get the formset's prefix."""
    return {
        f"{prefix}-{index}-{name}": value for index, row in enumerate(rows) for name, value in row.items()
    }


class _FieldMessages(HTMLParser):
    """Collects the errors and problems shown inside the element with id="field-<name>"."""

    def __init__(self, html_name: str) -> None:
        super().__init__()
        self.target = f"field-{html_name}"
        self.depth = 0
        self.found = False
        self.kind = ""
        self.in_item = False
        self.messages: dict[str, list[str]] = {"errorlist": [], "problemlist": []}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if self.depth:
            if tag == "div":
                self.depth += 1
            if tag == "ul":
                classes = (values.get("class") or "").split()
                self.kind = next((c for c in classes if c in self.messages), "")
            if tag == "li" and self.kind:
                self.in_item = True
                self.messages[self.kind].append("")
        elif tag == "div" and values.get("id") == self.target:
            self.depth = 1
            self.found = True

    def handle_endtag(self, tag: str) -> None:
        if not self.depth:
            return
        if tag == "div":
            self.depth -= 1
        elif tag == "ul":
            self.kind = ""
        elif tag == "li":
            self.in_item = False

    def handle_data(self, data: str) -> None:
        if self.depth and self.in_item and self.kind:
            self.messages[self.kind][-1] += data


def messages_beside(html: str, html_name: str) -> dict[str, list[str]]:
    parser = _FieldMessages(html_name)
    parser.feed(html)
    assert parser.found, f"no field {html_name} on the page"
    return {kind: [m.strip() for m in found] for kind, found in parser.messages.items()}


def errors_beside(html: str, html_name: str) -> list[str]:
    return messages_beside(html, html_name)["errorlist"]


class _NonFieldErrors(HTMLParser):
    """Collects the errors of <ul class="errorlist nonfield">: a form's or a row's, not a field's."""

    def __init__(self) -> None:
        super().__init__()
        self.in_list = False
        self.in_item = False
        self.messages: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if tag == "ul" and "errorlist" in classes and "nonfield" in classes:
            self.in_list = True
        elif tag == "li" and self.in_list:
            self.in_item = True
            self.messages.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "ul":
            self.in_list = False
        elif tag == "li":
            self.in_item = False

    def handle_data(self, data: str) -> None:
        if self.in_item:
            self.messages[-1] += data


def errors_not_beside_a_field(html: str) -> list[str]:
    parser = _NonFieldErrors()
    parser.feed(html)
    return [m.strip() for m in parser.messages]


@pytest.fixture
def draft(world: World) -> Application:
    return application_create(batch=world.batch, applicant=world.applicant)


@pytest.fixture
def client(world: World) -> Client:
    return english(world.client_for(world.applicant))


def _save(
    client: Client,
    application: Application,
    section: str,
    values: dict[str, Any],
    files: dict[str, Any] | None = None,
) -> Any:
    """Open the section, fill in `values`, leave the rest as the page shows it, and press Save."""
    return browser_post(client, section_url(application, section), values, files)


# Grade and field ----------------------------------------------------------------------------------


def test_saving_only_a_grade_keeps_field_and_unit_empty(
    client: Client, draft: Application, world: World
) -> None:
    grade = world.batch.grades.get(code="PE")

    response = _save(client, draft, "application", {"grade": grade.pk, "discipline": "", "unit": ""})

    assert response.status_code == 302
    assert response["Location"] == section_url(draft, "application")
    draft.refresh_from_db()
    assert (draft.grade, draft.discipline, draft.unit) == (grade, None, None)


def test_the_field_list_groups_second_level_fields_under_their_first_level(
    client: Client, draft: Application
) -> None:
    html = client.get(section_url(draft, "application")).content.decode()

    assert '<optgroup label="Power generation">' in html
    assert ">Power generation, as a whole</option>" in html
    assert ">Wind power</option>" in html


def test_a_field_and_unit_are_saved(client: Client, draft: Application, world: World) -> None:
    wind = world.batch.disciplines.get(name="风电")

    _save(client, draft, "application", {"grade": "", "discipline": wind.pk, "unit": world.unit.pk})

    draft.refresh_from_db()
    assert (draft.grade, draft.discipline, draft.unit) == (None, wind, world.unit)


# Personal data ------------------------------------------------------------------------------------


def test_a_name_beyond_the_basic_plane_is_saved_alone(client: Client, draft: Application) -> None:
    name = "王𠀀明"  # 𠀀 is U+20000, outside the Basic Multilingual Plane

    response = _save(client, draft, "personal", {"full_name": name, "email": ""})

    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.full_name, draft.email, draft.birth_date, draft.id_number) == (name, "", None, "")


def test_a_saved_identity_number_is_shown_masked_and_never_in_full(
    client: Client, draft: Application
) -> None:
    number = prc_id_number(birth=date(1985, 3, 14), male=True)
    _save(
        client,
        draft,
        "personal",
        {"gender": "M", "birth_date": "1985-03-14", "id_type": "prc_id", "id_number": number},
    )

    html = client.get(section_url(draft, "personal")).content.decode()

    draft.refresh_from_db()
    assert draft.id_number == number
    assert number not in html
    assert f"Saved as {draft.id_number_masked}." in html


def test_leaving_the_number_empty_keeps_the_saved_number(client: Client, draft: Application) -> None:
    number = prc_id_number(birth=date(1985, 3, 14), male=True)
    base = {"gender": "M", "birth_date": "1985-03-14", "id_type": "prc_id"}
    _save(client, draft, "personal", {**base, "id_number": number})

    _save(client, draft, "personal", {**base, "full_name": "王伟", "id_number": ""})

    draft.refresh_from_db()
    assert (draft.full_name, draft.id_number) == ("王伟", number)


# Rows ---------------------------------------------------------------------------------------------


def test_an_education_row_with_only_its_dates_is_saved(client: Client, draft: Application) -> None:
    values = row_values("education", [{"start_date": "2003-09-01", "end_date": "2007-07-01"}])

    response = _save(client, draft, "education", values)

    assert response.status_code == 302
    row = Education.objects.get(application=draft)
    assert (row.degree, row.institution, row.start_date, row.end_date) == (
        "",
        "",
        date(2003, 9, 1),
        date(2007, 7, 1),
    )


def test_an_untouched_empty_row_adds_nothing(client: Client, draft: Application) -> None:
    response = _save(client, draft, "education", row_values("education", [{"degree": ""}]))

    assert response.status_code == 302
    assert Education.objects.filter(application=draft).count() == 0


def test_a_certificate_uploaded_in_its_row_becomes_an_attachment_of_that_degree(
    client: Client, draft: Application
) -> None:
    values = row_values(
        "education",
        [
            {
                "degree": "bachelor",
                "institution": "华北电力大学",
                "start_date": "2003-09-01",
                "end_date": "2007-07-01",
            }
        ],
    )
    upload = SimpleUploadedFile("学位.pdf", TINY_PDF, content_type="application/pdf")

    _save(client, draft, "education", values, files={"education-0-certificate_file": upload})

    row = Education.objects.select_related("certificate").get(application=draft)
    assert row.certificate is not None
    assert (row.certificate.kind, row.certificate.original_name, row.certificate.content_type) == (
        AttachmentKind.DEGREE_CERTIFICATE,
        "学位.pdf",
        "application/pdf",
    )


def test_a_saved_row_marked_for_removal_is_removed_and_the_others_stay(
    client: Client, draft: Application
) -> None:
    first = WorkEntry.objects.create(
        application=draft, employer="甲", position="工程师", start_date=date(2010, 1, 1)
    )
    second = WorkEntry.objects.create(
        application=draft, employer="乙", position="工程师", start_date=date(2015, 1, 1)
    )
    rows: list[dict[str, Any]] = [
        {"id": first.pk, "employer": "甲", "position": "工程师", "start_date": "2010-01-01", "DELETE": "on"},
        {"id": second.pk, "employer": "乙", "position": "工程师", "start_date": "2015-01-01"},
        {"is_engineering_practice": "on"},  # the empty row as the browser sends it: the box is ticked
    ]

    _save(client, draft, "work", row_values("work", rows))

    assert list(WorkEntry.objects.filter(application=draft).values_list("employer", flat=True)) == ["乙"]


def test_a_work_entry_without_referee_or_duties_is_saved(client: Client, draft: Application) -> None:
    rows = [{"employer": "山东电建三公司", "start_date": "2012-08-01", "is_engineering_practice": "on"}]

    _save(client, draft, "work", row_values("work", rows))

    entry = WorkEntry.objects.get(application=draft)
    assert (
        entry.employer,
        entry.position,
        entry.end_date,
        entry.is_engineering_practice,
        entry.referee_name,
    ) == (
        "山东电建三公司",
        "",
        None,
        True,
        "",
    )


def test_a_project_with_a_name_and_start_only_is_saved(client: Client, draft: Application) -> None:
    _save(
        client,
        draft,
        "projects",
        row_values("projects", [{"name": "±800kV换流站", "start_date": "2019-03-01"}]),
    )

    project = Project.objects.get(application=draft)
    assert (project.name, project.role, project.results) == ("±800kV换流站", "", "")


def test_an_achievement_with_a_title_only_is_saved(client: Client, draft: Application) -> None:
    _save(client, draft, "achievements", row_values("achievements", [{"title": "高级工程师"}]))

    assert list(Achievement.objects.filter(application=draft).values_list("kind", "title")) == [
        ("", "高级工程师")
    ]


def test_an_international_title_and_the_simplified_request_are_saved_together(
    client: Client, draft: Application
) -> None:
    values = row_values("international", [{"kind": "apec", "number": "APEC-CN-0042"}])

    _save(client, draft, "international", {**values, "simplified_requested": "on"})

    draft.refresh_from_db()
    assert draft.simplified_requested is True
    assert list(
        InternationalTitle.objects.filter(application=draft).values_list("kind", "number", "issuer")
    ) == [("apec", "APEC-CN-0042", "")]


def test_the_simplified_request_is_not_offered_when_the_call_has_no_simplified_assessment(
    client: Client, draft: Application, world: World
) -> None:
    world.batch.offers_simplified_assessment = False
    world.batch.save(update_fields=["offers_simplified_assessment"])
    url = section_url(draft, "international")

    # Not a browser's request: the page has no such box, so the request is made up.
    response = client.post(
        url, {**section_form_data(client, url), "simplified_requested": "on", "action": "save"}
    )
    html = client.get(url).content.decode()

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.simplified_requested is False
    assert 'name="simplified_requested"' not in html


def test_a_cpd_record_with_date_and_hours_is_saved(client: Client, draft: Application) -> None:
    when = timezone.localdate() - timedelta(days=30)

    _save(client, draft, "cpd", row_values("cpd", [{"date": when.isoformat(), "hours": "7.5"}]))

    assert list(CpdRecord.objects.filter(application=draft).values_list("date", "hours", "title")) == [
        (when, Decimal("7.5"), "")
    ]


def test_competency_statements_are_saved_with_their_projects(client: Client, draft: Application) -> None:
    project = Project.objects.create(
        application=draft,
        name="变电站",
        start_date=date(2019, 1, 1),
        role="",
        scale="",
        responsibilities="",
        results="",
    )

    _save(
        client,
        draft,
        "competency",
        {"area_1": "组织技术方案论证。", "area_1_projects": [project.pk], "area_2": ""},
    )

    statements = {s.area.number: s for s in CompetencyStatement.objects.filter(application=draft)}
    assert sorted(statements) == [1, 2, 3, 4, 5]
    assert statements[1].text == "组织技术方案论证。"
    assert list(statements[1].projects.all()) == [project]
    assert (statements[2].text, list(statements[2].projects.all())) == ("", [])


def test_signing_the_pledge_records_the_typed_name(client: Client, draft: Application) -> None:
    _save(client, draft, "personal", {"full_name": "王伟"})

    response = browser_post(client, section_url(draft, "pledge"), {"typed_name": "王 伟", "consents": "on"})

    assert response.status_code == 302
    signature = PledgeSignature.objects.get(application=draft)
    assert (signature.typed_name, signature.consents_to_verification) == ("王 伟", True)
    html = client.get(section_url(draft, "pledge")).content.decode()
    assert "Signed by 王 伟 on " in html


# A form that arrives incomplete -------------------------------------------------------------------

INCOMPLETE = "The form arrived incomplete, so nothing was saved. Please reload the page and try again."
BIRTH = date(1985, 3, 14)


def test_a_personal_post_without_the_other_fields_is_refused_and_the_saved_data_kept(
    client: Client, draft: Application, world: World
) -> None:
    application_update(
        application=draft,
        by=world.applicant,
        values={"full_name": "王伟", "gender": "M", "birth_date": BIRTH},
    )

    # Not what a browser sends: a stale page or a script that posts the name alone.
    response = client.post(section_url(draft, "personal"), {"full_name": "王伟伟", "action": "save"})

    assert response.status_code == 200
    assert errors_not_beside_a_field(response.content.decode()) == [INCOMPLETE]
    draft.refresh_from_db()
    assert (draft.full_name, draft.gender, draft.birth_date) == ("王伟", "M", BIRTH)


def test_a_row_that_arrives_without_one_of_its_fields_is_refused_and_left_as_saved(
    client: Client, draft: Application
) -> None:
    saved = Education.objects.create(
        application=draft,
        degree="bachelor",
        institution="华北电力大学",
        major="电气工程",
        start_date=date(2003, 9, 1),
        end_date=date(2007, 7, 1),
    )
    url = section_url(draft, "education")
    data = section_form_data(client, url)
    data["education-0-institution"] = ["清华大学"]
    del data["education-0-major"]  # not what a browser sends: it sends an empty field as ""

    response = client.post(url, {**data, "action": "save"})

    assert response.status_code == 200
    assert errors_not_beside_a_field(response.content.decode()) == [INCOMPLETE]
    saved.refresh_from_db()
    assert (saved.institution, saved.major) == ("华北电力大学", "电气工程")


def test_the_personal_form_emptied_but_for_one_field_is_saved_as_it_stands(
    client: Client, draft: Application, world: World
) -> None:
    application_update(
        application=draft,
        by=world.applicant,
        values={"full_name": "王伟", "gender": "M", "birth_date": BIRTH, "phone": "13800000000"},
    )
    emptied = {name: "" for name in PersonalForm.base_fields}

    response = _save(client, draft, "personal", {**emptied, "phone": "13900000000"})

    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.full_name, draft.gender, draft.birth_date, draft.email, draft.phone) == (
        "",
        "",
        None,
        "",
        "13900000000",
    )


# Where saving leads ---------------------------------------------------------------------------------


def test_save_and_continue_opens_the_next_section(client: Client, draft: Application) -> None:
    response = browser_post(client, section_url(draft, "personal"), {"full_name": "王伟"}, action="continue")

    assert response["Location"] == section_url(draft, "education")


def test_save_and_continue_on_the_last_section_opens_the_review(client: Client, draft: Application) -> None:
    _save(client, draft, "personal", {"full_name": "王伟"})

    response = browser_post(
        client, section_url(draft, "pledge"), {"typed_name": "王伟", "consents": "on"}, action="continue"
    )

    assert response["Location"] == f"/applications/{draft.uid}/review/"


def test_the_attachments_section_lists_files_with_the_upload_limits(
    client: Client, draft: Application, world: World
) -> None:
    attachment_upload(
        application=draft,
        by=world.applicant,
        uploaded=SimpleUploadedFile("证书.pdf", TINY_PDF, content_type="application/pdf"),
        kind=AttachmentKind.OTHER,
    )

    html = client.get(section_url(draft, "attachments")).content.decode()

    assert ">证书.pdf</a>" in html
    assert "Each file at most 10 MB; all files of the application together at most 50 MB." in html
    # The upload form posts to the page itself, so a refused file is named beside the field.
    assert f'action="{section_url(draft, "attachments")}"' in html
