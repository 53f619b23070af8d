"""Model fields that store their value encrypted (see `engcert.privacy.crypto`)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import FieldError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Expression, TextField
from django.db.models.lookups import Exact, Lookup, Transform

from engcert.privacy import crypto

_NOT_SEARCHABLE = (
    "{field} is encrypted and cannot be searched with '{lookup}': only isnull works "
    "(and exact against None or ''). Search through its blind-index field instead."
)


class _EmptyOnlyExact(Exact[Any]):
    """`field=None` / `field=""` still work: those values are stored unencrypted."""

    def get_prep_lookup(self) -> Any:
        if self.rhs is None or (isinstance(self.rhs, str) and self.rhs == ""):
            return super().get_prep_lookup()
        raise FieldError(_NOT_SEARCHABLE.format(field=_field_label(self.lhs), lookup="exact"))


class EncryptedTextField(TextField):  # type: ignore[type-arg]
    """Text encrypted with AES-256-GCM before it reaches the database.

    None and "" are stored as they are. Each save writes a new ciphertext, so the column
    cannot be filtered, ordered meaningfully or made unique: pair it with a blind-index
    column (`crypto.blind_index`) for searching and de-duplication.
    """

    description = "Text encrypted with the engcert field key ring"

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt(value)

    def from_db_value(
        self, value: str | None, expression: Expression, connection: BaseDatabaseWrapper
    ) -> str | None:
        if value is None or value == "":
            return value
        return crypto.decrypt(value)

    def get_lookup(self, lookup_name: str) -> type[Lookup[Any]] | None:
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        if lookup_name == "exact":
            return _EmptyOnlyExact
        raise FieldError(_NOT_SEARCHABLE.format(field=_field_label(self), lookup=lookup_name))

    def get_transform(self, lookup_name: str) -> type[Transform] | None:
        raise FieldError(_NOT_SEARCHABLE.format(field=_field_label(self), lookup=lookup_name))


def _field_label(field_or_expression: Any) -> str:
    field = getattr(field_or_expression, "target", field_or_expression)
    model = getattr(field, "model", None)
    name = getattr(field, "name", None) or "This field"
    return f"{model._meta.label}.{name}" if model is not None else str(name)
