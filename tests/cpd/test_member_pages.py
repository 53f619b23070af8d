"""The member's CPD pages: progress in plain words, logging, changing and deleting activities
with evidence, and nobody else reaching them."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from engcert.applications.enums import CpdActivityType
from engcert.audit.models import AuditEvent
from engcert.cpd.models import CpdActivity
from engcert.demo.builders import TINY_PDF, tiny_png
from tests.conftest import World
from tests.cpd.members import activity_add, member_create

PDF = TINY_PDF  # a PDF the upload checks can read whole


@pytest.fixture
def member(world: World):
    today = timezone.localdate()
    return member_create(
        society=world.society,
        holder=world.applicant,
        name="王伟",
        valid_from=today - timedelta(days=400),
        unit=world.unit,
    )


def _form(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "activity_type": CpdActivityType.SEMINAR,
        "title": "中国电机工程学会年会",
        "provider": "中国电机工程学会",
        "date": (timezone.localdate() - timedelta(days=3)).isoformat(),
        "hours": "12.5",
    }
    data.update(overrides)
    return data


def test_member_sees_hours_of_this_year_in_plain_words(world: World, member):
    today = timezone.localdate()
    activity_add(member, on=today - timedelta(days=1), hours="20")
    activity_add(member, on=today - timedelta(days=2), hours="12", kind=CpdActivityType.PUBLISHING)
    # Before the current registration year began (day 365): counts for year 1, not this one.
    activity_add(member, on=today - timedelta(days=380), hours="30")

    page = world.client_for(world.applicant).get(reverse("cpd:mine")).content.decode()

    assert "32 of 40 hours this year" in page
    assert "8 hours to go" in page


def test_member_logs_an_activity_with_a_pdf_as_evidence(world: World, member):
    client = world.client_for(world.applicant)
    upload = SimpleUploadedFile("attendance.pdf", PDF, content_type="application/pdf")

    response = client.post(reverse("cpd:add"), {**_form(), "evidence": upload})

    assert response.status_code == 302
    activity = CpdActivity.objects.get(registration=member)
    assert (
        activity.title,
        activity.hours,
        activity.evidence_name,
        activity.evidence_type,
        activity.evidence_size,
    ) == (
        "中国电机工程学会年会",
        Decimal("12.5"),
        "attendance.pdf",
        "application/pdf",
        len(PDF),
    )
    assert activity.evidence.name.startswith("cpd/") and "attendance" not in activity.evidence.name
    assert list(AuditEvent.objects.filter(subject_id=str(activity.pk)).values_list("action", flat=True)) == [
        "cpd.activity_logged"
    ]
    download = client.get(reverse("cpd:evidence", args=[activity.uid]))
    assert (download.status_code, b"".join(download.streaming_content)) == (200, PDF)  # type: ignore[attr-defined]


def test_a_file_that_is_not_pdf_jpeg_or_png_is_refused_beside_the_field(world: World, member):
    upload = SimpleUploadedFile("notes.docx", b"PK\x03\x04 not a pdf", content_type="application/pdf")

    response = world.client_for(world.applicant).post(reverse("cpd:add"), {**_form(), "evidence": upload})

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "evidence": ["Only PDF, JPEG and PNG files are accepted; this file is none of them."]
    }
    assert CpdActivity.objects.count() == 0


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("hours", "0", "Ensure this value is greater than or equal to 0.5."),
        ("hours", "250", "Ensure this value is less than or equal to 200."),
        ("date", (date.today() + timedelta(days=30)).isoformat(), "The date cannot be in the future."),
        ("title", "", "This field is required."),
    ],
)
def test_bad_values_are_explained_beside_their_field(
    world: World, member, field: str, value: str, message: str
):
    response = world.client_for(world.applicant).post(reverse("cpd:add"), _form(**{field: value}))

    assert response.status_code == 400
    assert response.context["form"].errors == {field: [message]}


def test_an_activity_before_the_registration_began_is_refused(world: World, member):
    early = (timezone.localdate() - timedelta(days=500)).isoformat()

    response = world.client_for(world.applicant).post(reverse("cpd:add"), _form(date=early))

    assert response.status_code == 400
    start = (timezone.localdate() - timedelta(days=400)).isoformat()
    assert response.context["form"].non_field_errors() == [
        f"The date is before your registration began ({start}); only activities since then count."
    ]


def test_member_changes_an_activity_and_replaces_its_evidence(world: World, member):
    client = world.client_for(world.applicant)
    client.post(reverse("cpd:add"), {**_form(), "evidence": SimpleUploadedFile("a.pdf", PDF)})
    activity = CpdActivity.objects.get()
    old_name = activity.evidence.name

    response = client.post(
        reverse("cpd:edit", args=[activity.uid]),
        {
            **_form(hours="8", title="变电站数字化培训"),
            "evidence": SimpleUploadedFile("photo.png", tiny_png()),
        },
    )

    assert response.status_code == 302
    activity.refresh_from_db()
    assert (activity.hours, activity.title, activity.evidence_name, activity.evidence_type) == (
        Decimal("8.0"),
        "变电站数字化培训",
        "photo.png",
        "image/png",
    )
    assert activity.evidence.name != old_name


def test_member_deletes_an_activity(world: World, member):
    activity = activity_add(member, on=timezone.localdate(), hours="4")

    response = world.client_for(world.applicant).post(reverse("cpd:delete", args=[activity.uid]))

    assert response.status_code == 302
    assert CpdActivity.objects.count() == 0
    assert [e.data["hours"] for e in AuditEvent.objects.filter(action="cpd.activity_deleted")] == ["4.0"]


def test_another_member_cannot_see_change_or_delete_an_activity(world: World, member):
    activity = activity_add(member, on=timezone.localdate(), hours="4")
    member_create(
        society=world.society,
        holder=world.other_applicant,
        name="李娜",
        valid_from=timezone.localdate() - timedelta(days=30),
    )
    client = world.client_for(world.other_applicant)

    codes = [
        client.get(reverse("cpd:edit", args=[activity.uid])).status_code,
        client.post(reverse("cpd:edit", args=[activity.uid]), _form()).status_code,
        client.post(reverse("cpd:delete", args=[activity.uid])).status_code,
        client.get(reverse("cpd:evidence", args=[activity.uid])).status_code,
    ]

    assert codes == [404, 404, 404, 404]
    assert CpdActivity.objects.get().hours == Decimal("4")


def test_someone_without_a_registration_is_told_plainly(world: World):
    client = world.client_for(world.outsider)

    page = client.get(reverse("cpd:mine")).content.decode()
    add = client.get(reverse("cpd:add")).content.decode()

    assert "You are not a registered member yet." in page
    assert "You are not a registered member yet." in add


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("cpd:mine"))

    assert (response.status_code, response["Location"].split("?")[0]) == (302, "/accounts/login/")
