"""A person downloads all their data: every model about them is covered, their files come back
byte for byte, nobody else's data leaves, and only they can do it after confirming their password."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.test import Client

from engcert.applications.models import Application, Attachment
from engcert.audit.models import AuditEvent
from engcert.demo import builders
from engcert.privacy.domain import identity_number_view_record
from engcert.privacy.export import EXCLUDED, SECTIONS
from tests.conftest import PASSWORD, World

pytestmark = pytest.mark.django_db

# Models whose rows belong to a person: a foreign key to one of these makes a model personal.
PERSON_ROOTS = (
    settings.AUTH_USER_MODEL,
    "applications.Application",
    "registration.Registration",
    "certificates.Certificate",
    "appeals.Appeal",
)


def _download(client: Client) -> zipfile.ZipFile:
    """Ask for the ZIP, confirm the password on allauth's page, and get the file it resumes to."""
    asked = client.post("/account/data/download/")
    assert asked.status_code == 302
    assert asked["Location"] == "/accounts/reauthenticate/?next=%2Faccount%2Fdata%2Fdownload%2F"
    response = client.post(asked["Location"], {"password": PASSWORD})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))  # type: ignore[attr-defined]


def _data(archive: zipfile.ZipFile) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(archive.read("data.json"))
    return data


def test_every_model_holding_a_person_s_data_is_exported_or_left_out_with_a_reason() -> None:
    roots = {apps.get_model(label) for label in PERSON_ROOTS}
    personal = {
        model._meta.label
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if field.is_relation and field.related_model in roots
    }
    covered = {section.label for section in SECTIONS}

    assert sorted(personal - covered - set(EXCLUDED)) == []
    assert sorted(covered & set(EXCLUDED)) == []
    assert [label for label, reason in EXCLUDED.items() if len(reason) < 20] == []


def test_the_zip_holds_the_application_and_the_uploaded_files_byte_for_byte(
    world: World, complete_draft: Application
) -> None:
    archive = _download(world.client_for(world.applicant))

    data = _data(archive)
    (application,) = data["sections"]["applications.Application"]["rows"]
    assert (application["uid"], application["id_number"], application["applicant"]) == (
        str(complete_draft.uid),
        complete_draft.id_number,
        "you",
    )
    assert "id_number_index" not in application
    stored = {
        f"files/applications.Attachment/{a.pk}-{a.file.name.rsplit('/', 1)[-1]}": a.file.read()
        for a in Attachment.objects.filter(application=complete_draft)
    }
    in_zip = {name: archive.read(name) for name in archive.namelist() if name.startswith("files/")}
    assert in_zip == stored
    rows = data["sections"]["applications.Attachment"]["rows"]
    assert sorted(row["file"] for row in rows) == sorted(stored)
    assert [
        row["consents_to_verification"] for row in data["sections"]["applications.PledgeSignature"]["rows"]
    ] == [True]


def test_the_zip_has_a_readme_in_chinese_and_english_naming_what_is_left_out(
    world: World, complete_draft: Application
) -> None:
    readme = _download(world.client_for(world.applicant)).read("README.txt").decode("utf-8")

    assert readme.startswith("engcert — 个人数据副本 / Copy of your personal data\n")
    assert "【中文】" in readme
    assert "[English]" in readme
    assert f"  - scoring.PanelAssessment: {EXCLUDED['scoring.PanelAssessment']}" in readme


def test_another_person_s_data_is_not_in_the_zip(world: World, complete_draft: Application) -> None:
    other = builders.application_complete_draft(
        batch=world.batch,
        applicant=world.other_applicant,
        person=builders.Person("李娜", False, builders.date(1990, 6, 2), world.unit.name),
        unit=world.unit,
        index=7,
    )

    archive = _download(world.client_for(world.applicant))

    text = archive.read("data.json").decode("utf-8")
    assert "李娜" not in text
    assert world.other_applicant.email not in text
    assert other.id_number not in text
    assert str(other.uid) not in text
    other_files = {f"{a.pk}-" for a in Attachment.objects.filter(application=other)}
    assert [n for n in archive.namelist() if any(n.endswith(p) or f"/{p}" in n for p in other_files)] == []


def test_staff_who_viewed_the_number_are_named_and_other_staff_are_not(
    world: World, complete_draft: Application
) -> None:
    identity_number_view_record(
        viewer=world.staff,
        subject_type="application",
        subject_id=str(complete_draft.pk),
        purpose="Identity check",
    )

    data = _data(_download(world.client_for(world.applicant)))

    views = data["sections"]["privacy.IdentityNumberView"]["rows"]
    assert [(row["viewer"], row["purpose"]) for row in views] == [("学会工作人员", "Identity check")]
    assert "学会工作人员" not in json.dumps(data["sections"]["audit.AuditEvent"], ensure_ascii=False)


def test_the_download_is_audited(world: World, complete_draft: Application) -> None:
    _download(world.client_for(world.applicant))

    assert list(
        AuditEvent.objects.filter(action="privacy.data_downloaded").values_list("actor", "subject_id")
    ) == [(world.applicant.pk, str(world.applicant.pk))]


def test_a_download_without_confirming_the_password_gives_nothing(
    world: World, complete_draft: Application
) -> None:
    client = world.client_for(world.applicant)

    asked = client.post("/account/data/download/")
    wrong = client.post(asked["Location"], {"password": "not-the-password"})

    assert wrong.status_code == 200
    assert wrong["Content-Type"] == "text/html; charset=utf-8"
    assert AuditEvent.objects.filter(action="privacy.data_downloaded").count() == 0


def test_someone_not_signed_in_is_sent_to_sign_in_and_a_get_is_refused(world: World) -> None:
    anonymous = Client().post("/account/data/download/")
    assert (anonymous.status_code, anonymous["Location"]) == (
        302,
        "/accounts/login/?next=/account/data/download/",
    )
    assert world.client_for(world.applicant).get("/account/data/download/").status_code == 405


def test_the_my_data_page_lists_who_was_shown_the_number(world: World, complete_draft: Application) -> None:
    identity_number_view_record(
        viewer=world.staff,
        subject_type="application",
        subject_id=str(complete_draft.pk),
        purpose="Identity check",
    )

    page = world.client_for(world.applicant).get("/account/data/")
    other = world.client_for(world.other_applicant).get("/account/data/")

    assert page.status_code == 200
    assert [(v.viewer, v.purpose) for v in page.context["views"]] == [(world.staff, "Identity check")]
    assert list(other.context["views"]) == []
