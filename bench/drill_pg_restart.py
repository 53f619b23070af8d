"""Fault drill: PostgreSQL restarted in the middle of the deadline rush loses no acknowledged
submission.

    .venv/bin/python bench/drill_pg_restart.py            # or: make drill

1. A PRIVATE PostgreSQL cluster (initdb into a temporary directory, run as the `postgres` user,
   port 5499 by default): the shared server on 5432 is never touched.
2. The rush's database seeded there (bench/seed.py: one society, an open batch, N applicants
   with complete drafts and a signed-in session), gunicorn and a task worker as in production
   (bench/run.py's settings), emails through the outbox to files.
3. The rush (bench/locustfile_rush.py): every applicant opens the review page and submits once;
   each submission the server acknowledges (302 to the application page) has its application's
   uid written down; a 503 "try again" is tried again, as a person would, after its Retry-After.
4. Once some submissions are acknowledged, `pg_ctl restart -m fast`; the rush goes on.
5. Every acknowledged uid is looked up in the database: submitted, with exactly one
   "submitted" audit event. Also counted: the answers during the restart (503 / 500 / other),
   how long the database was away, whether the task worker lived through it, and the outbox.

Prints a JSON report, writes it to bench/out/, and the figures to bench/RESULTS.md under
"Faults" (between faults:pg-restart:begin/end) unless --no-results-md.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import run as bench

PG_BIN = Path(os.environ.get("DRILL_PG_BIN", "/usr/lib/postgresql/15/bin"))
BEGIN, END = "<!-- faults:pg-restart:begin -->", "<!-- faults:pg-restart:end -->"


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--applicants", type=int, default=int(os.environ.get("DRILL_APPLICANTS", 400)))
    p.add_argument("--users", type=int, default=8, help="concurrent locust users")
    p.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    p.add_argument("--port", type=int, default=8117, help="gunicorn's port")
    p.add_argument("--pg-port", type=int, default=5499, help="the private cluster's port")
    p.add_argument(
        "--restart-after",
        type=int,
        default=0,
        help="acknowledged submissions before the restart (default: a quarter)",
    )
    p.add_argument("--rush-limit", type=int, default=900, help="seconds at most for the rush")
    p.add_argument("--no-results-md", action="store_true")
    args = p.parse_args()
    # What bench/run.py's helpers read.
    args.database = "engcert_drill"
    args.editors, args.history, args.solo = 0, 0, 0
    args.worker_class, args.threads = "sync", 1
    return args


def as_postgres(*argv: str, timeout: int = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["runuser", "-u", "postgres", "--", *argv],
        text=True,
        capture_output=True,
        timeout=timeout,
        check=True,
    )


class Cluster:
    """A throwaway PostgreSQL cluster of our own, in a temporary directory, on its own port."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.root = Path(tempfile.mkdtemp(prefix="engcert-drill-pg-"))
        self.data = self.root / "data"
        shutil.chown(self.root, "postgres", "postgres")

    def pg_ctl(self, *argv: str, timeout: int = 120) -> None:
        as_postgres(
            str(PG_BIN / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.root / "postgres.log"),
            "-o",
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c max_connections=100",
            *argv,
            timeout=timeout,
        )

    def create(self) -> None:
        as_postgres(
            str(PG_BIN / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8"
        )
        self.pg_ctl("start", "-w")

    def ready(self) -> bool:
        probe = subprocess.run(
            [str(PG_BIN / "pg_isready"), "-h", "127.0.0.1", "-p", str(self.port), "-t", "1"],
            capture_output=True,
            check=False,
        )
        return probe.returncode == 0

    def restart(self) -> dict[str, float]:
        """pg_ctl restart -m fast: sessions cut, a clean shutdown, started again. Seconds until it
        accepts connections again."""
        started = time.monotonic()
        self.pg_ctl("restart", "-m", "fast", "-w")
        while not self.ready():
            time.sleep(0.05)
        return {"at": time.time(), "outage_seconds": round(time.monotonic() - started, 2)}

    def sql(self, query: str, params: Any = None) -> list[tuple[Any, ...]]:
        import psycopg

        dsn = f"host=127.0.0.1 port={self.port} user=postgres dbname=engcert_drill"
        with psycopg.connect(dsn) as conn:
            return list(conn.execute(query, params).fetchall())

    def destroy(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.pg_ctl("stop", "-m", "immediate", "-w", timeout=60)
        shutil.rmtree(self.root, ignore_errors=True)


def database_create(port: int, name: str) -> str:
    import psycopg

    with psycopg.connect(
        f"host=127.0.0.1 port={port} user=postgres dbname=postgres", autocommit=True
    ) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
        return str(conn.execute("SHOW server_version").fetchone()[0])  # type: ignore[index]


def acknowledged(path: Path) -> list[str]:
    return (
        [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        if path.exists()
        else []
    )


def answers_by_kind(failures: list[dict[str, str]]) -> dict[str, int]:
    kinds: dict[str, int] = {}
    for row in failures:
        # The rush's failures as locust wrote them (its CSV's columns, or the lower-case names
        # the rush file's parser gives them).
        row = {key.lower(): value for key, value in row.items()}
        message = row.get("error", "")
        kind = (
            "503"
            if "503" in message
            else "500"
            if " 500" in message
            else "network"
            if "network" in message
            else message[:60]
        )
        kinds[kind] = kinds.get(kind, 0) + int(row.get("occurrences", 0) or 0)
    return kinds


def verify(cluster: Cluster, acked: list[str]) -> dict[str, Any]:
    rows = cluster.sql(
        "select a.uid::text, a.state, a.submitted_at is not null, "
        "(select count(*) from audit_auditevent e where e.application_id = a.id "
        " and e.action = 'application.transition' and e.to_state = 'submitted') "
        "from applications_application a where a.uid::text = any(%s)",
        [acked],
    )
    found = {uid: (state, stamped, events) for uid, state, stamped, events in rows}
    lost = [uid for uid in acked if uid not in found or found[uid][0] != "submitted" or not found[uid][1]]
    submitted_total = cluster.sql(
        "select count(*) from applications_application a join accounts_user u on u.id = a.applicant_id "
        "where u.email like 'rush%%' and a.state = 'submitted'"
    )[0][0]
    return {
        "acknowledged": len(acked),
        "acknowledged_distinct": len(set(acked)),
        "acknowledged_found_submitted": len(acked) - len(lost),
        "lost": lost[:20],
        "lost_count": len(lost),
        "with_exactly_one_submitted_event": sum(1 for v in found.values() if v[2] == 1),
        "with_duplicate_events": sum(1 for v in found.values() if v[2] > 1),
        "submitted_in_database": int(submitted_total),
    }


def main() -> None:
    args = parse_args()
    started_at = datetime.now().astimezone()
    work = Path(tempfile.mkdtemp(prefix="engcert-drill-"))
    (work / "mail").mkdir()
    report: dict[str, Any] = {
        "started": started_at.isoformat(timespec="seconds"),
        "config": vars(args).copy(),
    }
    cluster = Cluster(args.pg_port)
    try:
        drill(args, cluster, work, report)
    finally:
        for name in ("gunicorn.log", "worker.log", "rush-locust.log"):
            if (work / name).exists():
                bench.OUT.mkdir(parents=True, exist_ok=True)
                shutil.copy(work / name, bench.OUT / f"drill-pg-{started_at:%Y%m%d-%H%M%S}-{name}")
        cluster.destroy()
    report["ok"] = report["verify"]["lost_count"] == 0 and report["verify"]["with_duplicate_events"] == 0
    bench.OUT.mkdir(parents=True, exist_ok=True)
    out = bench.OUT / f"drill-pg-{started_at:%Y%m%d-%H%M%S}.json"
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str), encoding="utf-8")
    print(json.dumps({k: report[k] for k in ("restart", "verify", "ok")}, ensure_ascii=False, default=str))
    if not args.no_results_md:
        bench.results_section_write(markdown(report), heading="Faults", begin=BEGIN, end=END)
    sys.exit(0 if report["ok"] else 1)


def drill(args: argparse.Namespace, cluster: Cluster, work: Path, report: dict[str, Any]) -> None:
    procs = bench.Processes()
    try:
        bench.log(f"private PostgreSQL cluster in {cluster.root}, port {args.pg_port}")
        cluster.create()
        report["postgres"] = database_create(args.pg_port, args.database)
        env = bench.server_env(args, work)
        env.update(
            {
                "ENGCERT_DB_PORT": str(args.pg_port),
                "ENGCERT_EMAIL_BACKEND": "engcert.outbox.backend.OutboxBackend",
                "ENGCERT_EMAIL_DELIVERY_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            }
        )
        bench.manage(env, "migrate", "-v0", timeout=600)
        bench.manage(env, "collectstatic", "--noinput", "-v0", timeout=300)
        bench.log(f"seeding {args.applicants} applicants with complete drafts")
        report["seed"] = bench.seed(args, env)
        counts = bench.bench_json(env, "people", str(work))
        bench.log(f"seeded: {counts}")

        # A long worker timeout: on a busy machine a worker's first import takes longer than 60 s.
        gunicorn = [*bench.gunicorn_command(args, graceful_timeout=10), "--timeout", "300"]
        procs.start(gunicorn, env, work / "gunicorn.log")
        worker = procs.start(
            [bench.PYTHON, "manage.py", "db_worker", "--queue-name", "*", "--no-startup-delay"],
            env,
            work / "worker.log",
        )
        bench.wait_healthy(f"http://127.0.0.1:{args.port}/healthz", seconds=300)

        acked_path = work / "acknowledged.txt"
        restart_after = args.restart_after or max(1, counts["rush"] // 4)
        restart: dict[str, Any] = {}

        def restart_when_due() -> None:
            deadline = time.monotonic() + args.rush_limit
            while len(acknowledged(acked_path)) < restart_after and time.monotonic() < deadline:
                time.sleep(0.1)
            restart["acknowledged_before"] = len(acknowledged(acked_path))
            bench.log(f"{restart['acknowledged_before']} submissions acknowledged: pg_ctl restart -m fast")
            restart.update(cluster.restart())
            bench.log(f"PostgreSQL accepts connections again after {restart['outage_seconds']} s")

        restarter = threading.Thread(target=restart_when_due, daemon=True)
        restarter.start()
        bench.log(f"rush: {counts['rush']} applicants, {args.users} users")
        rush_started = time.time()
        rush = bench.locust(
            args,
            work,
            "rush",
            args.users,
            args.users,
            args.rush_limit,
            {
                "BENCH_PEOPLE": str(work / "rush.json"),
                "BENCH_ACKED": str(acked_path),
                "BENCH_RETRY_UNAVAILABLE": "10",
            },
        )
        restarter.join(timeout=120)
        report["rush"] = {
            "applicants": counts["rush"],
            "seconds": round(time.time() - rush_started, 1),
            "tally": rush["tally"].get("counts", {}),
            "failures": rush["failures"],
            "answers_not_as_expected": answers_by_kind(rush["failures"]),
            "requests": {name: int(row.get("count", 0)) for name, row in rush["stats"].items()},
        }
        report["restart"] = restart
        report["worker_alive_after_restart"] = worker.poll() is None
        if worker.poll() is not None:
            bench.log("the task worker stopped with the database: started again, as its supervisor would")
            procs.start(
                [bench.PYTHON, "manage.py", "db_worker", "--queue-name", "*", "--no-startup-delay"],
                env,
                work / "worker-2.log",
            )

        bench.log("waiting for the outbox to be delivered (at most 180 s)")
        drain_started = time.monotonic()
        while time.monotonic() - drain_started < 180:
            waiting = cluster.sql("select count(*) from outbox_outboxmessage where status = 'queued'")[0][0]
            if waiting == 0:
                break
            time.sleep(2)
        if waiting:
            bench.manage(env, "send_outbox", timeout=300)  # what cron does every few minutes
        report["outbox"] = dict(
            cluster.sql("select status, count(*) from outbox_outboxmessage group by status")
        )
        report["tasks"] = dict(
            cluster.sql("select status, count(*) from django_tasks_database_dbtaskresult group by status")
        )
    finally:
        procs.stop()
        # Whatever happened above, what was acknowledged is checked against the database.
        report["verify"] = verify(cluster, acknowledged(work / "acknowledged.txt"))


def markdown(report: dict[str, Any]) -> str:
    v, r, rush = report["verify"], report["restart"], report["rush"]
    answers = rush["answers_not_as_expected"] or {"none": 0}
    lines = [
        f"PostgreSQL restart in the deadline rush ({report['started']}, `bench/drill_pg_restart.py`, "
        f"private PostgreSQL {report['postgres']} cluster on port {report['config']['pg_port']}, "
        f"gunicorn {report['config']['workers']} sync workers, {report['config']['users']} locust users):",
        "",
        "| measure | value |",
        "|---|---|",
        f"| applicants in the rush | {rush['applicants']} |",
        f"| acknowledged before the restart | {r.get('acknowledged_before', '-')} |",
        f"| database away (pg_ctl restart -m fast until pg_isready) | {r.get('outage_seconds', '-')} s |",
        f"| submissions acknowledged (302 to the application page) | {v['acknowledged']} |",
        f"| acknowledged and found submitted in the database | {v['acknowledged_found_submitted']} |",
        f"| **acknowledged but lost** | **{v['lost_count']}** |",
        f"| acknowledged with exactly one 'submitted' audit event | {v['with_exactly_one_submitted_event']} |",
        f"| duplicated 'submitted' events | {v['with_duplicate_events']} |",
        f"| answers other than expected during the rush | {', '.join(f'{k}: {n}' for k, n in answers.items())} |",
        f"| submissions sent again after a 503 | {rush['tally'].get('submit_again_after_503', 0)} |",
        f"| task worker alive after the restart | {'yes' if report['worker_alive_after_restart'] else 'no (restarted)'} |",
        f"| outbox after the rush | {', '.join(f'{k}: {n}' for k, n in sorted(report['outbox'].items()))} |",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
