"""The issuing pages: the staff list, issuing a batch with its progress, the policy page, the
member's certificates and the PDF download, each with who may and may not see it."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from engcert.certificates.domain import certificate_issue, certificate_policy_get
from engcert.certificates.enums import CertificateStatus, IssuanceStatus
from engcert.certificates.models import Certificate, IssuanceRun
from engcert.jobs import STALE_AFTER
from engcert.registration.models import Registration
from tests.certificates.issue_helpers import registered_members
from tests.conftest import World

pytestmark = pytest.mark.django_db


def issued(world: World, count: int, *, first_index: int = 0) -> list[Certificate]:
    return [
        certificate_issue(registration=r, by=world.staff)
        for r in registered_members(world, count, first_index=first_index)
    ]


def page_text(response: object) -> str:
    return response.content.decode()  # type: ignore[attr-defined]


# --- Who may see what ------------------------------------------------------------------------


STAFF_PAGES = ["certificates:staff_list", "certificates:issue", "certificates:policy"]


@pytest.mark.parametrize("name", STAFF_PAGES)
def test_staff_pages_are_not_found_for_anyone_but_the_societys_staff(
    world: World, other_society_staff, name: str
):
    url = reverse(name, args=[world.society.code])
    for person in (world.outsider, world.applicant, world.reviewer, world.examiner, other_society_staff):
        assert world.client_for(person).get(url).status_code == 404
    assert Client().get(url).status_code == 302
    assert world.client_for(world.staff).get(url).status_code == 200


def test_a_run_and_its_progress_are_not_found_for_another_societys_staff(world: World, other_society_staff):
    registered_members(world, 1)
    run = IssuanceRun.objects.create(society=world.society, batch=world.batch, requested_by=world.staff)
    for name in ("certificates:issue_run", "certificates:issue_run_progress"):
        url = reverse(name, args=[world.society.code, run.pk])
        assert world.client_for(other_society_staff).get(url).status_code == 404
        assert world.client_for(world.outsider).get(url).status_code == 404
    resume = reverse("certificates:issue_run_resume", args=[world.society.code, run.pk])
    assert world.client_for(other_society_staff).post(resume).status_code == 404
    run.refresh_from_db()
    assert run.status == IssuanceStatus.QUEUED


def test_the_pdf_is_for_the_holder_and_the_societys_staff_only(world: World, other_society_staff):
    certificate = issued(world, 1)[0]
    holder = certificate.registration.holder
    assert holder is not None
    url = reverse("certificates:pdf", args=[certificate.number])

    for person in (holder, world.staff):
        response = world.client_for(person).get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == f'attachment; filename="{certificate.number}.pdf"'
        assert b"".join(response.streaming_content)[:5] == b"%PDF-"  # type: ignore[attr-defined]
    for person in (world.outsider, world.applicant, world.reviewer, other_society_staff):
        assert world.client_for(person).get(url).status_code == 404
    assert (
        world.client_for(holder).get(reverse("certificates:pdf", args=["CSEE-2026-NOSUCHNUMB"])).status_code
        == 404
    )


def test_the_member_page_needs_a_sign_in(world: World):
    response = Client().get(reverse("certificates:mine"))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


# --- The member's certificates -----------------------------------------------------------------


def test_a_member_sees_their_certificate_in_plain_words_and_no_one_elses(world: World):
    mine, theirs = issued(world, 2)
    holder = mine.registration.holder
    assert holder is not None

    text = page_text(world.client_for(holder).get(reverse("certificates:mine")))

    assert mine.number in text
    assert theirs.number not in text
    assert f"Your certificate is valid until {mine.valid_until:%Y-%m-%d}." in text
    assert reverse("certificates:pdf", args=[mine.number]) in text


def test_a_revoked_or_expired_certificate_says_so(world: World):
    revoked, expired = issued(world, 2)
    Certificate.objects.filter(pk=revoked.pk).update(
        status=CertificateStatus.REVOKED,
        status_reason="证书持有人提供虚假材料。",
        status_changed_at=timezone.now(),
    )
    Certificate.objects.filter(pk=expired.pk).update(valid_until=date(2025, 1, 1))
    Registration.objects.filter(pk=expired.registration_id).update(holder=revoked.registration.holder)
    holder = revoked.registration.holder
    assert holder is not None

    text = page_text(world.client_for(holder).get(reverse("certificates:mine")))

    assert f"The society revoked your certificate on {timezone.localdate():%Y-%m-%d}." in text
    assert "Reason: 证书持有人提供虚假材料。" in text
    assert "Your certificate expired after 2025-01-01." in text


def test_a_member_without_a_certificate_is_told_where_it_will_appear(world: World):
    text = page_text(world.client_for(world.applicant).get(reverse("certificates:mine")))

    assert "You have no certificate yet." in text


# --- The staff list ----------------------------------------------------------------------------


def test_the_staff_list_shows_the_societys_certificates_with_their_status(world: World):
    certificates = issued(world, 2)
    Certificate.objects.filter(pk=certificates[1].pk).update(status=CertificateStatus.SUSPENDED)

    text = page_text(
        world.client_for(world.staff).get(reverse("certificates:staff_list", args=[world.society.code]))
    )

    assert "2 certificates" in text
    for certificate in certificates:
        assert certificate.number in text
        assert certificate.full_name in text
    assert '<span class="status status-cert-suspended">Suspended</span>' in text
    assert '<span class="status status-cert-valid">Valid</span>' in text


def test_the_staff_list_searches_by_name_or_number_and_filters_by_status_and_grade(world: World):
    first, second, third = issued(world, 3)
    Certificate.objects.filter(pk=third.pk).update(valid_until=date(2025, 1, 1))
    client = world.client_for(world.staff)
    url = reverse("certificates:staff_list", args=[world.society.code])

    def numbers(**params: str) -> list[str]:
        response = client.get(url, params)
        return [c.number for c in [row["certificate"] for row in response.context["rows"]]]

    assert numbers(q=first.number[-6:].lower()) == [first.number]
    assert numbers(q=second.full_name) == [second.number]
    assert numbers(status="expired") == [third.number]
    assert sorted(numbers(status="valid")) == sorted([first.number, second.number])
    assert sorted(numbers(grade=str(first.grade_id))) == sorted(c.number for c in (first, second, third))
    assert sorted(numbers(batch=str(world.batch.pk))) == sorted(c.number for c in (first, second, third))
    assert numbers(q="nobody-like-this") == []


def test_the_staff_list_sorts_by_the_chosen_column_both_ways(world: World):
    certificates = issued(world, 3)
    client = world.client_for(world.staff)
    url = reverse("certificates:staff_list", args=[world.society.code])

    ascending = [row["certificate"].number for row in client.get(url, {"sort": "number"}).context["rows"]]
    descending = [row["certificate"].number for row in client.get(url, {"sort": "-number"}).context["rows"]]

    assert ascending == sorted(c.number for c in certificates)
    assert descending == list(reversed(ascending))


def test_the_staff_list_costs_the_same_queries_with_one_or_three_certificates(world: World):
    client = world.client_for(world.staff)
    url = reverse("certificates:staff_list", args=[world.society.code])
    issued(world, 1)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    issued(world, 2, first_index=5)
    with CaptureQueriesContext(connection) as three:
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.context["rows"]) == 3
    assert len(three) == len(one)


def test_the_member_page_costs_the_same_queries_with_one_or_three_certificates(world: World):
    certificates = issued(world, 3)
    holder = certificates[0].registration.holder
    assert holder is not None
    client = world.client_for(holder)
    with CaptureQueriesContext(connection) as one:
        assert client.get(reverse("certificates:mine")).status_code == 200
    Registration.objects.filter(pk__in=[c.registration_id for c in certificates]).update(holder=holder)
    with CaptureQueriesContext(connection) as three:
        response = client.get(reverse("certificates:mine"))
    assert len(response.context["certificates"]) == 3
    assert len(three) == len(one)


# --- Issuing -----------------------------------------------------------------------------------


def test_the_issue_page_counts_the_waiting_members_and_starts_a_run(
    world: World, django_capture_on_commit_callbacks
):
    registered_members(world, 2)
    client = world.client_for(world.staff)
    url = reverse("certificates:issue", args=[world.society.code])
    batches = client.get(url).context["batches"]
    assert [(b.pk, b.registered, b.waiting) for b in batches] == [(world.batch.pk, 2, 2)]

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"batch": world.batch.pk})

    run = IssuanceRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("certificates:issue_run", args=[world.society.code, run.pk])
    assert (run.status, run.done, run.total) == (IssuanceStatus.DONE, 2, 2)
    batches = client.get(url).context["batches"]
    assert [(b.pk, b.registered, b.waiting) for b in batches] == [(world.batch.pk, 2, 0)]


def test_the_issue_form_refuses_a_batch_without_waiting_members(world: World):
    response = world.client_for(world.staff).post(
        reverse("certificates:issue", args=[world.society.code]), {"batch": world.batch.pk}
    )

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "batch": ["Select a valid choice. That choice is not one of the available choices."]
    }
    assert IssuanceRun.objects.count() == 0


def test_the_progress_url_answers_in_json(world: World):
    registered_members(world, 2)
    run = IssuanceRun.objects.create(
        society=world.society,
        batch=world.batch,
        requested_by=world.staff,
        status=IssuanceStatus.RUNNING,
        total=4,
        done=1,
        failed=1,
        heartbeat_at=timezone.now(),
    )

    response = world.client_for(world.staff).get(
        reverse("certificates:issue_run_progress", args=[world.society.code, run.pk])
    )

    assert json.loads(response.content) == {
        "status": "running",
        "status_label": "Issuing",
        "done": 1,
        "failed": 1,
        "total": 4,
        "percent": 50,
        "busy": True,
        "stale": False,
    }


def test_the_run_page_shows_progress_refreshes_while_busy_and_offers_resume_when_stale(world: World):
    registered_members(world, 2)
    run = IssuanceRun.objects.create(
        society=world.society,
        batch=world.batch,
        requested_by=world.staff,
        status=IssuanceStatus.RUNNING,
        total=2,
        done=1,
        heartbeat_at=timezone.now(),
    )
    client = world.client_for(world.staff)
    url = reverse("certificates:issue_run", args=[world.society.code, run.pk])

    busy = page_text(client.get(url))
    assert '<meta http-equiv="refresh" content="3">' in busy
    assert "<strong data-done>1</strong> of <span data-total>2</span> issued" in busy
    assert "Resume the run" not in busy

    IssuanceRun.objects.filter(pk=run.pk).update(
        heartbeat_at=timezone.now() - STALE_AFTER - timedelta(seconds=5)
    )
    stale = page_text(client.get(url))
    assert 'http-equiv="refresh"' not in stale
    assert "Resume the run" in stale


def test_resuming_from_the_page_finishes_the_run(world: World, django_capture_on_commit_callbacks):
    registered_members(world, 2)
    run = IssuanceRun.objects.create(
        society=world.society,
        batch=world.batch,
        requested_by=world.staff,
        status=IssuanceStatus.FAILED,
        total=2,
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = world.client_for(world.staff).post(
            reverse("certificates:issue_run_resume", args=[world.society.code, run.pk])
        )

    assert response.status_code == 302
    run.refresh_from_db()
    assert (run.status, run.done) == (IssuanceStatus.DONE, 2)


# --- Policy ------------------------------------------------------------------------------------


def _policy_data(**changes: object) -> dict[str, object]:
    return {
        "number_format": "{society}-{year}-{random:10}",
        "validity_years": "5",
        "head_name": "张明远",
        "head_name_en": "Zhang Mingyuan",
        "head_title": "理事长",
        "head_title_en": "President",
        "renewal_opens_months": "6",
        "reminder_days": "30, 180，90",
        **changes,
    }


def test_the_policy_page_saves_the_policy_and_the_signature(world: World):
    buffer = io.BytesIO()
    Image.new("RGB", (200, 60), "white").save(buffer, format="PNG")
    buffer.seek(0)
    buffer.name = "my signature.png"

    response = world.client_for(world.staff).post(
        reverse("certificates:policy", args=[world.society.code]),
        _policy_data(validity_years="4", signature_image=buffer),
    )

    assert response.status_code == 302
    policy = certificate_policy_get(world.society)
    assert (policy.validity_years, policy.head_name_en, policy.reminder_days) == (
        4,
        "Zhang Mingyuan",
        "180,90,30",
    )
    assert policy.signature_image.name.startswith("certificates/signatures/signature")


def test_the_policy_page_shows_each_error_beside_its_field(world: World):
    response = world.client_for(world.staff).post(
        reverse("certificates:policy", args=[world.society.code]),
        _policy_data(
            number_format="{society}-{seq}",
            reminder_days="soon",
            signature_image=io.BytesIO(b"not an image"),
        ),
    )

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["number_format"] == [
        "“{seq}” is not a token; use {society}, {year}, {grade} and {random:N}.",
        "The format needs exactly one {random:N} (N at least 8), so that numbers cannot be guessed.",
    ]
    assert errors["reminder_days"] == [
        "Write whole numbers of days between 1 and 730, separated by commas, for example 180,90,30."
    ]
    assert errors["signature_image"] == ["Only JPEG and PNG images are accepted; this file is neither."]
    assert certificate_policy_get(world.society).number_format == "{society}-{year}-{random:10}"


def test_each_row_of_the_staff_list_leads_to_the_certificates_staff_page(world: World):
    certificate = issued(world, 1)[0]

    text = page_text(
        world.client_for(world.staff).get(reverse("certificates:staff_list", args=[world.society.code]))
    )

    detail = reverse(
        "certificates:staff_detail", kwargs={"society": world.society.code, "number": certificate.number}
    )
    assert f'<a href="{detail}">{certificate.number}</a>' in text
    assert f'href="{reverse("certificates:pdf", args=[certificate.number])}"' in text
