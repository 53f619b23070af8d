"""With a PostgreSQL replica configured, only the pages that tolerate a moment's lag read from it
(the public register, the staff's dashboards); who the visitor is, every write, every read in a
transaction and the certificate verification page stay on the primary.

The replica here is the test database itself under a second alias, as the settings' TEST MIRROR
makes it, so its connection is a second connection that sees only committed rows: the tests that
read through it are transactional. They run on PostgreSQL, the only database with replicas."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.db import connections, router
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from engcert.certificates.models import Certificate
from engcert.replica import PRIMARY, REPLICA, replica_reads
from tests.certificates.public_helpers import listed, member_certificate
from tests.conftest import World

# A replica exists only with PostgreSQL (engcert/settings.py); SQLite's shared in-memory test
# database would also lock between the two connections.
postgres_only = pytest.mark.skipif(
    os.environ.get("ENGCERT_DB") != "postgres", reason="a replica is configured only with PostgreSQL"
)

# Tables that say who the visitor is and what they may do: never read from the replica.
IDENTITY_TABLES = ("django_session", "accounts_user", "organisations_membership", "mfa_authenticator")


def reads_of(sql_statements: list[str], table: str) -> list[str]:
    """The statements that read rows of this table (FROM it, not joined to it)."""
    return [sql for sql in sql_statements if f'FROM "{table}"' in sql]


@pytest.mark.django_db
def test_without_a_replica_every_read_goes_to_the_primary():
    # First in the module: the replica alias below is added for the tests after this one.
    assert REPLICA not in settings.DATABASES
    with replica_reads():
        assert router.db_for_read(Certificate) == PRIMARY


@pytest.fixture(scope="module")
def replica(django_db_setup: None, django_db_blocker: object) -> Iterator[str]:
    """A `replica` alias mirroring the test database, as the settings make one with TEST MIRROR.

    Module-scoped so that it exists before each test's database access is set up, which accepts
    only aliases that are already configured."""
    mirror = {**connections[PRIMARY].settings_dict, "TEST": {"MIRROR": PRIMARY}}
    connections.settings[REPLICA] = mirror
    settings.DATABASES[REPLICA] = mirror
    try:
        yield REPLICA
    finally:
        connections[REPLICA].close()
        del connections[REPLICA]
        connections.settings.pop(REPLICA, None)
        settings.DATABASES.pop(REPLICA, None)


def tables_read(captured: CaptureQueriesContext) -> list[str]:
    return [query["sql"] for query in captured.captured_queries]


@postgres_only
@pytest.mark.django_db(transaction=True, databases=[PRIMARY, REPLICA])
def test_the_public_register_page_and_api_are_read_from_the_replica_and_not_from_the_primary(
    world: World, replica: str
):
    listed(member_certificate(world.society, name="甲"))
    with (
        CaptureQueriesContext(connections[REPLICA]) as on_replica,
        CaptureQueriesContext(connections[PRIMARY]) as on_primary,
    ):
        response = Client().get(reverse("certificates:register"))
    assert [row.name for row in response.context["rows"]] == ["甲"]
    assert tables_read(on_primary) == []
    assert len(reads_of(tables_read(on_replica), "certificates_certificate")) == 2

    with (
        CaptureQueriesContext(connections[REPLICA]) as on_replica,
        CaptureQueriesContext(connections[PRIMARY]) as on_primary,
    ):
        response = Client().get("/api/v1/register")
    assert [item["name"] for item in response.json()["items"]] == ["甲"]
    assert tables_read(on_primary) == []
    assert len(reads_of(tables_read(on_replica), "certificates_certificate")) == 2


@postgres_only
@pytest.mark.django_db(databases=[PRIMARY, REPLICA])
def test_the_verification_page_reads_only_the_primary(world: World, replica: str):
    certificate = member_certificate(world.society, name="甲")
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        response = Client().get(reverse("certificates:verify_number", args=[certificate.number]))
    assert response.status_code == 200
    assert certificate.number in response.content.decode()
    assert tables_read(on_replica) == []


@postgres_only
@pytest.mark.django_db(transaction=True, databases=[PRIMARY, REPLICA])
def test_a_dashboard_reads_counts_from_the_replica_but_the_visitor_from_the_primary(
    world: World, replica: str
):
    client = world.client_for(world.staff)
    with (
        CaptureQueriesContext(connections[REPLICA]) as on_replica,
        CaptureQueriesContext(connections[PRIMARY]) as on_primary,
    ):
        response = client.get(reverse("dashboards:dashboard", args=[world.society.code]))
    assert response.status_code == 200
    replica_sql, primary_sql = tables_read(on_replica), tables_read(on_primary)
    assert [reads_of(replica_sql, table) for table in IDENTITY_TABLES] == [[], [], [], []]
    assert (len(reads_of(primary_sql, "django_session")), len(reads_of(primary_sql, "accounts_user"))) == (
        1,
        1,
    )
    assert reads_of(primary_sql, "applications_application") == []
    assert reads_of(replica_sql, "applications_application") != []


@postgres_only
@pytest.mark.django_db(databases=[PRIMARY, REPLICA])
def test_where_the_replica_is_allowed_writes_and_reads_in_a_transaction_still_go_to_the_primary(
    world: World, replica: str
):
    certificate = member_certificate(world.society, name="甲")
    with (
        replica_reads(),
        CaptureQueriesContext(connections[REPLICA]) as on_replica,
        CaptureQueriesContext(connections[PRIMARY]) as on_primary,
    ):
        assert router.db_for_write(Certificate) == PRIMARY
        Certificate.objects.filter(pk=certificate.pk).update(full_name="乙")
        # The test runs in a transaction, as a view that has just written would.
        assert router.db_for_read(Certificate) == PRIMARY
        assert Certificate.objects.get(pk=certificate.pk).full_name == "乙"
    assert tables_read(on_replica) == []
    assert len(tables_read(on_primary)) == 2
