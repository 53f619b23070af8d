"""While the database cannot be reached, pages answer a clear 503 "try again in a moment" (with
Retry-After), not a server error; the health check, which needs no database, still answers.

A real gunicorn serving engcert, its database pointed at a port where nothing listens."""

from __future__ import annotations

import os
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.faults.workers import ROOT
from tests.outbox.conftest import free_port

PORT = 8107
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"


@pytest.fixture(scope="module")
def server_without_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not GUNICORN.exists():
        pytest.skip("gunicorn is not installed")
    log = Path(tmp_path_factory.mktemp("unavailable")) / "gunicorn.log"
    env = {
        **os.environ,
        "ENGCERT_DB": "postgres",
        "ENGCERT_DB_HOST": "127.0.0.1",
        "ENGCERT_DB_PORT": str(free_port()),
        "ENGCERT_DEBUG": "false",
        "ENGCERT_LOG_LEVEL": "CRITICAL",
    }
    with log.open("wb") as out:
        server = subprocess.Popen(
            [
                str(GUNICORN),
                "engcert.wsgi",
                "--bind",
                f"127.0.0.1:{PORT}",
                "--workers",
                "1",
                "--timeout",
                "300",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{PORT}"
    try:
        deadline = time.monotonic() + 300
        while True:
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=5).read()  # noqa: S310 - localhost
                break
            except urllib.error.HTTPError as error:
                raise AssertionError(f"/healthz answered {error.code}") from error
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise AssertionError(log.read_text(errors="replace")[-3000:]) from None
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=20)


def fetch(url: str, *, language: str) -> tuple[int, str, str]:
    request = urllib.request.Request(url, headers={"Cookie": f"django_language={language}"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - localhost
            return response.status, response.headers.get("Retry-After", ""), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Retry-After", ""), error.read().decode()


def test_a_page_that_needs_the_database_answers_503_try_again(server_without_database: str) -> None:
    status, retry_after, html = fetch(f"{server_without_database}/calls/", language="en")
    assert (status, retry_after) == (503, "5")
    assert "<h1>Please try again in a moment</h1>" in html
    assert "What you just sent was not stored: wait about 5 seconds, then send it again." in html


def test_the_health_check_which_needs_no_database_still_answers(server_without_database: str) -> None:
    assert fetch(f"{server_without_database}/healthz", language="en") == (200, "", "ok")
