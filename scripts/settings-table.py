"""Rewrite the README's table of settings ("### Every setting") from .env.example.

    python scripts/settings-table.py

Each variable's description is the comment above it in .env.example (or, for the few that have
none of their own, the short text below); tests/project/test_production_profile.py fails when the
README's table and .env.example differ.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


OWN_TEXT = {
    "ENGCERT_LOG_LEVEL": "Level of the log written to the console (DEBUG, INFO, WARNING, ERROR).",
    "ENGCERT_SQLITE_PATH": "The SQLite database file (ENGCERT_DB=sqlite).",
    "ENGCERT_DB_NAME": "PostgreSQL database name (ENGCERT_DB=postgres).",
    "ENGCERT_DB_USER": "PostgreSQL user.",
    "ENGCERT_DB_PASSWORD": "PostgreSQL password.",
    "ENGCERT_DB_HOST": "PostgreSQL primary's host.",
    "ENGCERT_DB_PORT": "PostgreSQL primary's port.",
    "ENGCERT_MEDIA_ROOT": "Folder of uploads and generated files with the file-system storage.",
    "ENGCERT_STATIC_ROOT": "Folder `collectstatic` writes the static files to (served by WhiteNoise).",
    "ENGCERT_EMAIL_FILE_PATH": "Folder of the file-based mail backend.",
    "ENGCERT_EMAIL_HOST": "SMTP server.",
    "ENGCERT_EMAIL_PORT": "SMTP port.",
    "ENGCERT_EMAIL_HOST_USER": "SMTP user.",
    "ENGCERT_EMAIL_HOST_PASSWORD": "SMTP password.",
    "ENGCERT_EMAIL_USE_TLS": "SMTP with STARTTLS.",
    "ENGCERT_EMAIL_USE_SSL": "SMTP over TLS from the start (port 465).",
    "ENGCERT_DEFAULT_FROM_EMAIL": "Sender of engcert's emails.",
}


def rows_of(env_example: str) -> list[tuple[str, str, str]]:
    """(name, default, description) per variable; ("", section, "") for each section heading."""
    rows: list[tuple[str, str, str]] = []
    comment: list[str] = []
    for line in env_example.splitlines():
        if line.startswith("# ---"):
            rows.append(("", line.strip("# -").strip(), ""))
            comment = []
        elif line.startswith("#"):
            comment.append(line[1:].strip())
        elif match := re.match(r"^([A-Z0-9_]+)=(.*)$", line):
            name = match.group(1)
            description = " ".join(comment) or OWN_TEXT.get(name, "") or "(with the line above)"
            rows.append((name, match.group(2), description))
            comment = []
        else:
            comment = []
    return rows


def settings_table() -> str:
    out = [
        "### Every setting",
        "",
        "Every variable engcert reads, as listed in [`.env.example`](.env.example) (a test keeps the two",
        'and this table in step; `scripts/settings-table.py` rewrites it). "[production]" marks what a',
        "public site must set; a blank default means empty.",
        "",
        "| setting | default | what it does |",
        "|---|---|---|",
    ]
    for name, default, description in rows_of((ROOT / ".env.example").read_text(encoding="utf-8")):
        if not name:
            out.append(f"| **{default}** | | |")
            continue
        shown = f"`{default}`" if default else ""
        out.append(f"| `{name}` | {shown} | {description.replace('|', chr(92) + '|')} |")
    return "\n".join(out) + "\n"


def main() -> None:
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    start = text.index("### Every setting\n")
    end = text.index("\n### ", start) + 1
    readme.write_text(text[:start] + settings_table() + "\n" + text[end:], encoding="utf-8")


if __name__ == "__main__":
    main()
