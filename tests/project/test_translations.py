"""Every user-visible string exists in both languages: source strings are English, and the
Simplified Chinese catalogue must translate each of them, with nothing empty or fuzzy."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "engcert" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> polib.POFile:
    """Run makemessages on a copy of the source so the committed catalogue is the baseline."""
    if shutil.which("xgettext") is None:
        pytest.fail("gettext is missing: install the Debian package gettext")
    work = tmp_path_factory.mktemp("i18n")
    shutil.copytree(ROOT / "engcert", work / "engcert", ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    shutil.copy(ROOT / "manage.py", work / "manage.py")
    subprocess.run(
        [sys.executable, "../manage.py", "makemessages", "-l", "zh_Hans", "--no-obsolete", "-v0"],
        cwd=work / "engcert",
        check=True,
    )
    return polib.pofile(str(work / "engcert" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"))


def _label(entry: polib.POEntry) -> str:
    where = ", ".join(f"{path}:{line}" for path, line in entry.occurrences[:2])
    return f"{entry.msgid!r} ({where})"


def test_catalogue_has_no_missing_or_empty_translation(extracted: polib.POFile) -> None:
    untranslated = [_label(e) for e in extracted if not e.obsolete and not e.fuzzy and not e.translated()]
    assert untranslated == []


def test_catalogue_has_no_fuzzy_translation(extracted: polib.POFile) -> None:
    fuzzy = [_label(e) for e in extracted if e.fuzzy and not e.obsolete]
    assert fuzzy == []


def test_committed_catalogue_is_up_to_date_with_the_source(extracted: polib.POFile) -> None:
    committed = {(e.msgctxt, e.msgid) for e in polib.pofile(str(CATALOGUE)) if not e.obsolete}
    current = {(e.msgctxt, e.msgid) for e in extracted if not e.obsolete}
    assert sorted(current - committed, key=str) == []
