"""The documented configuration matches the configuration the code reads."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _read_variables() -> set[str]:
    pattern = re.compile(r'env_(?:str|bool|int|list|path)\(\s*"([A-Z0-9_]+)"')
    found: set[str] = set()
    for path in (ROOT / "engcert").rglob("*.py"):
        found.update(pattern.findall(path.read_text(encoding="utf-8")))
    return found


def _documented_variables() -> set[str]:
    text = (ROOT / ".env.example").read_text(encoding="utf-8")
    return set(re.findall(r"^([A-Z0-9_]+)=", text, flags=re.MULTILINE))


def test_every_environment_variable_read_is_documented_in_env_example():
    assert _read_variables() - _documented_variables() == set()


def test_env_example_documents_no_variable_that_nothing_reads():
    assert _documented_variables() - _read_variables() == set()
