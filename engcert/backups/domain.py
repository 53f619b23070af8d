"""Backups of a whole engcert installation, and restoring them.

A backup is one tar.gz archive:
- `database/<table>`: every row of every table, as the database holds it (see `tables`);
- `files/<name>`: every file in the default storage (uploads, certificates), read and written
  through Django's storage API, so the same commands work with a local folder or an
  S3-compatible store;
- `manifest.json` (the last member): the format version, the database engine, the applied
  migrations, each table's columns, row count and SHA-256, each file's size and SHA-256, and
  the fingerprints of the keys the data need: the field-encryption keys that encrypted
  identity numbers, the blind-index key, and each society's signing keys. Keys themselves
  are never written to a backup.

Restoring checks everything before it changes anything: the archive is complete and every
member matches its checksum, the database is at the same migrations, and the keys that can
read the data are configured. Then it writes the files and replaces the whole database in one
transaction: if anything fails, the database is as it was.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import posixpath
import tarfile
import tempfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519
from django.apps import apps
from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import Storage, default_storage
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from engcert.backups import tables
from engcert.certificates.keys import key_id_for
from engcert.privacy import crypto
from engcert.privacy.fields import EncryptedTextField

FORMAT = "engcert-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
_CHUNK = 1 << 20
# What reading a damaged archive raises: tarfile's and gzip's errors, and zlib's own, which
# tarfile passes on as they are when a damaged block is met while skipping or reading a member.
_UNREADABLE = (tarfile.TarError, OSError, EOFError, zlib.error)


class BackupError(Exception):
    """A backup cannot be made or restored; the message says why and what to do."""


@dataclass
class BackupSummary:
    path: Path
    tables: int
    rows: int
    files: int
    file_bytes: int


@dataclass
class RestoreSummary:
    tables: int
    rows: int
    files_written: int
    files_unchanged: int
    other_files: list[str] = field(default_factory=list)
    other_files_deleted: bool = False
    warnings: list[str] = field(default_factory=list)


# Making a backup


def backup_create(*, path: Path, storage: Storage | None = None) -> BackupSummary:
    """Write a backup of the database and the stored files to `path` (created with mode 0600:
    it holds personal data)."""
    storage = storage or default_storage
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as archive:
            with _consistent_snapshot():
                table_entries = [_add_table(archive, table) for table in tables.table_names()]
                migrations = tables.applied_migrations()
                keys = _keys_in_use()
            file_entries = [_add_file(archive, storage, name) for name in _storage_names(storage)]
            manifest = {
                "format": FORMAT,
                "version": FORMAT_VERSION,
                "created_at": timezone.now().isoformat(),
                "database": connection.vendor,
                "migrations": migrations,
                "tables": table_entries,
                "files": file_entries,
                "keys": keys,
            }
            _add_bytes(archive, MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8"))
        partial.replace(path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return BackupSummary(
        path=path,
        tables=len(table_entries),
        rows=sum(entry["rows"] for entry in table_entries),
        files=len(file_entries),
        file_bytes=sum(entry["size"] for entry in file_entries),
    )


@contextlib.contextmanager
def _consistent_snapshot() -> Iterator[None]:
    """All tables from one moment while the site keeps running: a repeatable-read, read-only
    transaction on PostgreSQL; on SQLite a transaction already reads one snapshot."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def _add_table(archive: tarfile.TarFile, table: str) -> dict[str, Any]:
    columns = tables.table_columns(table)
    member = f"database/{table}"
    with tempfile.TemporaryFile() as spool:
        hashing = _HashingWriter(spool)
        rows = tables.table_dump(table=table, columns=columns, out=hashing)
        spool.seek(0)
        info = tarfile.TarInfo(member)
        info.size = hashing.size
        info.mtime = int(timezone.now().timestamp())
        archive.addfile(info, spool)
    return {"name": table, "member": member, "columns": columns, "rows": rows, "sha256": hashing.hexdigest()}


def _add_file(archive: tarfile.TarFile, storage: Storage, name: str) -> dict[str, Any]:
    member = "files/" + name
    with storage.open(name, "rb") as stored, tempfile.TemporaryFile() as spool:
        hashing = _HashingWriter(spool)
        while chunk := stored.read(_CHUNK):
            hashing.write(chunk)
        spool.seek(0)
        info = tarfile.TarInfo(member)
        info.size = hashing.size
        info.mtime = int(timezone.now().timestamp())
        archive.addfile(info, spool)
    return {"name": name, "member": member, "size": hashing.size, "sha256": hashing.hexdigest()}


def _add_bytes(archive: tarfile.TarFile, member: str, data: bytes) -> None:
    info = tarfile.TarInfo(member)
    info.size = len(data)
    info.mtime = int(timezone.now().timestamp())
    with tempfile.SpooledTemporaryFile() as spool:
        spool.write(data)
        spool.seek(0)
        archive.addfile(info, spool)


def _storage_names(storage: Storage, folder: str = "") -> Iterator[str]:
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield posixpath.join(folder, name) if folder else name
    for sub in sorted(folders):
        yield from _storage_names(storage, posixpath.join(folder, sub) if folder else sub)


def _keys_in_use() -> dict[str, Any]:
    fingerprints = crypto.key_fingerprints()
    used = _field_key_ids_in_use()
    return {
        "field_keys": [key for key in fingerprints["field_keys"] if key["id"] in used],  # type: ignore[attr-defined]
        "index_key_sha256": fingerprints["index_key_sha256"],
        "signing": signing_fingerprints(),
    }


def _field_key_ids_in_use() -> set[str]:
    """The key ids of every encrypted value stored (read raw: nothing is decrypted)."""
    used: set[str] = set()
    for model in apps.get_models():
        for model_field in model._meta.concrete_fields:
            if not isinstance(model_field, EncryptedTextField):
                continue
            table = connection.ops.quote_name(model._meta.db_table)
            column = connection.ops.quote_name(model_field.column)
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT DISTINCT SUBSTR({column}, 1, 40) FROM {table} "  # noqa: S608
                    f"WHERE {column} IS NOT NULL AND {column} <> ''"
                )
                for (prefix,) in cursor.fetchall():
                    _version, _sep, rest = prefix.partition(":")
                    used.add(rest.partition(":")[0])
    return used


def signing_fingerprints() -> list[dict[str, str]]:
    """Each society's public signing material: Ed25519 key ids and certificate hashes."""
    root = Path(settings.ENGCERT_SIGNING_DIR)
    found: list[dict[str, str]] = []
    if not root.is_dir():
        return found
    for folder in sorted(path for path in root.iterdir() if path.is_dir() and not path.name.startswith(".")):
        for pem in sorted(folder.glob("*.pem")):
            if pem.name.startswith("ed25519"):
                private = serialization.load_pem_private_key(pem.read_bytes(), password=None)
                if isinstance(private, ed25519.Ed25519PrivateKey):
                    found.append(
                        {"society": folder.name, "file": pem.name, "key_id": key_id_for(private.public_key())}
                    )
            elif pem.name.endswith("cert.pem") or pem.name == "chain.pem":
                found.append(
                    {
                        "society": folder.name,
                        "file": pem.name,
                        "sha256": hashlib.sha256(pem.read_bytes()).hexdigest(),
                    }
                )
    return found


class _HashingWriter:
    def __init__(self, target: IO[bytes]) -> None:
        self._target = target
        self._digest = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> int:
        self._digest.update(data)
        self.size += len(data)
        return self._target.write(data)

    def hexdigest(self) -> str:
        return self._digest.hexdigest()


# Reading and restoring


def backup_inspect(*, path: Path) -> dict[str, Any]:
    """The manifest of a backup, after checking that every member is present and intact."""
    archive = _open(path)
    with archive:
        manifest = _manifest(archive)
        members = {member.name: member for member in archive.getmembers()}
        for entry in [*manifest["tables"], *manifest["files"]]:
            member = members.get(entry["member"])
            if member is None:
                raise BackupError(
                    _("The backup is incomplete: %(member)s is missing.") % {"member": entry["member"]}
                )
            if _member_sha256(archive, member) != entry["sha256"]:
                raise BackupError(
                    _("The backup is damaged: %(member)s does not match its checksum.")
                    % {"member": entry["member"]}
                )
    return manifest


def backup_restore(
    *,
    path: Path,
    storage: Storage | None = None,
    delete_other_files: bool = False,
    allow_key_mismatch: bool = False,
) -> RestoreSummary:
    """Replace the database and the stored files with the backup's. Everything is checked
    first; the database is replaced in one transaction."""
    storage = storage or default_storage
    manifest = backup_inspect(path=path)
    _check_compatible(manifest)
    warnings = _check_keys(manifest, allow_key_mismatch=allow_key_mismatch)
    written, unchanged = 0, 0
    with _open(path) as archive:
        for entry in manifest["files"]:
            if _file_restore(archive, storage, entry):
                written += 1
            else:
                unchanged += 1
        backup_names = {entry["name"] for entry in manifest["files"]}
        others = [name for name in _storage_names(storage) if name not in backup_names]
        if delete_other_files:
            for name in others:
                storage.delete(name)
        rows = 0
        table_names = [entry["name"] for entry in manifest["tables"]]
        with transaction.atomic():
            tables.tables_empty(table_names)
            for entry in manifest["tables"]:
                source = archive.extractfile(entry["member"])
                if source is None:
                    raise BackupError(
                        _("The backup is damaged: %(member)s is not a file.") % {"member": entry["member"]}
                    )
                with source:
                    loaded = tables.table_load(table=entry["name"], columns=entry["columns"], source=source)
                if loaded != entry["rows"]:
                    raise BackupError(
                        _(
                            "Table %(table)s held %(expected)s rows in the backup but %(loaded)s were restored."
                        )
                        % {"table": entry["name"], "expected": entry["rows"], "loaded": loaded}
                    )
                rows += loaded
            tables.sequences_reset()
    return RestoreSummary(
        tables=len(table_names),
        rows=rows,
        files_written=written,
        files_unchanged=unchanged,
        other_files=others,
        other_files_deleted=delete_other_files,
        warnings=warnings,
    )


def _open(path: Path) -> tarfile.TarFile:
    try:
        return tarfile.open(path, mode="r:gz")
    except FileNotFoundError:
        raise BackupError(_("There is no backup at %(path)s.") % {"path": path}) from None
    except _UNREADABLE:
        raise BackupError(
            _("%(path)s is not an engcert backup (not a readable tar.gz archive).") % {"path": path}
        ) from None


def _manifest(archive: tarfile.TarFile) -> dict[str, Any]:
    try:
        member = archive.getmember(MANIFEST)
        source = archive.extractfile(member)
        manifest: dict[str, Any] = json.loads(source.read()) if source else {}
    except KeyError:
        if any(name.startswith(("database/", "files/")) for name in archive.getnames()):
            # The manifest is the last member: tarfile takes a damaged member header for the
            # end of the archive, so everything after the damage seems absent.
            raise BackupError(
                _(
                    "The backup is damaged or cut short: its manifest, the last part of the archive, "
                    "cannot be reached. Restore from another copy of the backup."
                )
            ) from None
        raise BackupError(
            _("The backup has no manifest: it is incomplete or not an engcert backup.")
        ) from None
    except (*_UNREADABLE, ValueError):
        raise BackupError(_("The backup is damaged: its manifest cannot be read.")) from None
    if manifest.get("format") != FORMAT:
        raise BackupError(_("This is not an engcert backup."))
    if manifest.get("version") != FORMAT_VERSION:
        raise BackupError(
            _("This backup is in format version %(found)s; this engcert reads version %(expected)s.")
            % {"found": manifest.get("version"), "expected": FORMAT_VERSION}
        )
    return manifest


def _member_sha256(archive: tarfile.TarFile, member: tarfile.TarInfo) -> str:
    digest = hashlib.sha256()
    try:
        source = archive.extractfile(member)
        if source is None:
            return ""
        with source:
            while chunk := source.read(_CHUNK):
                digest.update(chunk)
    except _UNREADABLE:
        return ""
    return digest.hexdigest()


def _check_compatible(manifest: dict[str, Any]) -> None:
    if manifest["database"] != connection.vendor:
        raise BackupError(
            _(
                "This backup was made on %(found)s; this installation runs on %(here)s. Restore it on %(found)s."
            )
            % {"found": manifest["database"], "here": connection.vendor}
        )
    here = set(tables.applied_migrations())
    there = set(manifest["migrations"])
    if here != there:
        missing = sorted(there - here)
        extra = sorted(here - there)
        detail = "; ".join(
            part
            for part in (
                _("not applied here: %(names)s") % {"names": ", ".join(missing[:5])} if missing else "",
                _("applied here but not in the backup: %(names)s") % {"names": ", ".join(extra[:5])}
                if extra
                else "",
            )
            if part
        )
        raise BackupError(
            _(
                "The database here is at other migrations than the backup (%(detail)s). Install the "
                "engcert release the backup was made with, run migrate, restore, then upgrade."
            )
            % {"detail": detail}
        )
    missing_tables = sorted(set(entry["name"] for entry in manifest["tables"]) - set(tables.table_names()))
    if missing_tables:
        raise BackupError(
            _("These tables of the backup do not exist here: %(names)s.")
            % {"names": ", ".join(missing_tables)}
        )


def _check_keys(manifest: dict[str, Any], *, allow_key_mismatch: bool) -> list[str]:
    here = crypto.key_fingerprints()
    ring = {(key["id"], key["sha256"]) for key in here["field_keys"]}  # type: ignore[attr-defined]
    problems: list[str] = []
    for key in manifest["keys"]["field_keys"]:
        if (key["id"], key["sha256"]) not in ring:
            problems.append(
                _(
                    "Identity numbers in this backup are encrypted with key %(id)s (fingerprint %(sha)s…), "
                    "which is not in ENGCERT_FIELD_KEYS here. Add it (it may be the second key) and restore again."
                )
                % {"id": key["id"], "sha": key["sha256"][:12]}
            )
    if manifest["keys"]["index_key_sha256"] != here["index_key_sha256"]:
        problems.append(
            _(
                "The backup's search index of identity numbers was made with another ENGCERT_INDEX_KEY "
                "(fingerprint %(sha)s…). Configure that key and restore again."
            )
            % {"sha": manifest["keys"]["index_key_sha256"][:12]}
        )
    if problems and not allow_key_mismatch:
        raise BackupError(" ".join(problems))
    warnings = list(problems)
    present = {_signing_key(entry) for entry in signing_fingerprints()}
    for entry in manifest["keys"]["signing"]:
        if _signing_key(entry) not in present:
            warnings.append(
                _(
                    "Society %(society)s signed with %(file)s (%(fingerprint)s), which is not in ENGCERT_SIGNING_DIR "
                    "here: certificates already issued verify only once that key is back in place."
                )
                % {
                    "society": entry["society"],
                    "file": entry["file"],
                    "fingerprint": entry.get("key_id") or entry.get("sha256", "")[:12],
                }
            )
    return warnings


def _signing_key(entry: dict[str, str]) -> tuple[str, str, str]:
    return (entry["society"], entry["file"], entry.get("key_id") or entry.get("sha256", ""))


def _file_restore(archive: tarfile.TarFile, storage: Storage, entry: dict[str, Any]) -> bool:
    """Put one file back; False when the stored copy already has the same content."""
    name = entry["name"]
    if storage.exists(name):
        with storage.open(name, "rb") as stored:
            digest = hashlib.sha256()
            while chunk := stored.read(_CHUNK):
                digest.update(chunk)
        if digest.hexdigest() == entry["sha256"]:
            return False
        storage.delete(name)
    source = archive.extractfile(entry["member"])
    if source is None:
        raise BackupError(_("The backup is damaged: %(member)s is not a file.") % {"member": entry["member"]})
    with source:
        saved = storage.save(name, File(source, name=name))
    if saved != name:
        storage.delete(saved)
        raise BackupError(
            _("The storage refused the name %(name)s (it saved %(saved)s).") % {"name": name, "saved": saved}
        )
    return True


def default_backup_path() -> Path:
    stamp = dt.datetime.now(tz=dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    return Path(settings.DATA_DIR) / "backups" / f"engcert-{stamp}.tar.gz"
