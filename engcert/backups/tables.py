"""Reading and writing whole tables exactly as the database holds them.

Rows are copied as raw column values, below the ORM: encrypted identity numbers stay encrypted
in the backup, and nothing (a default, a `save()` override, a field's conversion) can alter a
value on its way out or back in. PostgreSQL uses COPY in its text format, which round-trips
every type it has; SQLite holds only integers, reals, text, blobs and NULL, written as JSON lines
(blobs as base64).

Foreign keys are created DEFERRABLE INITIALLY DEFERRED on both databases, so tables can be
emptied and filled in any order inside one transaction and are checked when it commits.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterable, Iterator
from typing import IO, Any, Protocol

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

_SQLITE_BATCH = 1000
_COPY_CHUNK = 1 << 16


class Writable(Protocol):
    def write(self, data: bytes, /) -> int: ...


def table_names() -> list[str]:
    """Every table of an engcert model, auto-created many-to-many tables included."""
    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
    names = {
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy and model._meta.db_table in existing
    }
    return sorted(names)


def table_columns(table: str) -> list[str]:
    with connection.cursor() as cursor:
        return [column.name for column in connection.introspection.get_table_description(cursor, table)]


def applied_migrations() -> list[str]:
    return sorted(f"{app}.{name}" for app, name in MigrationRecorder(connection).applied_migrations())


def table_dump(*, table: str, columns: list[str], out: Writable) -> int:
    """Write every row of `table` to `out`; returns the number of rows."""
    if connection.vendor == "postgresql":
        return _postgres_dump(table, columns, out)
    return _sqlite_dump(table, columns, out)


def table_load(*, table: str, columns: list[str], source: IO[bytes]) -> int:
    """Insert the rows `table_dump` wrote into the (emptied) table; returns the number of rows."""
    if connection.vendor == "postgresql":
        return _postgres_load(table, columns, source)
    return _sqlite_load(table, columns, source)


def tables_empty(tables: Iterable[str]) -> None:
    quoted = [connection.ops.quote_name(table) for table in tables]
    if not quoted:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # TRUNCATE refuses tables with foreign-key checks still pending in this transaction:
            # run those checks now, then defer them again for the rows about to be loaded.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("TRUNCATE " + ", ".join(quoted))
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        else:
            for name in quoted:
                cursor.execute(f"DELETE FROM {name}")  # noqa: S608 -- a quoted table name


def sequences_reset() -> None:
    """Point every id sequence past the restored rows, so new rows get fresh ids."""
    models = list(apps.get_models(include_auto_created=True))
    statements = connection.ops.sequence_reset_sql(no_style(), models)
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def table_digest(table: str, columns: list[str]) -> str:
    """A SHA-256 over the table's rows, independent of their order: two tables with the same
    digest hold the same rows."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {_select_list(columns)} FROM {connection.ops.quote_name(table)}")  # noqa: S608
        rows = sorted(repr(tuple(_comparable(value) for value in row)) for row in cursor.fetchall())
    digest = hashlib.sha256()
    for row in rows:
        digest.update(row.encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()


def _select_list(columns: list[str]) -> str:
    """The columns to SELECT. On SQLite each is read as `+column`: a no-op on every value, but an
    expression has no declared type, so Django's converters (dates, booleans, decimals) leave the
    stored value as it is."""
    prefix = "+" if connection.vendor == "sqlite" else ""
    return ", ".join(prefix + connection.ops.quote_name(column) for column in columns)


def _comparable(value: Any) -> Any:
    if isinstance(value, memoryview):
        return bytes(value)
    return value


def _copy_sql(table: str, columns: list[str], direction: str) -> str:
    column_list = ", ".join(connection.ops.quote_name(column) for column in columns)
    return f"COPY {connection.ops.quote_name(table)} ({column_list}) {direction}"


def _postgres_dump(table: str, columns: list[str], out: Writable) -> int:
    rows = 0
    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(_copy_sql(table, columns, "TO STDOUT")) as copy:
            for chunk in copy:
                data = bytes(chunk)
                rows += data.count(b"\n")
                out.write(data)
    return rows


def _postgres_load(table: str, columns: list[str], source: IO[bytes]) -> int:
    rows = 0
    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(_copy_sql(table, columns, "FROM STDIN")) as copy:
            while chunk := source.read(_COPY_CHUNK):
                rows += chunk.count(b"\n")
                copy.write(chunk)
    return rows


def _sqlite_dump(table: str, columns: list[str], out: Writable) -> int:
    rows = 0
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {_select_list(columns)} FROM {connection.ops.quote_name(table)}")  # noqa: S608
        while batch := cursor.fetchmany(_SQLITE_BATCH):
            for row in batch:
                out.write(json.dumps([_to_json(value) for value in row], ensure_ascii=False).encode("utf-8"))
                out.write(b"\n")
                rows += 1
    return rows


def _sqlite_load(table: str, columns: list[str], source: IO[bytes]) -> int:
    column_list = ", ".join(connection.ops.quote_name(column) for column in columns)
    placeholders = ", ".join("%s" for _ in columns)
    statement = f"INSERT INTO {connection.ops.quote_name(table)} ({column_list}) VALUES ({placeholders})"  # noqa: S608
    rows = 0
    with connection.cursor() as cursor:
        for batch in _batches(_sqlite_rows(source)):
            cursor.executemany(statement, batch)
            rows += len(batch)
    return rows


def _sqlite_rows(source: IO[bytes]) -> Iterator[list[Any]]:
    for line in source:
        if line.strip():
            yield [_from_json(value) for value in json.loads(line)]


def _batches(rows: Iterator[list[Any]]) -> Iterator[list[list[Any]]]:
    batch: list[list[Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == _SQLITE_BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _to_json(value: Any) -> Any:
    if isinstance(value, bytes | memoryview):
        return {"b64": base64.b64encode(bytes(value)).decode("ascii")}
    return value


def _from_json(value: Any) -> Any:
    if isinstance(value, dict):
        return base64.b64decode(value["b64"])
    return value
