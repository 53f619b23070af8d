"""Malformed input in a section: a specific, translated error beside the field, and nothing saved lost."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from engcert.applications.domain.application import application_create, application_update
from engcert.applications.models import Application, CpdRecord, Education, PledgeSignature, Project, WorkEntry
from engcert.demo.builders import TINY_PDF, prc_id_number
from tests.applications.conftest import browser_post
from tests.applications.test_sections_drafts import (
    english,
    errors_beside,
    row_values,
    section_url,
)
from tests.conftest import World

NOTHING_SAVED = "Nothing was saved: please correct what is marked below and save again."
BIRTH = date(1985, 3, 14)


@pytest.fixture
def draft(world: World) -> Application:
    application = application_create(batch=world.batch, applicant=world.applicant)
    return application_update(
        application=application,
        by=world.applicant,
        values={
            "full_name": "王伟",
            "gender": "M",
            "birth_date": BIRTH,
            "id_type": "prc_id",
            "id_number": prc_id_number(birth=BIRTH, male=True),
            "phone": "13800000000",
        },
    )


@pytest.fixture
def client(world: World) -> Client:
    return english(world.client_for(world.applicant))


def _post(
    client: Client,
    application: Application,
    section: str,
    values: dict[str, Any],
    files: dict[str, Any] | None = None,
) -> str:
    """Fill in `values` on the section's page as shown, press Save, and expect a refusal."""
    response = browser_post(client, section_url(application, section), values, files)
    assert response.status_code == 200, "a failed save shows the page again"
    html = response.content.decode()
    assert NOTHING_SAVED in html
    return html


def _personal(**changes: str) -> dict[str, str]:
    return {
        "full_name": "王伟",
        "gender": "M",
        "birth_date": BIRTH.isoformat(),
        "id_type": "prc_id",
        "phone": "13800000000",
        **changes,
    }


# Personal data ------------------------------------------------------------------------------------


def test_a_malformed_birth_date_is_refused_and_the_saved_data_kept(
    client: Client, draft: Application
) -> None:
    html = _post(client, draft, "personal", _personal(full_name="王伟伟", birth_date="1985-02-30"))

    assert errors_beside(html, "birth_date") == ["Enter a valid date."]
    assert 'value="王伟伟"' in html, "the user's input is shown again"
    draft.refresh_from_db()
    assert (draft.full_name, draft.birth_date) == ("王伟", BIRTH)


def test_the_error_is_in_chinese_for_a_chinese_reader(
    world: World, draft: Application, settings: Any
) -> None:
    settings.LANGUAGE_CODE = "zh-hans"  # the shipped default
    client = world.client_for(world.applicant)  # no language chosen: Chinese is the default

    response = browser_post(client, section_url(draft, "personal"), _personal(birth_date="1985-13-01"))

    assert errors_beside(response.content.decode(), "birth_date") == ["输入一个有效的日期。"]


def test_a_birth_date_in_the_future_is_refused(client: Client, draft: Application) -> None:
    tomorrow = timezone.localdate() + timedelta(days=1)

    html = _post(client, draft, "personal", _personal(birth_date=tomorrow.isoformat()))

    assert errors_beside(html, "birth_date") == ["The date cannot be in the future."]


def test_an_identity_number_with_a_wrong_check_character_is_refused_beside_it(
    client: Client, draft: Application
) -> None:
    saved = draft.id_number
    good = prc_id_number(birth=BIRTH, male=True)
    wrong = good[:-1] + ("0" if good[-1] != "0" else "1")

    html = _post(client, draft, "personal", _personal(id_number=wrong))

    assert errors_beside(html, "id_number") == [
        "The identity card number's check character is wrong; please check for typos."
    ]
    draft.refresh_from_db()
    assert draft.id_number == saved


def test_an_identity_number_that_does_not_match_the_birth_date_is_refused(
    client: Client, draft: Application
) -> None:
    other = prc_id_number(birth=date(1990, 1, 1), male=True)

    html = _post(client, draft, "personal", _personal(id_number=other))

    assert errors_beside(html, "id_number") == [
        "The identity card number does not match the date of birth given."
    ]


def test_changing_the_birth_date_away_from_the_saved_number_is_flagged_at_the_number(
    client: Client, draft: Application
) -> None:
    html = _post(client, draft, "personal", _personal(birth_date="1986-03-14"))

    assert errors_beside(html, "id_number") == [
        "The saved number does not fit: The identity card number does not match the date of birth given."
    ]
    draft.refresh_from_db()
    assert draft.birth_date == BIRTH


def test_a_malformed_phone_number_is_refused(client: Client, draft: Application) -> None:
    html = _post(client, draft, "personal", _personal(phone="call me"))

    assert errors_beside(html, "phone") == [
        "Enter a phone number: digits, spaces or hyphens, optionally starting with +."
    ]


def test_ten_megabytes_pasted_into_a_field_give_an_error_not_a_crash(
    client: Client, draft: Application, settings: Any
) -> None:
    project = Project.objects.create(
        application=draft,
        name="变电站",
        start_date=date(2019, 1, 1),
        role="",
        scale="",
        responsibilities="原有内容",
        results="",
    )
    pasted = "x" * (10 * 1024 * 1024)
    row = {"id": project.pk, "name": "变电站", "start_date": "2019-01-01", "responsibilities": pasted}

    response = browser_post(client, section_url(draft, "projects"), row_values("projects", [row]))

    html = response.content.decode()
    limit = settings.ENGCERT_MAX_TEXT_CHARS
    assert errors_beside(html, "projects-0-responsibilities") == [
        f"Ensure this value has at most {limit} characters (it has {len(pasted)})."
    ]
    assert len(html) < 2 * limit + 100_000, "the pasted text is not sent back in full"
    project.refresh_from_db()
    assert project.responsibilities == "原有内容"


# Rows ---------------------------------------------------------------------------------------------


def test_an_education_end_in_the_future_is_refused(client: Client, draft: Application) -> None:
    next_year = (timezone.localdate() + timedelta(days=400)).isoformat()
    rows = [{"institution": "华北电力大学", "start_date": "2020-09-01", "end_date": next_year}]

    html = _post(client, draft, "education", row_values("education", rows))

    assert errors_beside(html, "education-0-end_date") == ["The date cannot be in the future."]
    assert Education.objects.filter(application=draft).count() == 0


def test_a_work_start_in_the_future_is_refused(client: Client, draft: Application) -> None:
    soon = (timezone.localdate() + timedelta(days=10)).isoformat()

    html = _post(client, draft, "work", row_values("work", [{"employer": "甲", "start_date": soon}]))

    assert errors_beside(html, "work-0-start_date") == ["The date cannot be in the future."]


def test_an_end_before_its_start_is_refused_and_saved_rows_stay(client: Client, draft: Application) -> None:
    saved = WorkEntry.objects.create(
        application=draft, employer="甲", position="工程师", start_date=date(2010, 1, 1)
    )
    rows: list[dict[str, Any]] = [
        {"id": saved.pk, "employer": "甲改", "position": "工程师", "start_date": "2010-01-01"},
        {"employer": "乙", "start_date": "2015-06-01", "end_date": "2014-01-01"},
    ]

    html = _post(client, draft, "work", row_values("work", rows))

    assert errors_beside(html, "work-1-end_date") == ["The end cannot be before the start."]
    assert list(WorkEntry.objects.filter(application=draft).values_list("employer", flat=True)) == ["甲"]


def test_a_row_without_the_date_it_is_stored_by_asks_for_it(client: Client, draft: Application) -> None:
    html = _post(client, draft, "projects", row_values("projects", [{"name": "换流站"}]))

    assert errors_beside(html, "projects-0-start_date") == [
        "Give this date to save the entry; the other fields can wait."
    ]


def test_a_certificate_that_is_not_a_pdf_or_image_is_refused_beside_the_upload(
    client: Client, draft: Application
) -> None:
    rows = [{"start_date": "2003-09-01", "end_date": "2007-07-01"}]
    upload = SimpleUploadedFile("证书.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")

    html = _post(
        client,
        draft,
        "education",
        row_values("education", rows),
        files={"education-0-certificate_file": upload},
    )

    assert errors_beside(html, "education-0-certificate_file") == [
        "Only PDF, JPEG and PNG files are accepted; this file is none of them."
    ]
    assert draft.attachments.count() == 0


def test_an_upload_over_the_applications_total_is_refused_beside_it_and_the_row_not_saved(
    client: Client, draft: Application, settings: Any
) -> None:
    settings.ENGCERT_MAX_APPLICATION_UPLOAD_BYTES = 100
    rows = [{"institution": "华北电力大学", "start_date": "2003-09-01", "end_date": "2007-07-01"}]
    upload = SimpleUploadedFile("学位.pdf", TINY_PDF, content_type="application/pdf")

    html = _post(
        client,
        draft,
        "education",
        row_values("education", rows),
        files={"education-0-certificate_file": upload},
    )

    assert errors_beside(html, "education-0-certificate_file") == [
        "The attachments of one application may add up to 0 MB; remove a file first."
    ]
    assert (draft.attachments.count(), draft.education.count()) == (0, 0)


@pytest.mark.parametrize(
    ("days_ago", "hours", "field", "message"),
    [
        (365 * 3 + 5, "8", "date", "Only activities of the last three years count: from {earliest} on."),
        (-3, "8", "date", "The date cannot be in the future."),
        (30, "0", "hours", "Enter more than 0 hours."),
        (30, "250", "hours", "One record may have at most 200 hours; split a longer activity."),
    ],
)
def test_cpd_dates_and_hours_outside_the_limits_are_refused(
    client: Client, draft: Application, days_ago: int, hours: str, field: str, message: str
) -> None:
    today = timezone.localdate()
    when = today - timedelta(days=days_ago)
    earliest = (
        today.replace(year=today.year - 3)
        if not (today.month == 2 and today.day == 29)
        else today.replace(year=today.year - 3, day=28)
    )

    html = _post(
        client,
        draft,
        "cpd",
        row_values("cpd", [{"title": "培训", "date": when.isoformat(), "hours": hours}]),
    )

    assert errors_beside(html, f"cpd-0-{field}") == [message.format(earliest=earliest.isoformat())]
    assert CpdRecord.objects.filter(application=draft).count() == 0


def test_signing_with_another_name_is_refused_beside_the_name(client: Client, draft: Application) -> None:
    html = _post(client, draft, "pledge", {"typed_name": "李娜", "consents": "on"})

    assert errors_beside(html, "typed_name") == ["Type your full name exactly as in your personal data."]
    assert not PledgeSignature.objects.filter(application=draft).exists()


def test_signing_without_consent_is_refused_beside_the_consent(client: Client, draft: Application) -> None:
    html = _post(client, draft, "pledge", {"typed_name": "王伟"})

    assert errors_beside(html, "consents") == ["The society can only evaluate you with this consent."]
