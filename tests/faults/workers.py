"""Real task workers for the fault drills: `manage.py db_worker` processes against the test
database, killed with SIGKILL as the kernel's OOM killer or a pulled plug would."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def worker_env(*, smtp_port: int) -> dict[str, str]:
    """The test process's configuration, for a worker in its own process: the same database,
    files and signing keys; its emails written to the outbox and delivered to the SMTP sink."""
    database = connection.settings_dict
    return {
        **os.environ,
        "ENGCERT_DB": "postgres",
        "ENGCERT_DB_NAME": str(database["NAME"]),
        "ENGCERT_DB_HOST": str(database["HOST"]),
        "ENGCERT_DB_PORT": str(database["PORT"]),
        "ENGCERT_DB_USER": str(database["USER"]),
        "ENGCERT_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "ENGCERT_SIGNING_DIR": str(settings.ENGCERT_SIGNING_DIR),
        "ENGCERT_TASK_BACKEND": "django_tasks_db.DatabaseBackend",
        "ENGCERT_EMAIL_BACKEND": "engcert.outbox.backend.OutboxBackend",
        "ENGCERT_EMAIL_DELIVERY_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "ENGCERT_EMAIL_HOST": "127.0.0.1",
        "ENGCERT_EMAIL_PORT": str(smtp_port),
        "ENGCERT_LOG_LEVEL": "WARNING",
    }


def worker_start(*, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "db_worker",
                "--queue-name",
                "*",
                "--interval",
                "0.1",
                "--no-startup-delay",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def worker_kill(worker: subprocess.Popen[bytes]) -> None:
    """SIGKILL: no clean-up of any kind, the worker's connection simply drops."""
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait(timeout=10)


def worker_stop(worker: subprocess.Popen[bytes]) -> None:
    if worker.poll() is None:
        worker.terminate()
        try:
            worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            worker_kill(worker)


def wait_until(condition: Callable[[], bool], *, timeout: float, what: str, log: Path | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    tail = log.read_text(errors="replace")[-3000:] if log is not None and log.exists() else ""
    raise AssertionError(f"timed out after {timeout} s waiting until {what}\n{tail}")
