"""Encryption of sensitive fields (AES-256-GCM with a key ring) and blind indexes.

Keys come from `settings.ENGCERT_FIELD_KEYS`, newest first; each entry is a urlsafe-base64
32-byte key, optionally prefixed with its id ("k2:<base64>"). New values are encrypted with
the first key; older keys stay in the list until every token made with them is rotated.
With no keys configured (development) one key is derived from SECRET_KEY with key id "dev".

Token format: "v1:<key id>:<urlsafe base64 of nonce + ciphertext>". The version and key id
are authenticated as associated data, so a token cannot be relabelled.

`blind_index` gives a keyed HMAC of a normalised value (`settings.ENGCERT_INDEX_KEY`, or a
key derived from SECRET_KEY) so document numbers can be searched and de-duplicated without
decrypting them.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import hmac
import os
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver

TOKEN_VERSION = "v1"  # noqa: S105 -- a format tag, not a secret
DEV_KEY_ID = "dev"
KEY_BYTES = 32
NONCE_BYTES = 12
_TAG_BYTES = 16
_FIELD_KEY_INFO = b"engcert field encryption"
_INDEX_KEY_INFO = b"engcert blind index"
_KEY_ID_RE = re.compile(r"[A-Za-z0-9_-]{1,32}")


class DecryptionError(Exception):
    """A token could not be decrypted: malformed, unknown key id, or tampered with."""


@dataclass(frozen=True)
class FieldKey:
    key_id: str
    key: bytes


def encrypt(plaintext: str) -> str:
    """Encrypt `plaintext` with the newest key; a fresh random nonce each call."""
    key = _key_ring()[0]
    nonce = os.urandom(NONCE_BYTES)
    ciphertext = AESGCM(key.key).encrypt(nonce, plaintext.encode("utf-8"), _associated_data(key.key_id))
    payload = base64.urlsafe_b64encode(nonce + ciphertext).decode("ascii")
    return f"{TOKEN_VERSION}:{key.key_id}:{payload}"


def decrypt(token: str) -> str:
    """Plaintext of a token made by `encrypt` with any key still in the ring."""
    key_id, payload = _split_token(token)
    keys = {key.key_id: key for key in _key_ring()}
    if key_id not in keys:
        raise DecryptionError(f"Token was encrypted with unknown key id {key_id!r}")
    try:
        raw = base64.urlsafe_b64decode(payload.encode("ascii"))
    except (binascii.Error, UnicodeEncodeError):
        raise DecryptionError("Token payload is not valid base64") from None
    if len(raw) < NONCE_BYTES + _TAG_BYTES:
        raise DecryptionError("Token payload is too short")
    nonce, ciphertext = raw[:NONCE_BYTES], raw[NONCE_BYTES:]
    try:
        plaintext = AESGCM(keys[key_id].key).decrypt(nonce, ciphertext, _associated_data(key_id))
    except InvalidTag:
        raise DecryptionError("Token failed authentication (tampered or wrong key)") from None
    return plaintext.decode("utf-8")


def needs_rotation(token: str) -> bool:
    """True when `token` was not encrypted with the newest key (re-encrypt it)."""
    key_id, _payload = _split_token(token)
    return key_id != _key_ring()[0].key_id


def key_ids() -> tuple[str, ...]:
    """Ids of the keys in the ring, newest (the one `encrypt` uses) first."""
    return tuple(key.key_id for key in _key_ring())


def token_key_id(token: str) -> str | None:
    """Id of the key a token was encrypted with, or None when it is not a token."""
    try:
        key_id, _payload = _split_token(token)
    except DecryptionError:
        return None
    return key_id


def blind_index(value: str) -> str:
    """Hex HMAC-SHA256 of the normalised value under the index key.

    Normalisation (NFKC, whitespace removed, upper-case) matches
    `identity_documents.normalise_document_number`, so raw and normalised input agree.
    Include the document type in `value` if numbers of different types must not collide.
    """
    normalised = "".join(unicodedata.normalize("NFKC", value).split()).upper()
    return hmac.new(_index_key(), normalised.encode("utf-8"), hashlib.sha256).hexdigest()


def key_fingerprints() -> dict[str, object]:
    """What identifies the configured keys without revealing them: each field key's id with the
    SHA-256 of its bytes (newest first), and the SHA-256 of the blind-index key. A backup records
    these, so a restore can tell whether the keys that can read its data are configured."""
    return {
        "field_keys": [
            {"id": key.key_id, "sha256": hashlib.sha256(key.key).hexdigest()} for key in _key_ring()
        ],
        "index_key_sha256": hashlib.sha256(_index_key()).hexdigest(),
    }


def _associated_data(key_id: str) -> bytes:
    return f"{TOKEN_VERSION}:{key_id}".encode("ascii")


def _split_token(token: str) -> tuple[str, str]:
    version, sep1, rest = token.partition(":")
    key_id, sep2, payload = rest.partition(":")
    if not (sep1 and sep2) or version != TOKEN_VERSION:
        raise DecryptionError(f"Not an encrypted token of version {TOKEN_VERSION}")
    if not _KEY_ID_RE.fullmatch(key_id) or not payload:
        raise DecryptionError("Token has an invalid key id or an empty payload")
    return key_id, payload


def _key_ring() -> tuple[FieldKey, ...]:
    return _build_key_ring(tuple(settings.ENGCERT_FIELD_KEYS), settings.SECRET_KEY)


def _index_key() -> bytes:
    return _build_index_key(settings.ENGCERT_INDEX_KEY, settings.SECRET_KEY)


@functools.lru_cache(maxsize=8)
def _build_key_ring(configured: tuple[str, ...], secret_key: str) -> tuple[FieldKey, ...]:
    entries = [entry.strip() for entry in configured if entry.strip()]
    if not entries:
        return (FieldKey(DEV_KEY_ID, _hkdf(secret_key, _FIELD_KEY_INFO)),)
    ring = tuple(_parse_key(entry) for entry in entries)
    key_ids = [key.key_id for key in ring]
    if len(set(key_ids)) != len(key_ids):
        raise ImproperlyConfigured("ENGCERT_FIELD_KEYS contains the same key id twice")
    return ring


@functools.lru_cache(maxsize=8)
def _build_index_key(configured: str, secret_key: str) -> bytes:
    if not configured.strip():
        return _hkdf(secret_key, _INDEX_KEY_INFO)
    key = _decode_key(configured.strip(), "ENGCERT_INDEX_KEY")
    return key


def _parse_key(entry: str) -> FieldKey:
    key_id, sep, encoded = entry.rpartition(":")
    key = _decode_key(encoded, "ENGCERT_FIELD_KEYS")
    if not sep:
        # Unlabelled key: a stable id from its fingerprint, so reordering the list is safe.
        key_id = "k" + hashlib.sha256(key).hexdigest()[:8]
    elif not _KEY_ID_RE.fullmatch(key_id) or key_id == DEV_KEY_ID:
        raise ImproperlyConfigured(
            f"ENGCERT_FIELD_KEYS key id {key_id!r} must be 1-32 letters, digits, _ or - "
            f"and not {DEV_KEY_ID!r}"
        )
    return FieldKey(key_id, key)


def _decode_key(encoded: str, setting_name: str) -> bytes:
    try:
        key = base64.urlsafe_b64decode(encoded.encode("ascii"))
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raise ImproperlyConfigured(f"{setting_name} contains a key that is not base64") from None
    if len(key) != KEY_BYTES:
        raise ImproperlyConfigured(f"{setting_name} keys must be {KEY_BYTES} bytes")
    return key


def _hkdf(secret_key: str, info: bytes) -> bytes:
    if not secret_key:
        raise ImproperlyConfigured("SECRET_KEY is needed to derive development keys")
    derived: bytes = HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=info).derive(
        secret_key.encode("utf-8")
    )
    return derived


@receiver(setting_changed)
def _forget_cached_keys(*, setting: str, **kwargs: Any) -> None:
    if setting in {"ENGCERT_FIELD_KEYS", "ENGCERT_INDEX_KEY", "SECRET_KEY"}:
        _build_key_ring.cache_clear()
        _build_index_key.cache_clear()
