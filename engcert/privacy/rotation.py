"""Re-encrypting stored values under the newest field key (`manage.py rotate_keys`).

Every `EncryptedTextField` of every installed model is found through the app registry. Rows
are read as raw tokens (a cast to plain text skips the field's decryption), a batch at a time in
primary-key order, each batch in its own transaction. A row is rewritten only if its token is
still the one that was read (a conditional update), so a value someone saved meanwhile is never
overwritten with an older one; on PostgreSQL rows another transaction holds locked are skipped
(`select_for_update(skip_locked=True)`) and left for the next pass. Because every key in
`ENGCERT_FIELD_KEYS` still decrypts, the application keeps serving reads and writes throughout;
an interrupted run is resumed by running the command again (finished rows no longer match).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.apps import apps
from django.db import models, transaction
from django.db.models.functions import Cast

from engcert.privacy import crypto
from engcert.privacy.fields import EncryptedTextField

BATCH_SIZE = 500
_RAW = "_raw_token"


@dataclass(frozen=True)
class EncryptedColumn:
    """One encrypted field of one model."""

    model: type[models.Model]
    field_name: str

    @property
    def label(self) -> str:
        return f"{self.model._meta.label}.{self.field_name}"


@dataclass
class ColumnReport:
    """What a rotation pass found and did for one column."""

    column: EncryptedColumn
    rotated: int = 0
    changed_meanwhile: int = 0
    remaining: int = 0
    keys: Counter[str] = field(default_factory=Counter)


def encrypted_column_list() -> list[EncryptedColumn]:
    """Every concrete `EncryptedTextField` of every installed, managed model, by label."""
    columns = [
        EncryptedColumn(model, model_field.name)
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
        for model_field in model._meta.concrete_fields
        if isinstance(model_field, EncryptedTextField)
    ]
    return sorted(columns, key=lambda column: column.label)


def newest_key_id() -> str:
    return crypto.key_ids()[0]


def _raw_tokens(column: EncryptedColumn) -> models.QuerySet[models.Model]:
    """The column's non-empty tokens as stored, without decrypting them."""
    queryset: models.QuerySet[models.Model] = (
        column.model._default_manager.annotate(
            **{_RAW: Cast(column.field_name, output_field=models.TextField())}
        )
        .exclude(**{f"{_RAW}__isnull": True})
        .exclude(**{_RAW: ""})
    )
    return queryset


def _stale_tokens(column: EncryptedColumn) -> models.QuerySet[models.Model]:
    newest_prefix = f"{crypto.TOKEN_VERSION}:{newest_key_id()}:"
    return _raw_tokens(column).exclude(**{f"{_RAW}__startswith": newest_prefix})


def encrypted_column_key_counts(*, column: EncryptedColumn) -> Counter[str]:
    """How many stored values of the column each key id encrypted (unreadable tokens count
    under "?")."""
    counts: Counter[str] = Counter()
    for token in _raw_tokens(column).values_list(_RAW, flat=True).iterator(chunk_size=2000):
        counts[crypto.token_key_id(str(token)) or "?"] += 1
    return counts


def encrypted_column_stale_count(*, column: EncryptedColumn) -> int:
    """Stored values of the column not encrypted with the newest key."""
    return _stale_tokens(column).count()


def encrypted_rows_rotate(*, column: EncryptedColumn, rows: Iterable[tuple[object, str]]) -> tuple[int, int]:
    """Re-encrypt the given (primary key, token as read) rows under the newest key.

    A row whose token is no longer the one read (someone saved the field meanwhile) is left
    alone. Returns (rotated, changed meanwhile). Call inside a transaction."""
    rotated = changed = 0
    manager = column.model._default_manager
    for pk, token in rows:
        plaintext = crypto.decrypt(token)
        updated = (
            manager.filter(pk=pk)
            .annotate(**{_RAW: Cast(column.field_name, output_field=models.TextField())})
            .filter(**{_RAW: token})
            .update(**{column.field_name: plaintext})
        )
        if updated:
            rotated += 1
        else:
            changed += 1
    return rotated, changed


def encrypted_column_rotate(*, column: EncryptedColumn, batch_size: int = BATCH_SIZE) -> ColumnReport:
    """One pass over the column, a batch per transaction. Safe to interrupt and run again."""
    report = ColumnReport(column)
    for rows in _stale_batches(column, batch_size):
        with transaction.atomic():
            locked = list(
                _stale_tokens(column)
                .select_for_update(skip_locked=True, of=("self",))
                .filter(pk__in=[pk for pk, _token in rows])
                .order_by("pk")
                .values_list("pk", _RAW)
            )
            rotated, changed = encrypted_rows_rotate(
                column=column, rows=[(pk, str(token)) for pk, token in locked]
            )
        report.rotated += rotated
        report.changed_meanwhile += changed
    report.remaining = encrypted_column_stale_count(column=column)
    report.keys = encrypted_column_key_counts(column=column)
    return report


def _stale_batches(column: EncryptedColumn, batch_size: int) -> Iterator[list[tuple[object, str]]]:
    """Batches of stale rows in primary-key order, each read after the previous one was written."""
    last_pk: object = None
    while True:
        queryset = _stale_tokens(column).order_by("pk")
        if last_pk is not None:
            queryset = queryset.filter(pk__gt=last_pk)
        rows = [(pk, str(token)) for pk, token in queryset.values_list("pk", _RAW)[:batch_size]]
        if not rows:
            return
        yield rows
        last_pk = rows[-1][0]
