"""The outbox as production runs it: EMAIL_BACKEND writes to the outbox, delivery goes over SMTP
to a real server on localhost (the sink) or to a port where nothing listens (the server down)."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from tests.referees.smtp_sink import Sink, smtp_sink

REFUSED = "nobody@example.com"
GREYLISTED = "greylisted@example.com"


def free_port() -> int:
    """A port nothing listens on: connecting to it is refused, as when the mail server is down."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def outbox_over_smtp(settings) -> None:
    settings.EMAIL_BACKEND = "engcert.outbox.backend.OutboxBackend"
    settings.ENGCERT_EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    settings.ENGCERT_OUTBOX_RETRY_SECONDS = 60
    settings.ENGCERT_OUTBOX_MAX_ATTEMPTS = 3


@pytest.fixture
def smtp_down(settings, outbox_over_smtp: None) -> int:
    settings.EMAIL_PORT = free_port()
    return int(settings.EMAIL_PORT)


@pytest.fixture
def sink(settings, outbox_over_smtp: None) -> Iterator[Sink]:
    with smtp_sink(refused={REFUSED}, deferred=frozenset({GREYLISTED})) as server:
        settings.EMAIL_PORT = server.port
        yield server
