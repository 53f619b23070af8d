"""`make serve` keeps its task worker alive: scripts/supervise.sh starts a worker that exited (the
database restarted, the process killed) again after a back-off of 1 s doubling up to 30 s, back to
1 s once it had run a while; SIGTERM stops the worker and the supervisor, leaving nothing behind.

A fake worker (a shell command) stands in for `manage.py db_worker`, so no database is needed and
the test runs in the SQLite pass only."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(
    os.environ.get("ENGCERT_DB") == "postgres", reason="independent of the database; run once"
)

ROOT = Path(__file__).resolve().parents[2]

# Exits at once with status 3 on its first two runs, then keeps running as a worker does.
FAKE_WORKER = 'n=$(wc -l <"$RUNS"); echo $$ >>"$RUNS"; if [ "$n" -lt 2 ]; then exit 3; fi; exec sleep 60'


def wait_for(condition: Callable[[], bool], *, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is gone for our purpose; its parent (the supervisor) reaps it.
    return "State:\tZ" not in Path(f"/proc/{pid}/status").read_text()


def test_a_worker_that_exits_is_started_again_after_a_growing_pause_and_sigterm_stops_it(tmp_path: Path):
    runs = tmp_path / "runs"
    runs.touch()
    env = {**os.environ, "RUNS": str(runs), "RESTART_RESET_AFTER": "1", "FAKE_WORKER": FAKE_WORKER}
    supervisor = subprocess.Popen(
        ["bash", "-c", 'source scripts/supervise.sh && supervise "task worker 1" sh -c "$FAKE_WORKER"'],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )

    def pids() -> list[int]:
        return [int(line) for line in runs.read_text().split()]

    try:
        # Two quick exits (paused 1 s, then 2 s), then a worker that stays up.
        wait_for(lambda: len(pids()) == 3)
        # It has run longer than RESTART_RESET_AFTER when it is killed: the pause is 1 s again.
        time.sleep(1.2)
        os.kill(pids()[2], signal.SIGKILL)
        wait_for(lambda: len(pids()) == 4, timeout=3)
        worker = pids()[3]
        assert alive(worker)
        supervisor.send_signal(signal.SIGTERM)
        stdout, _ = supervisor.communicate(timeout=5)
    finally:
        supervisor.kill()
    assert supervisor.returncode == 0
    assert not alive(worker)
    assert [line.split("] ", 1)[1] for line in stdout.splitlines()] == [
        "task worker 1 exited with status 3; starting it again in 1 s",
        "task worker 1 exited with status 3; starting it again in 2 s",
        "task worker 1 exited with status 137 (killed by SIGKILL); starting it again in 1 s",
    ]
