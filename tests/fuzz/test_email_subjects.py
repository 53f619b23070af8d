"""Every email subject is plain text: a name or unit with markup or an apostrophe is written
as typed (not as HTML entities such as &#x27;), and no template renders markup into it. The
outbox, where every email passes, writes each subject on one line, whatever text it holds."""

from __future__ import annotations

import email
from email.policy import default as email_policy
from pathlib import Path
from typing import Any

import pytest
from django.core.mail import send_mail
from django.template.loader import render_to_string

import engcert
from engcert.outbox.enums import OutboxStatus
from engcert.outbox.models import OutboxMessage
from tests.referees.smtp_sink import smtp_sink

ENGCERT = Path(engcert.__file__).parent
SUBJECTS = sorted(
    path.relative_to(path.parents[2]).as_posix()
    for path in ENGCERT.glob("*/templates/*/email*/*subject*.txt")
)
TYPED = "O'Brien & <b>Sons</b> <script>alert(1)</script>"


class Anything:
    """Whatever a subject template looks up (a person, a unit, a batch, a count) is the typed text."""

    def __getattr__(self, name: str) -> Anything:
        return self

    def __getitem__(self, key: object) -> Anything:
        return self

    def __str__(self) -> str:
        return TYPED

    def __int__(self) -> int:
        return 3

    def __bool__(self) -> bool:
        return True


class Everything(dict[str, Any]):
    def __missing__(self, key: str) -> Anything:
        return Anything()

    def __contains__(self, key: object) -> bool:
        return True


def test_the_subjects_are_found() -> None:
    assert len(SUBJECTS) >= 20


@pytest.mark.parametrize("template", SUBJECTS)
def test_a_subject_writes_names_as_typed_and_on_one_line(template: str) -> None:
    source = next(ENGCERT.glob(f"*/templates/{template}")).read_text()
    subject = render_to_string(template, Everything(days=3, count=3)).strip()

    if "with " in source and "|date" not in source:  # a subject that names someone or something
        assert TYPED in subject
    assert "&#x27;" not in subject and "&amp;" not in subject and "&lt;" not in subject
    assert "\n" not in subject and "\r" not in subject


@pytest.mark.django_db
def test_a_subject_with_a_line_break_is_stored_and_delivered_as_one_line_with_no_header_of_its_own(
    settings, django_capture_on_commit_callbacks
) -> None:
    settings.EMAIL_BACKEND = "engcert.outbox.backend.OutboxBackend"
    settings.ENGCERT_EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_TIMEOUT = "127.0.0.1", 5
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    with smtp_sink(refused=set()) as server:
        settings.EMAIL_PORT = server.port
        with django_capture_on_commit_callbacks(execute=True):
            send_mail("Welcome O'Brien\r\nBcc: x@y\n\n\tand  friends ", "Body", None, ["member@example.com"])
        accepted = list(server.accepted)

    row = OutboxMessage.objects.get()
    assert (row.subject, row.status) == ("Welcome O'Brien Bcc: x@y and friends", OutboxStatus.SENT)
    [(recipients, data)] = accepted
    delivered = email.message_from_string(data, policy=email_policy)
    assert (recipients, delivered["Subject"], delivered["Bcc"]) == (
        ["member@example.com"],
        "Welcome O'Brien Bcc: x@y and friends",
        None,
    )
    assert delivered.get_content().strip() == "Body"
