"""Checking a certificate in public: by its number, and the signed payload of its QR code.

The public may look up any number, so lookups are counted per client address (unknown numbers
count tenfold, as guessing numbers produces mostly unknown ones) and the answer for an unknown
number says nothing beyond that. A lookup is one indexed query and writes nothing.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.cache.backends.redis import RedisCache
from django.db import InterfaceError, OperationalError, connection
from django.db.backends.utils import CursorWrapper
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from engcert.certificates.enums import CertificateStatus
from engcert.certificates.models import Certificate
from engcert.certificates.payload import (
    CLAIM_KEYS,
    MAX_TOKEN_CHARS,
    PayloadError,
    payload_claims,
    payload_verify,
)
from engcert.frameworks.models import Grade
from engcert.notices.throttle import client_ip
from engcert.organisations.models import Discipline, Organisation, in_reader_language

WINDOW_SECONDS = 60
DEFAULT_LOOKUPS_PER_MINUTE = 60
# Guessing numbers finds mostly unknown ones: each costs as much as ten real lookups.
UNKNOWN_WEIGHT = 10
MAX_NUMBER_CHARS = 60


@dataclass(frozen=True)
class PublicCertificate:
    """What the public may read of one certificate, straight from its row and its society's,
    grade's and field's names (no model instances: the page is read far more than anything else)."""

    pk: int
    number: str
    full_name: str
    full_name_en: str
    valid_from: date
    valid_until: date
    status: str
    status_reason: str
    status_changed_at: datetime | None
    status_index: int
    society_code: str
    society_name: str
    society_name_en: str
    grade_code: str
    grade_name: str
    grade_name_en: str
    discipline_name: str
    discipline_name_en: str

    def effective_status(self, today: date | None = None) -> CertificateStatus:
        """As `Certificate.effective_status`: valid but past its date reads as expired."""
        today = today or timezone.localdate()
        if self.status == CertificateStatus.VALID and self.valid_until < today:
            return CertificateStatus.EXPIRED
        return CertificateStatus(self.status)

    @property
    def society_display(self) -> str:
        return in_reader_language(self.society_name, self.society_name_en)

    @property
    def grade_display(self) -> str:
        return in_reader_language(self.grade_name, self.grade_name_en)

    @property
    def discipline_display(self) -> str:
        return in_reader_language(self.discipline_name, self.discipline_name_en)


def _lookup_sql() -> str:
    # Table names from the models; the number is always a parameter.
    tables = {
        "certificate": Certificate._meta.db_table,
        "organisation": Organisation._meta.db_table,
        "grade": Grade._meta.db_table,
        "discipline": Discipline._meta.db_table,
    }
    return (  # noqa: S608
        "SELECT c.id, c.number, c.full_name, c.full_name_en, c.valid_from, c.valid_until, c.status, "
        "c.status_reason, c.status_changed_at, c.status_index, s.code, s.name, s.name_en, g.code, g.name, "
        "g.name_en, d.name, d.name_en "
        "FROM {certificate} c "
        "JOIN {organisation} s ON s.id = c.society_id "
        "JOIN {grade} g ON g.id = c.grade_id "
        "LEFT JOIN {discipline} d ON d.id = c.discipline_id "
        "WHERE c.number = %s"
    ).format(**tables)


LOOKUP_SQL = _lookup_sql()


def _lookup_cursor() -> CursorWrapper:
    """On PostgreSQL a cursor that binds on the server, so that the lookup is prepared once per
    connection (settings: ``prepare_threshold``) instead of planned on every request: planning
    the four-table join cost PostgreSQL more than running it. Elsewhere the usual cursor."""
    if connection.vendor != "postgresql":
        return connection.cursor()
    from django.db.backends.postgresql.base import ServerBindingCursor  # type: ignore[attr-defined]

    connection.ensure_connection()
    raw = ServerBindingCursor(connection.connection)
    return connection.make_debug_cursor(raw) if connection.queries_logged else connection.make_cursor(raw)


# The attribute of Django's connection (one per thread) that keeps the lookup's cursor.
KEPT_CURSOR = "_engcert_lookup_cursor"


def _lookup_row_kept_cursor(number: str) -> tuple[Any, ...] | None:
    """The lookup on one server-binding cursor kept per PostgreSQL connection: making a psycopg
    cursor and Django's wrapper around it on every request cost about half the lookup's time in
    Python. Without Django's wrapper: its query log, execute wrappers and broken-transaction
    check serve nobody outside a transaction, so `_lookup_row` takes the usual path when queries
    are logged, wrapped or in a transaction; database errors are still raised as Django's. A
    cursor is used only on the connection it was made on."""
    from django.db.backends.postgresql.base import ServerBindingCursor  # type: ignore[attr-defined]

    connection.ensure_connection()
    raw_connection = connection.connection
    with connection.wrap_database_errors:
        cursor = getattr(connection, KEPT_CURSOR, None)
        if cursor is None or cursor.connection is not raw_connection or cursor.closed:
            cursor = ServerBindingCursor(raw_connection)
            setattr(connection, KEPT_CURSOR, cursor)
        cursor.execute(LOOKUP_SQL, [number])
        row = cursor.fetchone()
    return tuple(row) if row is not None else None


def _lookup_row(number: str) -> tuple[Any, ...] | None:
    if (
        connection.vendor == "postgresql"
        and not connection.queries_logged
        and not connection.execute_wrappers
        and not connection.in_atomic_block
    ):
        return _lookup_row_kept_cursor(number)
    with _lookup_cursor() as cursor:
        cursor.execute(LOOKUP_SQL, [number])
        row = cursor.fetchone()
    return tuple(row) if row is not None else None


def _lookup_row_retrying(number: str) -> tuple[Any, ...] | None:
    """The lookup without the round trip of Django's connection health check, which cost as
    much as the lookup itself: when a kept connection turns out to be dead (PostgreSQL
    restarted, a proxy dropped it), the lookup, being a read, simply runs again on a new one."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        # Inside a transaction a lost connection loses the transaction: nothing to retry.
        return _lookup_row(number)
    try:
        return _lookup_row(number)
    except (InterfaceError, OperationalError):
        connection.close()
        return _lookup_row(number)


def certificate_public_get(*, number: str) -> PublicCertificate | None:
    """The certificate with this number, as the public page shows it; one query on the unique
    index of the number. Written as SQL: the ORM's compilation of the same query costs several
    times the query itself, on the page the public reads most."""
    number = (number or "").strip()
    # A NUL can be in no number, and PostgreSQL refuses it in a query (a server error otherwise).
    if not number or len(number) > MAX_NUMBER_CHARS or "\x00" in number:
        return None
    row = _lookup_row_retrying(number)
    if row is None:
        return None
    values = list(row)
    # SQLite hands back text for dates and times; PostgreSQL typed values.
    for index, parse in ((4, _date), (5, _date), (8, _moment)):
        values[index] = parse(values[index])
    values[16] = values[16] or ""
    values[17] = values[17] or ""
    return PublicCertificate(*values)


def _date(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _moment(value: object) -> datetime | None:
    if value is None:
        return None
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    # Stored in UTC; SQLite's values come back without the zone.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


# --- Throttling ----------------------------------------------------------------------------


def lookups_per_minute() -> int:
    return int(getattr(settings, "ENGCERT_VERIFY_LOOKUPS_PER_IP_PER_MINUTE", DEFAULT_LOOKUPS_PER_MINUTE))


def _throttle_key(request: HttpRequest) -> str:
    # Read twice for an unknown number (its lookup, then the rest of its weight): the address is
    # worked out once.
    address: str | None = getattr(request, "_engcert_verify_address", None)
    if address is None:
        address = hashlib.sha256(client_ip(request).encode()).hexdigest()[:32]
        request._engcert_verify_address = address  # type: ignore[attr-defined]
    return f"certificates:verify:{address}:{int(time.time() // WINDOW_SECONDS)}"


def _counter_add(key: str, amount: int, *, timeout: int) -> int:
    """Add to a counter in the shared cache and return its new value, creating it with the
    timeout when absent. On Redis one round trip (Django's `incr` asks whether the key exists
    first, and an `add` before it makes three); elsewhere an increment, or an add when absent."""
    backend = caches[DEFAULT_CACHE_ALIAS]
    if isinstance(backend, RedisCache):
        name = backend.make_and_validate_key(key)
        client = backend._cache.get_client(name, write=True)  # type: ignore[attr-defined]
        pipeline = client.pipeline(transaction=False)
        pipeline.incrby(name, amount)
        pipeline.expire(name, timeout, nx=True)
        count, _expiry_set = pipeline.execute()
        return int(count)
    try:
        return int(backend.incr(key, amount))
    except ValueError:
        if backend.add(key, amount, timeout=timeout):
            return amount
        # Another process started the window's counter in between.
        return int(backend.incr(key, amount))


def verify_lookup_allowed(request: HttpRequest) -> bool:
    """Count one lookup from this address (before looking up, in one cache operation) and say
    whether it is within the minute's limit. A refused lookup counts too, which changes nothing:
    the address is refused until the minute ends either way."""
    count = _counter_add(_throttle_key(request), 1, timeout=WINDOW_SECONDS * 2)
    return count <= lookups_per_minute()


def verify_unknown_count(request: HttpRequest) -> None:
    """An unknown number costs tenfold: the rest of its weight, after its lookup found nothing."""
    _counter_add(_throttle_key(request), UNKNOWN_WEIGHT - 1, timeout=WINDOW_SECONDS * 2)


def retry_after_seconds() -> int:
    return WINDOW_SECONDS - int(time.time()) % WINDOW_SECONDS


# --- What the page and the API say -------------------------------------------------------


@dataclass(frozen=True)
class PayloadCheck:
    """What the QR code's signed data says about the certificate on record."""

    genuine: bool
    matches: bool
    message: str
    mismatched: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.genuine and self.matches


def _claim_label(key: str) -> str:
    labels = {
        "n": _("certificate number"),
        "nm": _("name"),
        "g": _("grade"),
        "d": _("professional field"),
        "s": _("society"),
        "vf": _("valid from"),
        "vu": _("valid until"),
    }
    return labels[key]


def public_claims(certificate: PublicCertificate) -> dict[str, str]:
    """The claims of the public record, to compare with a QR code's."""
    return payload_claims(
        number=certificate.number,
        full_name=certificate.full_name,
        grade_code=certificate.grade_code,
        discipline_name=certificate.discipline_name,
        society_code=certificate.society_code,
        valid_from=certificate.valid_from,
        valid_until=certificate.valid_until,
    )


def payload_check(*, token: str, certificate: PublicCertificate) -> PayloadCheck:
    """Check the QR code's token and compare what it says with the certificate on record."""
    if len(token) > MAX_TOKEN_CHARS:
        return PayloadCheck(False, False, _("The QR code's data is damaged."))
    try:
        verified = payload_verify(token)
    except PayloadError as error:
        return PayloadCheck(False, False, str(error))
    on_record = public_claims(certificate)
    mismatched = tuple(key for key in CLAIM_KEYS if verified.claims[key] != on_record[key])
    if verified.society_code != on_record["s"]:
        mismatched = (*mismatched, "s") if "s" not in mismatched else mismatched
    if mismatched:
        fields = ", ".join(_claim_label(key) for key in mismatched)
        return PayloadCheck(
            True,
            False,
            _(
                "The QR code was signed by a society of engcert, but it does not match this "
                "certificate in the register (different: %(fields)s)."
            )
            % {"fields": fields},
            mismatched,
        )
    return PayloadCheck(
        True, True, _("The QR code is genuine: signed by the society, and it matches the register.")
    )


def status_sentence(certificate: PublicCertificate | Certificate, *, today: date | None = None) -> str:
    """The status in plain words, as the page's headline says it."""
    status = certificate.effective_status(today or timezone.localdate())
    changed = certificate.status_changed_at
    changed_on = timezone.localtime(changed).date().isoformat() if changed else ""
    if status == CertificateStatus.VALID:
        return _("This certificate is valid until %(date)s.") % {"date": certificate.valid_until.isoformat()}
    if status == CertificateStatus.EXPIRED:
        return _("This certificate expired on %(date)s: it is no longer valid.") % {
            "date": certificate.valid_until.isoformat()
        }
    if status == CertificateStatus.SUSPENDED:
        if changed_on:
            return _("This certificate was suspended on %(date)s: it is not valid while suspended.") % {
                "date": changed_on
            }
        return _("This certificate is suspended: it is not valid while suspended.")
    if changed_on:
        return _("This certificate was revoked on %(date)s: it is no longer valid.") % {"date": changed_on}
    return _("This certificate was revoked: it is no longer valid.")
