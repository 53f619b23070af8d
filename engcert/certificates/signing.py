"""The PAdES signature of a certificate's PDF, made with pyHanko and the society's signing
key and certificate (keys.signing_material_for). The chain goes into the signature, and the
development authority's certificate too when there is one, so a reader who trusts that
authority (or the real one a society configures) sees the signature as valid, e.g. with
poppler's `pdfsig`."""

from __future__ import annotations

import asyncio
import functools
import warnings
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from io import BytesIO
from pathlib import Path
from typing import Any

from cryptography.utils import CryptographyDeprecationWarning
from django.utils.translation import gettext as _

# pyHanko imports the DSA key type only to recognise it (engcert signs with ECDSA); the
# deprecation warning it triggers would print on every start of a server or command.
with warnings.catch_warnings():
    warnings.simplefilter("ignore", CryptographyDeprecationWarning)
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

from engcert.certificates.keys import SigningMaterial, SigningMaterialError

SIGNATURE_FIELD = "SocietySignature"


@functools.lru_cache(maxsize=16)
def _signer(
    key_path: str, cert_path: str, chain: tuple[str, ...], mtimes: tuple[float, ...]
) -> signers.SimpleSigner:
    # Cached per file set and modification times: a replaced key is picked up at once.
    signer: signers.SimpleSigner | None = signers.SimpleSigner.load(  # type: ignore[no-untyped-call]
        key_path, cert_path, ca_chain_files=chain, key_passphrase=None
    )
    if signer is None:
        raise SigningMaterialError(
            _("The signing key %(key)s or certificate %(cert)s cannot be read.")
            % {"key": key_path, "cert": cert_path}
        )
    return signer


def signer_for(material: SigningMaterial) -> signers.SimpleSigner:
    chain: list[Path] = list(material.chain_paths)
    if material.ca_cert_path is not None:
        chain.append(material.ca_cert_path)
    paths = [material.signing_key_path, material.signing_cert_path, *chain]
    return _signer(
        str(material.signing_key_path),
        str(material.signing_cert_path),
        tuple(str(p) for p in chain),
        tuple(p.stat().st_mtime for p in paths),
    )


def pdf_sign(*, pdf: bytes, material: SigningMaterial, society_name: str, reason: str) -> bytes:
    """The PDF with a PAdES (baseline B) signature of the society appended."""
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    meta = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason,
        name=society_name or None,
    )
    output: BytesIO = _run(signers.async_sign_pdf(writer, meta, signer=signer_for(material)))
    return output.getvalue()


def _run(coroutine: Coroutine[Any, Any, Any]) -> Any:
    """Run pyHanko's signing to the end, also where an event loop is already running in this
    thread (an async server, or a browser driven from the same thread): then in a thread of
    its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


__all__ = ["SIGNATURE_FIELD", "pdf_sign", "signer_for"]
