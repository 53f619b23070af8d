from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

import pytest
from django.core.exceptions import FieldError
from django.db import connection, models
from django.test.utils import isolate_apps

from engcert.privacy.crypto import decrypt
from engcert.privacy.fields import EncryptedTextField

# An isolated registry, so the project's migration check never expects a table for it.
with isolate_apps("engcert.privacy"):

    class SecretHolder(models.Model):
        secret = EncryptedTextField(null=True, blank=True)
        objects: ClassVar[models.Manager[SecretHolder]] = models.Manager()

        class Meta:
            app_label = "privacy"


@pytest.fixture
def holder_table(transactional_db: None) -> Iterator[None]:
    with connection.schema_editor() as editor:
        editor.create_model(SecretHolder)
    yield
    with connection.schema_editor() as editor:
        editor.delete_model(SecretHolder)


def stored_value(pk: int) -> str | None:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT secret FROM {SecretHolder._meta.db_table} WHERE id = %s", [pk])
        row = cursor.fetchone()
    assert row is not None
    value: str | None = row[0]
    return value


def test_the_value_is_encrypted_in_the_database_and_plain_on_the_model(
    holder_table: None,
) -> None:
    saved = SecretHolder.objects.create(secret="11010519491231002X 张三")

    raw = stored_value(saved.pk)
    loaded = SecretHolder.objects.get(pk=saved.pk)

    assert raw is not None
    assert raw.startswith("v1:dev:")
    assert decrypt(raw) == "11010519491231002X 张三"
    assert loaded.secret == "11010519491231002X 张三"


@pytest.mark.parametrize("value", [None, ""])
def test_none_and_empty_text_are_stored_unchanged_and_can_be_filtered(
    holder_table: None, value: str | None
) -> None:
    saved = SecretHolder.objects.create(secret=value)

    assert stored_value(saved.pk) == value
    assert list(SecretHolder.objects.filter(secret=value)) == [saved]
    assert SecretHolder.objects.get(pk=saved.pk).secret == value


def test_isnull_lookups_work(holder_table: None) -> None:
    empty = SecretHolder.objects.create(secret=None)
    full = SecretHolder.objects.create(secret="E12345678")

    assert list(SecretHolder.objects.filter(secret__isnull=True)) == [empty]
    assert list(SecretHolder.objects.filter(secret__isnull=False)) == [full]


def test_an_exact_lookup_on_a_value_raises_a_clear_error() -> None:
    with pytest.raises(FieldError) as excinfo:
        SecretHolder.objects.filter(secret="E12345678")

    assert str(excinfo.value) == (
        "privacy.SecretHolder.secret is encrypted and cannot be searched with 'exact': "
        "only isnull works (and exact against None or ''). "
        "Search through its blind-index field instead."
    )


@pytest.mark.parametrize("lookup", ["secret__icontains", "secret__in", "secret__lower"])
def test_other_lookups_raise_a_clear_error(lookup: str) -> None:
    with pytest.raises(FieldError) as excinfo:
        SecretHolder.objects.filter(**{lookup: "E12345678"})

    assert "is encrypted and cannot be searched" in str(excinfo.value)


def test_the_field_deconstructs_to_its_import_path_and_options() -> None:
    field = EncryptedTextField(null=True, blank=True)

    _name, path, args, kwargs = field.deconstruct()

    assert (path, args, kwargs) == (
        "engcert.privacy.fields.EncryptedTextField",
        [],
        {"null": True, "blank": True},
    )
