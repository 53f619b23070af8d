"""The society's certificate policy: defaults, changes (audited), the head's signature image."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from engcert.audit.models import AuditEvent
from engcert.certificates.domain import (
    CertificateError,
    PolicyValues,
    certificate_issue,
    certificate_policy_get,
    certificate_policy_update,
)
from engcert.certificates.models import CertificatePolicy
from engcert.certificates.numbering import NumberFormatError
from tests.certificates.issue_helpers import registered_members, run
from tests.conftest import World

pytestmark = pytest.mark.django_db


def png(width: int = 240, height: int = 80) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGBA", (width, height), (20, 30, 120, 255)).save(buffer, format="PNG")
    return buffer.getvalue()


def values(**changes: object) -> PolicyValues:
    base = {
        "number_format": "{society}-{year}-{random:10}",
        "validity_years": 5,
        "head_name": "张明远",
        "head_name_en": "Zhang Mingyuan",
        "head_title": "理事长",
        "head_title_en": "President",
        "renewal_opens_months": 6,
        "reminder_days": "180,90,30",
    }
    return PolicyValues(**{**base, **changes})  # type: ignore[arg-type]


def test_a_new_policy_takes_the_head_from_the_societys_record(world: World):
    policy = certificate_policy_get(world.society)

    assert (policy.head_name, policy.head_title, policy.validity_years, policy.number_format) == (
        "张明远",
        "理事长",
        5,
        "{society}-{year}-{random:10}",
    )
    assert certificate_policy_get(world.society).pk == policy.pk


def test_staff_change_the_policy_and_the_change_is_audited(world: World):
    policy = certificate_policy_update(
        society=world.society,
        values=values(validity_years=4, number_format="C-{year}-{random:12}"),
        by=world.staff,
    )

    assert (policy.validity_years, policy.number_format, policy.head_name_en, policy.updated_by) == (
        4,
        "C-{year}-{random:12}",
        "Zhang Mingyuan",
        world.staff,
    )
    event = AuditEvent.objects.get(action="certificates.policy_changed")
    assert event.data["changed"]["validity_years"] == [5, 4]
    assert event.data["changed"]["number_format"] == ["{society}-{year}-{random:10}", "C-{year}-{random:12}"]


def test_saving_the_same_policy_again_records_nothing(world: World):
    certificate_policy_update(society=world.society, values=values(), by=world.staff)
    certificate_policy_update(society=world.society, values=values(), by=world.staff)

    assert AuditEvent.objects.filter(action="certificates.policy_changed").count() == 1


def test_a_bad_number_format_is_refused_and_nothing_changes(world: World):
    with pytest.raises(NumberFormatError) as error:
        certificate_policy_update(
            society=world.society, values=values(number_format="{year}-{random:4}"), by=world.staff
        )

    assert error.value.problems == ["{random:4} is too short: use at least 8 random characters."]
    assert certificate_policy_get(world.society).number_format == "{society}-{year}-{random:10}"


def test_only_the_societys_staff_may_change_the_policy(world: World, other_society_staff):
    for person in (world.outsider, world.reviewer, other_society_staff, world.applicant):
        with pytest.raises(CertificateError) as error:
            certificate_policy_update(society=world.society, values=values(validity_years=1), by=person)
        assert str(error.value) == "Only the society's staff may change its certificate policy."
    assert CertificatePolicy.objects.filter(society=world.society, validity_years=1).count() == 0


def test_the_signature_image_is_stored_through_storage_and_printed_on_the_certificate(
    world: World, tmp_path: Path
):
    policy = certificate_policy_update(
        society=world.society,
        values=values(),
        signature_image=SimpleUploadedFile("signature.png", png(), content_type="image/png"),
        by=world.staff,
    )
    assert policy.signature_image.name.startswith("certificates/signatures/signature")
    assert default_storage.exists(policy.signature_image.name)

    certificate = certificate_issue(registration=registered_members(world, 1)[0], by=world.staff)
    path = tmp_path / "c.pdf"
    path.write_bytes(certificate.pdf.read())
    images = run("pdfimages", "-list", str(path)).splitlines()[2:]

    # The transparent PNG: the picture and its alpha mask.
    assert [line.split()[2:5] for line in images] == [["image", "240", "80"], ["smask", "240", "80"]]


def test_removing_the_signature_deletes_the_file_after_commit(
    world: World, django_capture_on_commit_callbacks
):
    policy = certificate_policy_update(
        society=world.society,
        values=values(),
        signature_image=SimpleUploadedFile("signature.png", png(), content_type="image/png"),
        by=world.staff,
    )
    name = policy.signature_image.name

    with django_capture_on_commit_callbacks(execute=True):
        policy = certificate_policy_update(
            society=world.society, values=values(), remove_signature=True, by=world.staff
        )

    assert policy.signature_image.name in ("", None)
    assert default_storage.exists(name) is False
