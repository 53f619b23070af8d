"""Anyone may object to a listed candidate while the notice runs; spam and oversized files are refused."""

from __future__ import annotations

import time
import tracemalloc
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from engcert.applications.enums import ApplicationState as S
from engcert.applications.models import Application
from engcert.audit.models import AuditEvent
from engcert.demo.builders import TINY_PDF
from engcert.notices.domain.errors import NoticeError
from engcert.notices.domain.objection import objection_file
from engcert.notices.forms import form_token_issue
from engcert.notices.models import Notice, NoticeEntry, Objection
from tests.conftest import World
from tests.notices.conftest import AFTER, objection_post, published, running_notice


def _object_url(notice: Notice) -> str:
    entry = notice.entries.get()
    return reverse("notices:object", kwargs={"uid": notice.uid, "entry": entry.uid})


def _media_files(settings: Any) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def test_an_objection_moves_the_candidate_to_investigation_and_gives_the_objector_a_reference(
    world: World,
) -> None:
    notice = running_notice(world)
    client = Client()
    form = client.get(_object_url(notice))
    assert form.status_code == 200
    response = client.post(_object_url(notice), objection_post(), follow=True)
    objection = Objection.objects.get()
    assert response.redirect_chain == [
        (reverse("notices:objection_received", kwargs={"reference": objection.reference}), 302)
    ]
    assert objection.reference in response.content.decode()
    application = Application.objects.get()
    assert application.state == S.OBJECTION
    event = AuditEvent.objects.get(
        action="application.transition", application=application, to_state=S.OBJECTION
    )
    assert (event.actor, event.from_state) == (None, S.PUBLIC_NOTICE)
    assert (
        AuditEvent.objects.filter(action="notices.objection_received", subject_id=str(objection.pk)).count()
        == 1
    )


def test_the_confirmation_page_is_only_for_the_browser_that_sent_the_objection(world: World) -> None:
    notice = running_notice(world)
    Client().post(_object_url(notice), objection_post())
    reference = Objection.objects.get().reference
    url = reverse("notices:objection_received", kwargs={"reference": reference})
    assert Client().get(url).status_code == 404


def test_the_objectors_name_and_contact_are_stored_encrypted(world: World) -> None:
    notice = running_notice(world)
    Client().post(_object_url(notice), objection_post(email="zhang.ming@example.org"))
    objection = Objection.objects.get()
    assert (objection.objector_name, objection.objector_phone, objection.objector_email) == (
        "张明",
        "13912345678",
        "zhang.ming@example.org",
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT objector_name, objector_phone, objector_email FROM notices_objection WHERE id = %s",
            [objection.pk],
        )
        raw = cursor.fetchone()
    assert "张明" not in raw[0] and "13912345678" not in raw[1] and "zhang.ming" not in raw[2]


def test_an_objection_without_a_telephone_or_email_is_refused_beside_the_field(world: World) -> None:
    notice = running_notice(world)
    response = Client().post(_object_url(notice), objection_post(phone="", email=""))
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "phone": ["Please give a telephone number or an email address, so the society can reach you."]
    }
    # What the person typed is still there.
    assert "该候选人申请表中所列的500千伏变电站项目" in response.content.decode()
    assert Objection.objects.count() == 0
    assert Application.objects.get().state == S.PUBLIC_NOTICE


def test_an_objection_without_a_statement_is_refused(world: World) -> None:
    notice = running_notice(world)
    response = Client().post(_object_url(notice), objection_post(statement="  "))
    assert response.context["form"].errors == {"statement": ["This field is required."]}
    assert Objection.objects.count() == 0


def test_a_statement_over_the_limit_is_refused(world: World) -> None:
    notice = running_notice(world)
    response = Client().post(_object_url(notice), objection_post(statement="字" * 3001))
    assert response.context["form"].errors == {
        "statement": ["Ensure this value has at most 3000 characters (it has 3001)."]
    }


def test_evidence_is_kept_through_the_storage_and_staff_download_it(world: World, settings: Any) -> None:
    notice = running_notice(world)
    evidence = SimpleUploadedFile("项目证明.pdf", TINY_PDF, content_type="application/pdf")
    Client().post(_object_url(notice), objection_post(evidence=evidence))
    objection = Objection.objects.get()
    assert (objection.evidence_name, objection.evidence_content_type, objection.evidence_size) == (
        "项目证明.pdf",
        "application/pdf",
        len(TINY_PDF),
    )
    assert objection.evidence.name.startswith(f"objections/{objection.uid.hex}/")
    response = world.client_for(world.staff).get(
        reverse(
            "notices:staff_objection_evidence", kwargs={"society": world.society.code, "uid": objection.uid}
        )
    )
    assert b"".join(response.streaming_content) == TINY_PDF  # type: ignore[attr-defined]
    assert AuditEvent.objects.filter(action="notices.objection_evidence_read").count() == 1


def test_evidence_that_is_not_a_pdf_or_image_by_its_content_is_refused(world: World) -> None:
    notice = running_notice(world)
    fake = SimpleUploadedFile("证明.pdf", b"MZ\x90\x00 this is a program", content_type="application/pdf")
    response = Client().post(_object_url(notice), objection_post(evidence=fake))
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "evidence": ["Only PDF, JPEG and PNG files are accepted; this file is none of them."]
    }
    assert Objection.objects.count() == 0


class StreamedBody:
    """A request body read piece by piece, as a server hands it over: bytes and files, never whole in memory."""

    def __init__(self, parts: list[bytes | Path]) -> None:
        self.parts = parts
        self.index = 0
        self.handle: Any = None

    def __len__(self) -> int:
        return sum(p.stat().st_size if isinstance(p, Path) else len(p) for p in self.parts)

    def read(self, size: int = -1) -> bytes:
        out = b""
        while (size < 0 or len(out) < size) and self.index < len(self.parts):
            part = self.parts[self.index]
            want = -1 if size < 0 else size - len(out)
            if isinstance(part, Path):
                if self.handle is None:
                    self.handle = part.open("rb")
                chunk = self.handle.read(want if want > 0 else 1 << 20)
                if not chunk:
                    self.handle.close()
                    self.handle = None
                    self.index += 1
                out += chunk
            else:
                chunk, rest = (part, b"") if want < 0 else (part[:want], part[want:])
                out += chunk
                if rest:
                    self.parts[self.index] = rest
                else:
                    self.index += 1
        return out

    def readline(self, size: int = -1) -> bytes:
        return self.read(size)


def _multipart(
    fields: dict[str, object], file: Path, boundary: str = "engcert-test-boundary"
) -> tuple[list[bytes | Path], str]:
    parts: list[bytes | Path] = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="evidence"; filename="扫描件.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n".encode()
    )
    parts.append(file)
    parts.append(f"\r\n--{boundary}--\r\n".encode())
    return parts, f"multipart/form-data; boundary={boundary}"


def test_a_200_mb_evidence_file_is_refused_with_a_clear_message_and_nothing_is_saved(
    world: World, settings: Any, tmp_path: Path
) -> None:
    notice = running_notice(world)
    big = tmp_path / "scan.pdf"
    with big.open("wb") as handle:  # sparse: 200 MB on paper, a few bytes on disk
        handle.write(b"%PDF-1.7\n")
        handle.truncate(200 * 1024 * 1024)
    parts, content_type = _multipart(objection_post(), big)
    stored_before = _media_files(settings)
    body = StreamedBody(parts)
    length = len(body)
    # The person opens the form first (which also loads every module, so the measure below is the upload's).
    assert Client().get(_object_url(notice)).status_code == 200
    tracemalloc.start()
    try:
        response = Client().generic(
            "POST",
            _object_url(notice),
            **{"wsgi.input": body, "CONTENT_LENGTH": str(length), "CONTENT_TYPE": content_type},
        )
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "evidence": ["The evidence file is larger than 20 MB; please send a smaller file."]
    }
    # The fields sent before the file are kept for the person to send again with a smaller file.
    assert response.context["form"].data["name"] == "张明"
    assert peak < 30 * 1024 * 1024
    assert Objection.objects.count() == 0
    assert _media_files(settings) == stored_before
    assert Application.objects.get().state == S.PUBLIC_NOTICE


def test_a_filled_honeypot_field_is_refused_and_nothing_is_kept(world: World) -> None:
    notice = running_notice(world)
    response = Client().post(_object_url(notice), objection_post(website="http://spam.example"))
    assert response.status_code == 400
    assert "nothing was kept" in response.content.decode()
    assert Objection.objects.count() == 0
    assert Application.objects.get().state == S.PUBLIC_NOTICE


def test_a_form_sent_the_instant_it_was_shown_is_refused(world: World) -> None:
    notice = running_notice(world)
    response = Client().post(_object_url(notice), objection_post(shown=form_token_issue()))
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "shown": ["That was sent faster than a person can write; please check your text and send it again."]
    }
    # The hidden field's message is shown above the form, where the person reads it.
    assert "That was sent faster than a person can write" in response.content.decode()
    assert Objection.objects.count() == 0


def test_a_forged_form_time_is_refused(world: World) -> None:
    notice = running_notice(world)
    response = Client().post(_object_url(notice), objection_post(shown=str(int(time.time() - 60))))
    assert response.status_code == 400
    assert Objection.objects.count() == 0


def test_objections_from_one_address_are_throttled_and_another_address_may_still_object(
    world: World, settings: Any
) -> None:
    settings.ENGCERT_OBJECTIONS_PER_IP_PER_HOUR = 3
    notice = running_notice(world)
    client = Client(REMOTE_ADDR="203.0.113.7")
    statuses = [client.post(_object_url(notice), objection_post()).status_code for _ in range(4)]
    assert statuses == [302, 302, 302, 429]
    assert Objection.objects.count() == 3
    other = Client(REMOTE_ADDR="198.51.100.9").post(_object_url(notice), objection_post())
    assert other.status_code == 302
    assert Objection.objects.count() == 4


def test_behind_a_proxy_each_client_is_counted_by_its_forwarded_address(world: World, settings: Any) -> None:
    settings.ENGCERT_OBJECTIONS_PER_IP_PER_HOUR = 1
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    notice = running_notice(world)
    balancer = "10.0.0.2"
    first = Client(REMOTE_ADDR=balancer, HTTP_X_FORWARDED_FOR="203.0.113.7")
    second = Client(REMOTE_ADDR=balancer, HTTP_X_FORWARDED_FOR="198.51.100.9")
    assert first.post(_object_url(notice), objection_post()).status_code == 302
    assert second.post(_object_url(notice), objection_post()).status_code == 302
    assert first.post(_object_url(notice), objection_post()).status_code == 429


def test_a_second_objection_about_a_candidate_under_investigation_is_received(world: World) -> None:
    notice = running_notice(world)
    Client().post(_object_url(notice), objection_post())
    Client().post(_object_url(notice), objection_post(name="李华"))
    assert Objection.objects.count() == 2
    assert Application.objects.get().state == S.OBJECTION


def test_no_objection_is_received_after_the_period(world: World) -> None:
    notice = published(world)
    entry = NoticeEntry.objects.get(notice=notice)
    with pytest.raises(NoticeError, match="not open for objections"):
        objection_file(entry=entry, name="张明", phone="13912345678", email="", statement="异议", now=AFTER)
    assert Objection.objects.count() == 0


def test_the_objection_page_of_an_ended_notice_says_objections_are_closed(world: World) -> None:
    notice = running_notice(world)
    now = timezone.now()
    Notice.objects.filter(pk=notice.pk).update(
        starts_at=now - timedelta(days=8), ends_at=now - timedelta(hours=1)
    )
    response = Client().post(_object_url(notice), objection_post())
    assert response.status_code == 410
    assert "This notice is not open for objections" in response.content.decode()
    assert Objection.objects.count() == 0
