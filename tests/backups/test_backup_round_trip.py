"""A backup brings back every table and every file exactly, and a restore that cannot be done
changes nothing."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import re
import tarfile
import zlib
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection

from engcert.accounts.models import User
from engcert.applications.models import Application
from engcert.backups import tables
from engcert.backups.domain import BackupError, backup_create, backup_inspect, backup_restore
from engcert.certificates.domain import certificate_issue
from engcert.certificates.models import Certificate
from engcert.privacy import crypto
from tests.certificates.issue_helpers import registered_members
from tests.conftest import World

FIELD_KEY = "k1:" + "A" * 43 + "="
OTHER_FIELD_KEY = "k2:" + "B" * 43 + "="


def database_digests() -> dict[str, str]:
    return {table: tables.table_digest(table, tables.table_columns(table)) for table in tables.table_names()}


def stored_files() -> dict[str, str]:
    found: dict[str, str] = {}

    def walk(folder: str) -> None:
        try:
            folders, files = default_storage.listdir(folder)
        except FileNotFoundError:
            return
        for name in files:
            path = f"{folder}/{name}" if folder else name
            with default_storage.open(path, "rb") as stored:
                found[path] = hashlib.sha256(stored.read()).hexdigest()
        for sub in folders:
            walk(f"{folder}/{sub}" if folder else sub)

    walk("")
    return found


@pytest.fixture
def populated(world: World, complete_draft: Application) -> World:
    """A draft with its uploads and encrypted identity number, and a registered member with an
    issued certificate (its signed PDF is in storage)."""
    certificate_issue(registration=registered_members(world, 1, first_index=1)[0], by=world.staff)
    assert Certificate.objects.count() == 1
    return world


@pytest.mark.django_db
def test_restore_brings_back_every_table_and_every_file(populated: World, tmp_path: Path) -> None:
    digests_before = database_digests()
    files_before = stored_files()
    assert len(files_before) >= 2  # the draft's upload and the certificate's PDF
    assert sum(1 for digest in digests_before.values() if digest) == len(digests_before)
    archive = tmp_path / "engcert.tar.gz"

    summary = backup_create(path=archive)

    assert summary.files == len(files_before)
    assert summary.tables == len(digests_before)
    # Everything changes after the backup: a new person, an edited name, a lost and a stray file.
    User.objects.create_user(email="later@example.com", password="x")
    User.objects.filter(pk=populated.applicant.pk).update(full_name="改过的名字")
    lost = next(name for name in files_before if name.endswith(".pdf"))
    default_storage.delete(lost)
    default_storage.save("stray/later.txt", ContentFile(b"written after the backup"))

    result = backup_restore(path=archive, delete_other_files=True)

    assert database_digests() == digests_before
    assert stored_files() == files_before
    assert result.rows == summary.rows
    assert result.files_written == 1
    assert result.files_unchanged == len(files_before) - 1
    assert result.other_files == ["stray/later.txt"]


@pytest.mark.django_db
def test_restored_data_reads_back_decrypted_and_new_rows_get_fresh_ids(
    populated: World, complete_draft: Application, tmp_path: Path
) -> None:
    id_number = complete_draft.id_number  # type: ignore[attr-defined]
    archive = tmp_path / "engcert.tar.gz"
    backup_create(path=archive)
    Application.objects.filter(pk=complete_draft.pk).update(id_number="110101198503140011")

    backup_restore(path=archive)

    restored = Application.objects.get(pk=complete_draft.pk)
    assert restored.id_number == id_number  # type: ignore[attr-defined]
    newest = User.objects.order_by("-pk").first()
    assert newest is not None
    later = User.objects.create_user(email="after-restore@example.com", password="x")
    assert later.pk > newest.pk


@pytest.mark.django_db
def test_stored_files_not_in_the_backup_are_kept_unless_asked(populated: World, tmp_path: Path) -> None:
    archive = tmp_path / "engcert.tar.gz"
    backup_create(path=archive)
    default_storage.save("stray/later.txt", ContentFile(b"written after the backup"))

    result = backup_restore(path=archive)

    assert result.other_files == ["stray/later.txt"]
    assert result.other_files_deleted is False
    assert default_storage.exists("stray/later.txt")


@pytest.mark.django_db
def test_backup_keeps_identity_numbers_encrypted(complete_draft: Application, tmp_path: Path) -> None:
    archive = tmp_path / "engcert.tar.gz"
    id_number = complete_draft.id_number  # type: ignore[attr-defined]
    assert id_number

    backup_create(path=archive)

    with tarfile.open(archive, "r:gz") as opened:
        everything = b"".join(
            opened.extractfile(member).read()  # type: ignore[union-attr]
            for member in opened.getmembers()
            if member.isfile()
        )
    assert id_number.encode() not in everything
    assert b"v1:dev:" in everything


def _rewrite(archive: Path, target: Path, *, change: dict[str, bytes | None]) -> None:
    """Copy a backup, replacing (or dropping, with None) the named members."""
    with tarfile.open(archive, "r:gz") as source, tarfile.open(target, "w:gz") as out:
        for member in source.getmembers():
            data = source.extractfile(member).read()  # type: ignore[union-attr]
            if member.name in change:
                replacement = change[member.name]
                if replacement is None:
                    continue
                data = replacement
            info = tarfile.TarInfo(member.name)
            info.size = len(data)
            out.addfile(info, io.BytesIO(data))


@pytest.mark.django_db
def test_damaged_backup_is_refused_before_anything_changes(populated: World, tmp_path: Path) -> None:
    archive = tmp_path / "engcert.tar.gz"
    backup_create(path=archive)
    damaged = tmp_path / "damaged.tar.gz"
    _rewrite(archive, damaged, change={"database/accounts_user": b"[]\n"})
    User.objects.create_user(email="later@example.com", password="x")
    digests = database_digests()

    with pytest.raises(BackupError, match="database/accounts_user does not match its checksum"):
        backup_restore(path=damaged)

    assert database_digests() == digests


@pytest.mark.django_db
def test_backup_missing_a_member_is_refused(populated: World, tmp_path: Path) -> None:
    archive = tmp_path / "engcert.tar.gz"
    backup_create(path=archive)
    truncated = tmp_path / "truncated.tar.gz"
    _rewrite(archive, truncated, change={"database/accounts_user": None})

    with pytest.raises(BackupError, match="incomplete: database/accounts_user is missing"):
        backup_inspect(path=truncated)


def _damage_compressed_block(tar: bytes, member: tarfile.TarInfo) -> bytes:
    """The archive compressed again with a deflate block starting halfway through `member`'s
    data, and that block's header made invalid: what a bad sector does to a compressed stream."""
    halfway = member.offset_data + member.size // 2
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    head = compressor.compress(tar[:halfway]) + compressor.flush(zlib.Z_FULL_FLUSH)
    tail = compressor.compress(tar[halfway:]) + compressor.flush()
    return head + bytes([0x07]) + tail[1:]  # block type 3 does not exist


def _damage_member_header(tar: bytes, member: tarfile.TarInfo) -> bytes:
    """The archive with `member`'s header garbled (its checksum no longer matches)."""
    damaged = bytearray(tar)
    damaged[member.offset + 148 : member.offset + 156] = b"garbage!"
    return gzip.compress(bytes(damaged))


@pytest.mark.django_db
def test_restore_check_refuses_an_archive_damaged_on_disk(tmp_path: Path) -> None:
    archive = tmp_path / "engcert.tar.gz"
    backup_create(path=archive)
    tar = gzip.decompress(archive.read_bytes())
    with tarfile.open(fileobj=io.BytesIO(tar), mode="r:") as opened:
        largest = max(opened.getmembers(), key=lambda member: member.size)
    bad_block, bad_header = tmp_path / "bad-block.tar.gz", tmp_path / "bad-header.tar.gz"
    bad_block.write_bytes(_damage_compressed_block(tar, largest))
    bad_header.write_bytes(_damage_member_header(tar, largest))

    with pytest.raises(CommandError, match=re.escape("The backup is damaged: its manifest cannot be read.")):
        call_command("restore", str(bad_block), "--check")
    with pytest.raises(CommandError, match="The backup is damaged or cut short: its manifest, the last part"):
        call_command("restore", str(bad_header), "--check")


@pytest.mark.django_db
def test_a_file_that_is_not_a_backup_is_refused(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.tar.gz"
    bogus.write_bytes(b"not an archive at all")

    with pytest.raises(BackupError, match="not an engcert backup"):
        backup_inspect(path=bogus)


@pytest.mark.django_db
def test_backup_from_other_migrations_is_refused(populated: World, tmp_path: Path) -> None:
    archive = tmp_path / "engcert.tar.gz"
    backup_create(path=archive)
    with tarfile.open(archive, "r:gz") as opened:
        manifest = json.loads(opened.extractfile("manifest.json").read())  # type: ignore[union-attr]
    manifest["migrations"].append("applications.9999_from_the_future")
    newer = tmp_path / "newer.tar.gz"
    _rewrite(archive, newer, change={"manifest.json": json.dumps(manifest).encode()})
    digests = database_digests()

    with pytest.raises(BackupError, match=r"not applied here: applications\.9999_from_the_future"):
        backup_restore(path=newer)

    assert database_digests() == digests


@pytest.fixture
def k1_keys(settings: object) -> None:
    settings.ENGCERT_FIELD_KEYS = [FIELD_KEY]  # type: ignore[attr-defined]


@pytest.fixture
def k2_and_k1_keys(settings: object) -> None:
    settings.ENGCERT_FIELD_KEYS = [OTHER_FIELD_KEY, FIELD_KEY]  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_restore_without_the_key_that_encrypted_the_data_is_refused(
    k1_keys: None, complete_draft: Application, tmp_path: Path, settings: object
) -> None:
    archive = tmp_path / "engcert.tar.gz"
    backup_create(path=archive)
    settings.ENGCERT_FIELD_KEYS = [OTHER_FIELD_KEY]  # type: ignore[attr-defined]
    digests = database_digests()

    with pytest.raises(BackupError, match=r"encrypted with key k1 .* not in ENGCERT_FIELD_KEYS"):
        backup_restore(path=archive)

    assert database_digests() == digests
    settings.ENGCERT_FIELD_KEYS = [OTHER_FIELD_KEY, FIELD_KEY]  # type: ignore[attr-defined]
    backup_restore(path=archive)
    assert Application.objects.get(pk=complete_draft.pk).id_number == complete_draft.id_number  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_backup_records_only_the_field_keys_in_use(
    k2_and_k1_keys: None, complete_draft: Application, tmp_path: Path
) -> None:
    archive = tmp_path / "engcert.tar.gz"
    backup_create(path=archive)

    manifest = backup_inspect(path=archive)

    in_use = [key["id"] for key in manifest["keys"]["field_keys"]]
    assert "k2" in in_use
    assert "k1" not in in_use
    assert manifest["keys"]["index_key_sha256"] == crypto.key_fingerprints()["index_key_sha256"]


@pytest.mark.django_db
def test_restore_warns_when_a_societys_signing_key_is_not_in_place(
    populated: World, tmp_path: Path, settings: object
) -> None:
    archive = tmp_path / "engcert.tar.gz"
    backup_create(path=archive)
    settings.ENGCERT_SIGNING_DIR = tmp_path / "empty-signing"  # type: ignore[attr-defined]

    result = backup_restore(path=archive)

    society = populated.society.code.lower()
    assert any(f"Society {society} signed with ed25519.pem" in warning for warning in result.warnings)


@pytest.mark.django_db
def test_backup_and_restore_commands_round_trip(populated: World, tmp_path: Path) -> None:
    archive = tmp_path / "nightly.tar.gz"
    out = io.StringIO()
    call_command("backup", "--output", str(archive), stdout=out)
    assert f"to {archive}" in out.getvalue()
    assert oct(archive.stat().st_mode & 0o777) == "0o600"
    digests = database_digests()
    User.objects.create_user(email="later@example.com", password="x")

    checked = io.StringIO()
    call_command("restore", str(archive), "--check", stdout=checked)
    assert "every checksum matches" in checked.getvalue()
    assert User.objects.filter(email="later@example.com").exists()

    restored = io.StringIO()
    call_command("restore", str(archive), "--no-input", stdout=restored, stderr=io.StringIO())
    assert database_digests() == digests
    assert "Restored" in restored.getvalue()


@pytest.mark.django_db
def test_backup_command_refuses_to_overwrite_an_archive(tmp_path: Path) -> None:
    archive = tmp_path / "exists.tar.gz"
    archive.write_bytes(b"an earlier backup")

    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", "--output", str(archive))

    assert archive.read_bytes() == b"an earlier backup"


@pytest.mark.django_db
def test_restore_command_without_confirmation_changes_nothing(
    populated: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive = tmp_path / "engcert.tar.gz"
    call_command("backup", "--output", str(archive), stdout=io.StringIO())
    User.objects.create_user(email="later@example.com", password="x")
    monkeypatch.setattr("builtins.input", lambda prompt: "not the database name")

    with pytest.raises(CommandError, match="Nothing was changed"):
        call_command("restore", str(archive), stdout=io.StringIO())

    assert User.objects.filter(email="later@example.com").exists()


@pytest.mark.django_db
def test_every_model_table_is_in_the_backup(db: None) -> None:
    from django.apps import apps

    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
    expected = {
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.db_table in existing
    }

    assert set(tables.table_names()) == expected
    assert "django_migrations" not in tables.table_names()
