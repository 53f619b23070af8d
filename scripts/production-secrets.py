"""Write a production secrets file once: SECRET_KEY, the field-encryption key and the blind-index key.

    python scripts/production-secrets.py var/production.env

The file is created readable by its owner only (0600) and never rewritten: the field keys encrypt
identity-document numbers in the database, so a new key would make them unreadable. An existing
file is left as it is; one with a missing secret, or readable by others, stops here with a message.
Shell syntax (NAME=value, values without spaces or quotes), so `set -a; . FILE; set +a` loads it.
"""

from __future__ import annotations

import base64
import os
import secrets
import stat
import sys
from pathlib import Path

NAMES = ("ENGCERT_SECRET_KEY", "ENGCERT_FIELD_KEYS", "ENGCERT_INDEX_KEY")


def key_32_bytes() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode("ascii")


def secrets_text() -> str:
    return (
        "# engcert production secrets, written once by `make serve` (scripts/production-secrets.py).\n"
        "# Keep a copy somewhere safe: without ENGCERT_FIELD_KEYS the identity-document numbers in the\n"
        "# database cannot be read. To rotate the field key, put a new key first and keep the old one.\n"
        f"ENGCERT_SECRET_KEY={secrets.token_urlsafe(64)}\n"
        f"ENGCERT_FIELD_KEYS=k{secrets.token_hex(3)}:{key_32_bytes()}\n"
        f"ENGCERT_INDEX_KEY={key_32_bytes()}\n"
    )


def problems_of(path: Path) -> list[str]:
    problems = []
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        problems.append(f"{path} is readable by others (mode {mode:o}); run: chmod 600 {path}")
    defined = {
        line.split("=", 1)[0]
        for line in path.read_text(encoding="utf-8").splitlines()
        if "=" in line and not line.lstrip().startswith("#") and line.split("=", 1)[1].strip()
    }
    problems += [f"{path} does not set {name}" for name in NAMES if name not in defined]
    return problems


def ensure(path: Path) -> bool:
    """Create the file if it does not exist; True when it was created now."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        # O_EXCL: two `make serve` started at once cannot both write (and one overwrite) the keys.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(secrets_text())
    return True


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        sys.stderr.write(__doc__ or "")
        return 2
    path = Path(argv[1])
    if ensure(path):
        print(f"Wrote new production secrets to {path} (mode 600). Keep a copy somewhere safe.")
    problems = problems_of(path)
    for problem in problems:
        sys.stderr.write(problem + "\n")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
