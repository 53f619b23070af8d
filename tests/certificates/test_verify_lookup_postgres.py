"""The public lookup on PostgreSQL: prepared once per connection, on a cursor kept per connection
that still shows a status change at once, and a dead kept connection costs the visitor nothing (the
lookup runs again on a new one) without a health check on every request."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client

from engcert.certificates.enums import CertificateStatus
from engcert.certificates.status import certificate_revoke, certificate_suspend
from engcert.certificates.verification import KEPT_CURSOR, LOOKUP_SQL, certificate_public_get
from tests.certificates.public_helpers import member_certificate
from tests.certificates.test_verify import page
from tests.conftest import World

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")


def _prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


def test_the_lookup_is_prepared_after_a_few_runs_on_a_connection(world: World):
    certificate = member_certificate(world.society)
    for _ in range(6):
        assert certificate_public_get(number=certificate.number) is not None
    prepared = _prepared_statements()
    assert len([s for s in prepared if "FROM certificates_certificate c" in s]) == 1
    assert LOOKUP_SQL.replace("%s", "$1") in prepared


@pytest.mark.django_db(transaction=True)
def test_a_dead_connection_is_replaced_and_the_visitor_still_gets_the_page(world: World):
    certificate = member_certificate(world.society)
    client = Client()
    assert client.get(page(certificate.number)).status_code == 200
    backend_pid = connection.connection.info.backend_pid
    # Another connection ends this one, as a PostgreSQL restart would.
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    from django.db import connections

    killer = connections.create_connection("default")
    try:
        with killer.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [backend_pid])
    finally:
        killer.close()
    response = client.get(page(certificate.number))
    assert response.status_code == 200
    assert certificate.number in response.content.decode()
    assert connection.connection.info.backend_pid != backend_pid


@pytest.mark.django_db(transaction=True)
def test_the_kept_cursor_shows_each_status_change_at_once(world: World):
    certificate = member_certificate(world.society)
    client = Client()
    assert "This certificate is valid until" in client.get(page(certificate.number)).content.decode()
    kept = getattr(connection, KEPT_CURSOR)
    assert kept.connection is connection.connection
    certificate_suspend(certificate=certificate, reason="Under investigation.", by=world.staff)
    assert certificate_public_get(number=certificate.number).status == CertificateStatus.SUSPENDED  # type: ignore[union-attr]
    certificate_revoke(certificate=certificate, reason="Forged degree.", by=world.staff)
    body = client.get(page(certificate.number)).content.decode()
    assert "This certificate was revoked on" in body
    assert "Forged degree." in body
    # One cursor served every lookup on this connection; a new connection gets its own.
    assert getattr(connection, KEPT_CURSOR) is kept
    connection.close()
    assert certificate_public_get(number=certificate.number).status == CertificateStatus.REVOKED  # type: ignore[union-attr]
    assert getattr(connection, KEPT_CURSOR) is not kept
