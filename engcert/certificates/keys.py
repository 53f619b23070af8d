"""Each society's signing material, read from configuration (ENGCERT_SIGNING_DIR).

A society's folder holds:
- `ed25519.pem`: the private key that signs the payload in each certificate's QR code. Older
  keys kept as `ed25519-<anything>.pem` still verify what they signed, so a key can be replaced
  without invalidating certificates already printed. The public halves are published at
  /verify/keys/.
- `signing-key.pem` and `signing-cert.pem` (optionally `chain.pem`): the X.509 key and
  certificate of the PDF's PAdES signature, normally issued by a certification authority the
  society uses.

Development creates whatever is missing on first use: an Ed25519 key, and a small
certification authority of the society's own (`ca-cert.pem`, the certificate a reader adds to
their trust store) that issues the signing certificate. With ENGCERT_REQUIRE_SECRETS=true,
missing material is an error, never silently created. Creation writes a temporary folder and
renames it into place, so processes that start at once end up with one set of keys.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import functools
import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.conf import settings
from django.utils.translation import gettext as _

ED25519_FILE = "ed25519.pem"
SIGNING_KEY_FILE = "signing-key.pem"
SIGNING_CERT_FILE = "signing-cert.pem"
CHAIN_FILE = "chain.pem"
CA_CERT_FILE = "ca-cert.pem"


class SigningMaterialError(RuntimeError):
    """The society's signing material is missing or unreadable; the message says which file."""


@dataclass(frozen=True)
class PublicKey:
    society_code: str
    key_id: str
    key: ed25519.Ed25519PublicKey

    @property
    def raw_b64url(self) -> str:
        raw = self.key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")

    @property
    def pem(self) -> str:
        return self.key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ).decode("ascii")


@dataclass(frozen=True)
class SigningMaterial:
    society_code: str
    folder: Path
    ed25519_key: ed25519.Ed25519PrivateKey
    key_id: str

    @property
    def signing_key_path(self) -> Path:
        return self.folder / SIGNING_KEY_FILE

    @property
    def signing_cert_path(self) -> Path:
        return self.folder / SIGNING_CERT_FILE

    @property
    def chain_paths(self) -> list[Path]:
        """Certificates between the signing certificate and the trust anchor, if configured."""
        chain = self.folder / CHAIN_FILE
        return [chain] if chain.exists() else []

    @property
    def ca_cert_path(self) -> Path | None:
        """The development authority's certificate (absent when a real CA issued the signing one)."""
        path = self.folder / CA_CERT_FILE
        return path if path.exists() else None

    @property
    def public_key(self) -> PublicKey:
        return PublicKey(self.society_code, self.key_id, self.ed25519_key.public_key())


def key_id_for(public_key: ed25519.Ed25519PublicKey) -> str:
    """A short, stable name for a public key: the society code is not part of it, so a key
    can be recognised wherever it is published."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def _signing_root() -> Path:
    return Path(settings.ENGCERT_SIGNING_DIR)


def _folder_for(society_code: str) -> Path:
    code = society_code.lower()
    if not code or "/" in code or code.startswith("."):
        raise SigningMaterialError(_("“%(code)s” is not a society code.") % {"code": society_code})
    return _signing_root() / code


def signing_material_for(society_code: str, society_name: str = "") -> SigningMaterial:
    """The material a society signs with; created in development when missing."""
    folder = _folder_for(society_code)
    if not (folder / ED25519_FILE).exists() or not (folder / SIGNING_CERT_FILE).exists():
        if settings.REQUIRE_SECRETS:
            raise SigningMaterialError(
                _("The signing keys of society %(code)s are not configured: put %(files)s in %(folder)s.")
                % {
                    "code": society_code,
                    "files": ", ".join((ED25519_FILE, SIGNING_KEY_FILE, SIGNING_CERT_FILE)),
                    "folder": folder,
                }
            )
        _create_development_material(folder, society_code=society_code, society_name=society_name)
    key = _load_ed25519(folder / ED25519_FILE)
    for required in (SIGNING_KEY_FILE, SIGNING_CERT_FILE):
        if not (folder / required).exists():
            raise SigningMaterialError(
                _("%(file)s is missing from %(folder)s.") % {"file": required, "folder": folder}
            )
    return SigningMaterial(
        society_code=society_code, folder=folder, ed25519_key=key, key_id=key_id_for(key.public_key())
    )


def _load_ed25519(path: Path) -> ed25519.Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError) as error:
        raise SigningMaterialError(
            _("%(file)s cannot be read as a PEM private key: %(error)s") % {"file": path, "error": error}
        ) from error
    if not isinstance(key, ed25519.Ed25519PrivateKey):
        raise SigningMaterialError(_("%(file)s does not hold an Ed25519 key.") % {"file": path})
    return key


def published_keys() -> list[PublicKey]:
    """Every society's QR-signing public keys, current and earlier, for the public key page
    and for checking a payload by its key id."""
    return list(_published_keys_cached(_keys_fingerprint()))


def public_key_by_id(key_id: str) -> PublicKey | None:
    for key in published_keys():
        if key.key_id == key_id:
            return key
    return None


def _keys_fingerprint() -> tuple[tuple[str, float], ...]:
    """Changes whenever a key file is added, replaced or removed, so the cache below follows."""
    root = _signing_root()
    if not root.exists():
        return ()
    return tuple(sorted((str(path), path.stat().st_mtime) for path in root.glob("*/ed25519*.pem")))


@functools.lru_cache(maxsize=4)
def _published_keys_cached(fingerprint: tuple[tuple[str, float], ...]) -> tuple[PublicKey, ...]:
    keys = []
    for name, _mtime in fingerprint:
        path = Path(name)
        try:
            private = _load_ed25519(path)
        except SigningMaterialError:
            continue
        public = private.public_key()
        keys.append(PublicKey(path.parent.name.upper(), key_id_for(public), public))
    return tuple(keys)


# --- Development material ----------------------------------------------------------------


def _pem_key(key: ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _create_development_material(folder: Path, *, society_code: str, society_name: str) -> None:
    """A self-made authority and signing certificate, written beside a new Ed25519 key. Files
    already present are kept (a configured signing certificate is never replaced)."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
    try:
        now = dt.datetime.now(dt.UTC)
        label = society_name or society_code.upper()
        ca_key = ec.generate_private_key(ec.SECP256R1())
        ca_name = x509.Name(
            [
                x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, label),
                x509.NameAttribute(NameOID.COMMON_NAME, f"{label} certificate authority (development)"),
            ]
        )
        ca_cert = (
            x509.CertificateBuilder()
            .subject_name(ca_name)
            .issuer_name(ca_name)
            .public_key(ca_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=365 * 20))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=True,
                    crl_sign=True,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256())
        )
        signer_key = ec.generate_private_key(ec.SECP256R1())
        signer_cert = (
            x509.CertificateBuilder()
            .subject_name(
                x509.Name(
                    [
                        x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
                        x509.NameAttribute(NameOID.ORGANIZATION_NAME, label),
                        x509.NameAttribute(NameOID.COMMON_NAME, f"{label} certificate signing"),
                    ]
                )
            )
            .issuer_name(ca_name)
            .public_key(signer_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=365 * 10))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=True,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=False,
                    crl_sign=False,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(
                x509.ExtendedKeyUsage(
                    [ExtendedKeyUsageOID.EMAIL_PROTECTION, ExtendedKeyUsageOID.CODE_SIGNING]
                ),
                critical=False,
            )
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
            )
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(signer_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256())
        )
        files = {
            ED25519_FILE: _pem_key(ed25519.Ed25519PrivateKey.generate()),
            SIGNING_KEY_FILE: _pem_key(signer_key),
            SIGNING_CERT_FILE: signer_cert.public_bytes(serialization.Encoding.PEM),
            CA_CERT_FILE: ca_cert.public_bytes(serialization.Encoding.PEM),
        }
        for name, content in files.items():
            target = staging / name
            target.write_bytes(content)
            if name.endswith("key.pem") or name == ED25519_FILE:
                target.chmod(0o600)
        try:
            os.rename(staging, folder)
        except OSError:
            # The folder exists (another process won the race, or it holds configured files):
            # fill in only what it lacks, each file atomically.
            folder.mkdir(parents=True, exist_ok=True)
            if (folder / SIGNING_CERT_FILE).exists() != (folder / SIGNING_KEY_FILE).exists():
                raise SigningMaterialError(
                    _("%(folder)s has only one of %(key)s and %(cert)s.")
                    % {"folder": folder, "key": SIGNING_KEY_FILE, "cert": SIGNING_CERT_FILE}
                ) from None
            wanted = [ED25519_FILE]
            if not (folder / SIGNING_CERT_FILE).exists():
                wanted += [SIGNING_KEY_FILE, SIGNING_CERT_FILE, CA_CERT_FILE]
            for name in wanted:
                with contextlib.suppress(FileExistsError):
                    os.link(staging / name, folder / name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
