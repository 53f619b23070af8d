"""`make bench`: the deadline rush against a production-like server, measured and verified.

Steps (each bounded in time): fresh PostgreSQL database, migrate, seed; gunicorn and the task
worker as in production; the ceiling (GET /healthz); the rush (2,000 applicants sign in, open
the review page, submit once); the draft-save scenario; verification against the database and
the audit chain; a table on stdout, bench/out/<timestamp>.json, and bench/RESULTS.md updated.
Every tunable is a flag with an environment default (see --help and bench/README.md).
"""

from __future__ import annotations

import argparse
import base64
import csv
import hashlib
import json
import os
import platform
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
OUT = BENCH / "out"
VENV_BIN = ROOT / ".venv" / "bin"
PYTHON = str(VENV_BIN / "python") if (VENV_BIN / "python").exists() else sys.executable

TARGET_P99_MS = 1000
TARGET_RATIO = 0.30
TARGET_DRAFT_P95_MS = 150


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--applicants", type=int, default=env_int("BENCH_APPLICANTS", 2000))
    p.add_argument(
        "--history",
        type=int,
        default=env_int("BENCH_HISTORY", 3000),
        help="submitted applications of the earlier batch",
    )
    p.add_argument(
        "--editors", type=int, default=env_int("BENCH_EDITORS", 60), help="users of the draft-save scenario"
    )
    p.add_argument("--workers", type=int, default=env_int("BENCH_WORKERS", 4), help="gunicorn workers")
    p.add_argument(
        "--worker-class", default=os.environ.get("BENCH_WORKER_CLASS", "sync"), choices=["sync", "gthread"]
    )
    p.add_argument(
        "--threads", type=int, default=env_int("BENCH_THREADS", 4), help="threads per gthread worker"
    )
    p.add_argument(
        "--rush-users",
        type=int,
        default=env_int("BENCH_RUSH_USERS", 8),
        help="concurrent locust users in the rush",
    )
    p.add_argument(
        "--solo",
        type=int,
        default=env_int("BENCH_SOLO", 30),
        help="applicants of the one-user baseline (service times without queueing)",
    )
    p.add_argument(
        "--rush-limit",
        type=int,
        default=env_int("BENCH_RUSH_LIMIT", 540),
        help="seconds the rush may take at most",
    )
    p.add_argument("--ceiling-users", type=int, default=env_int("BENCH_CEILING_USERS", 32))
    p.add_argument("--ceiling-seconds", type=int, default=env_int("BENCH_CEILING_SECONDS", 30))
    p.add_argument("--draft-seconds", type=int, default=env_int("BENCH_DRAFT_SECONDS", 60))
    p.add_argument("--port", type=int, default=env_int("BENCH_PORT", 8400))
    p.add_argument("--database", default=os.environ.get("BENCH_DB_NAME", "engcert_bench"))
    p.add_argument("--no-results-md", action="store_true", help="do not rewrite bench/RESULTS.md")
    # The work-queue scenario (bench/queue_run.py): its own database, seed and section of RESULTS.md.
    p.add_argument(
        "--scenario",
        choices=["all", "rush", "queue", "notice", "verify", "certificates", "similarity", "rosters"],
        default=os.environ.get("BENCH_SCENARIO", "all"),
        help="rush: the deadline rush and draft saves; queue: the staff work queue; "
        "notice: the public notice and objections; verify: public certificate verification; "
        "certificates: issuing certificates; similarity: the copied-statement check; "
        "rosters: exporting and importing a batch's rosters; all: every one",
    )
    p.add_argument("--certificates-count", type=int, default=env_int("BENCH_CERTIFICATES", 200))
    p.add_argument("--rosters-count", type=int, default=env_int("BENCH_ROSTERS_COUNT", 10_000))
    p.add_argument("--similarity-count", type=int, default=env_int("BENCH_SIMILARITY_COUNT", 100_000))
    p.add_argument("--similarity-workers", type=int, default=env_int("BENCH_SIMILARITY_WORKERS", 4))
    p.add_argument("--similarity-checks", type=int, default=env_int("BENCH_SIMILARITY_CHECKS", 200))
    p.add_argument("--queue-applications", type=int, default=env_int("BENCH_QUEUE_APPLICATIONS", 50_000))
    p.add_argument("--queue-users", type=int, default=env_int("BENCH_QUEUE_USERS", 20))
    p.add_argument("--queue-seconds", type=int, default=env_int("BENCH_QUEUE_SECONDS", 90))
    p.add_argument("--queue-solo-seconds", type=int, default=env_int("BENCH_QUEUE_SOLO_SECONDS", 30))
    p.add_argument(
        "--queue-wait",
        default=os.environ.get("BENCH_QUEUE_WAIT", "1,3"),
        help="seconds each staff user pauses between pages: min,max",
    )
    p.add_argument("--queue-database", default=os.environ.get("BENCH_QUEUE_DB_NAME", "engcert_bench_queue"))
    p.add_argument(
        "--queue-indexes",
        choices=["schema", "proposed"],
        default=os.environ.get("BENCH_QUEUE_INDEXES", "schema"),
        help="the queue's indexes as migrated, or as proposed in bench/queue_run.py",
    )
    # The public-notice scenario (bench/notice_run.py): its own database, seed and section of RESULTS.md.
    p.add_argument("--notice-candidates", type=int, default=env_int("BENCH_NOTICE_CANDIDATES", 1000))
    p.add_argument(
        "--notice-users", type=int, default=env_int("BENCH_NOTICE_USERS", 30), help="streams of visitors"
    )
    p.add_argument("--notice-spawn-rate", type=int, default=env_int("BENCH_NOTICE_SPAWN_RATE", 10))
    p.add_argument("--notice-seconds", type=int, default=env_int("BENCH_NOTICE_SECONDS", 90))
    p.add_argument("--notice-solo-seconds", type=int, default=env_int("BENCH_NOTICE_SOLO_SECONDS", 30))
    p.add_argument(
        "--notice-wait",
        default=os.environ.get("BENCH_NOTICE_WAIT", "2,6"),
        help="seconds a visitor reads between pages: min,max",
    )
    p.add_argument(
        "--notice-database", default=os.environ.get("BENCH_NOTICE_DB_NAME", "engcert_bench_notice")
    )
    p.add_argument(
        "--render",
        metavar="JSON",
        help="only redo the table and RESULTS.md from an earlier run's bench/out/*.json",
    )
    return p.parse_args()


def log(message: str) -> None:
    print(f"[{datetime.now():%H:%M:%S}] {message}", flush=True)


# -- the environment production would have ------------------------------------------------------


def bench_key(purpose: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(f"engcert-bench-{purpose}".encode()).digest()).decode()


def server_env(args: argparse.Namespace, work: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ENGCERT_")}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "PYTHONPATH": str(ROOT),
            "ENGCERT_DB": "postgres",
            "ENGCERT_DB_NAME": args.database,
            "ENGCERT_DB_HOST": "127.0.0.1",
            "ENGCERT_DB_USER": "postgres",
            "ENGCERT_DEBUG": "false",
            "ENGCERT_REQUIRE_SECRETS": "true",
            "ENGCERT_SECRET_KEY": secrets.token_urlsafe(50),
            # Fixed, public, bench-only keys: so the bench database can be inspected after a run.
            "ENGCERT_FIELD_KEYS": "bench1:" + bench_key("field"),
            "ENGCERT_INDEX_KEY": bench_key("index"),
            "ENGCERT_DATA_DIR": str(work / "data"),
            "ENGCERT_STATIC_ROOT": str(work / "static"),
            "ENGCERT_MEDIA_ROOT": str(work / "media"),
            "ENGCERT_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "ENGCERT_EMAIL_FILE_PATH": str(work / "mail"),
            "ENGCERT_SITE_URL": f"http://127.0.0.1:{args.port}",
            "ENGCERT_LOG_LEVEL": "WARNING",
        }
    )
    return env


def run(cmd: list[str], env: dict[str, str], timeout: int, capture: bool = False) -> str:
    result = subprocess.run(cmd, cwd=ROOT, env=env, timeout=timeout, text=True, capture_output=True)
    if result.returncode != 0:
        sys.stderr.write(result.stdout[-4000:] + result.stderr[-4000:])
        raise SystemExit(f"failed ({result.returncode}): {' '.join(cmd)}")
    return result.stdout if capture else ""


def manage(env: dict[str, str], *argv: str, timeout: int = 300) -> str:
    return run([PYTHON, "manage.py", *argv], env, timeout, capture=True)


def bench_json(env: dict[str, str], *argv: str, timeout: int = 120) -> Any:
    out = run([PYTHON, str(BENCH / "verify.py"), *argv], env, timeout, capture=True)
    return json.loads(out.strip().splitlines()[-1])


def database_recreate(name: str) -> str:
    import psycopg

    with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
        return str(conn.execute("SHOW server_version").fetchone()[0])  # type: ignore[index]


def seed(args: argparse.Namespace, env: dict[str, str]) -> dict[str, Any]:
    started = time.monotonic()
    seed_py = [PYTHON, str(BENCH / "seed.py")]
    run(
        [
            *seed_py,
            "base",
            "--applicants",
            str(args.applicants),
            "--editors",
            str(args.editors),
            "--history",
            str(args.history),
            "--solo",
            str(args.solo),
        ],
        env,
        300,
    )

    def halves(step: str, n: int) -> list[list[str]]:
        mid = n // 2
        return [
            [*seed_py, step, "--from", "0", "--to", str(mid)],
            [*seed_py, step, "--from", str(mid), "--to", str(n)],
        ]

    # Two processes: the machine has two cores, and the audit chain's row lock is held only briefly.
    jobs = [*halves("drafts", args.applicants), *halves("history", args.history)]
    jobs.append([*seed_py, "editors", "--from", "0", "--to", str(args.editors)])
    jobs.append([*seed_py, "solo", "--from", "0", "--to", str(args.solo)])
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(lambda cmd: run(cmd, env, 900), jobs))
    run([*seed_py, "close"], env, 60)
    quiet = bench_json(env, "quiesce", timeout=300)
    quiet["seconds"] = round(time.monotonic() - started, 1)
    return quiet


# -- the server ----------------------------------------------------------------------------------


def gunicorn_command(args: argparse.Namespace, *, graceful_timeout: int | None = None) -> list[str]:
    """gunicorn serving engcert as in production, on 127.0.0.1 with the worker flags of `args`."""
    command = [
        str(VENV_BIN / "gunicorn"),
        "engcert.wsgi",
        "--bind",
        f"127.0.0.1:{args.port}",
        "--workers",
        str(args.workers),
        "--worker-class",
        args.worker_class,
        "--threads",
        str(args.threads if args.worker_class == "gthread" else 1),
        "--timeout",
        "60",
    ]
    if graceful_timeout is not None:
        command += ["--graceful-timeout", str(graceful_timeout)]
    return command


class Processes:
    """gunicorn and the task worker, each in its own process group, stopped by id."""

    def __init__(self) -> None:
        self.procs: list[subprocess.Popen[bytes]] = []

    def start(self, cmd: list[str], env: dict[str, str], logfile: Path) -> subprocess.Popen[bytes]:
        handle = logfile.open("wb")
        proc = subprocess.Popen(
            cmd, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.procs.append(proc)
        return proc

    def stop(self) -> None:
        for proc in reversed(self.procs):
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + 20
        for proc in self.procs:
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=5)


def wait_healthy(url: str, seconds: int = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - http://127.0.0.1 only
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"the server did not answer {url} within {seconds}s")


# -- locust ----------------------------------------------------------------------------------------


def locust(
    args: argparse.Namespace,
    work: Path,
    name: str,
    users: int,
    rate: int,
    seconds: int,
    extra_env: dict[str, str],
    label: str = "",
) -> dict[str, Any]:
    label = label or name
    prefix = work / label
    summary = work / f"{label}-summary.json"
    # The clients connect to 127.0.0.1, a number: gevent's default resolver would still hand every
    # new connection's lookup to a thread pool (sync workers close each connection, so that is
    # every request), which cost the load generator a third of its CPU on the same cores as the
    # server it measures.
    env = {
        "GEVENT_RESOLVER": "block",
        **os.environ,
        **extra_env,
        "BENCH_SUMMARY": str(summary),
        "PYTHONPATH": str(BENCH),
    }
    cmd = [
        str(VENV_BIN / "locust"),
        "--headless",
        "-f",
        str(BENCH / f"locustfile_{name}.py"),
        "--host",
        f"http://127.0.0.1:{args.port}",
        "-u",
        str(users),
        "-r",
        str(rate),
        "--run-time",
        f"{seconds}s",
        "--stop-timeout",
        "20",
        "--csv",
        str(prefix),
        "--only-summary",
        "--loglevel",
        "WARNING",
        "--skip-log-setup",
    ]
    started = time.time()
    with (work / f"{label}-locust.log").open("wb") as handle:
        subprocess.run(cmd, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT, timeout=seconds + 120)
    elapsed = time.time() - started
    stats = read_stats(Path(f"{prefix}_stats.csv"))
    failures = read_failures(Path(f"{prefix}_failures.csv"))
    tally = json.loads(summary.read_text()) if summary.exists() else {}
    return {"stats": stats, "failures": failures, "tally": tally, "elapsed": round(elapsed, 1)}


def read_stats(path: Path) -> dict[str, dict[str, float]]:
    rows: dict[str, dict[str, float]] = {}
    if not path.exists():
        return rows
    with path.open(newline="") as handle:
        for row in csv.DictReader(handle):
            name = row["Name"] if row["Type"] != "" else "Aggregated"
            rows[name] = {
                "method": row["Type"] or "",  # type: ignore[dict-item]
                "count": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "rps": float(row["Requests/s"]),
                "avg": float(row["Average Response Time"]),
                "p50": float(row["50%"] if row["50%"] != "N/A" else 0),
                "p95": float(row["95%"] if row["95%"] != "N/A" else 0),
                "p99": float(row["99%"] if row["99%"] != "N/A" else 0),
                "max": float(row["Max Response Time"]),
            }
    return rows


def read_failures(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with path.open(newline="") as handle:
        return [
            {"name": r["Name"], "error": r["Error"][:200], "occurrences": r["Occurrences"]}
            for r in csv.DictReader(handle)
        ]


def active_seconds(result: dict[str, Any]) -> float:
    """From the first finished flow to the last: the rush without locust's start-up and wind-down."""
    tally = result["tally"]
    if tally.get("first_at") and tally.get("last_at"):
        return max(0.001, tally["last_at"] - tally["started"])
    return result["elapsed"]


# -- machine ---------------------------------------------------------------------------------------


def machine(pg_version: str) -> dict[str, str]:
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_kb = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    versions = {}
    for package in ("django", "gunicorn", "locust", "psycopg"):
        try:
            from importlib.metadata import version

            versions[package] = version(package)
        except Exception:
            versions[package] = "?"
    return {
        "nproc": str(os.cpu_count()),
        "cpu": cpu,
        "ram": f"{mem_kb / 1048576:.1f} GiB",
        "postgresql": pg_version,
        "python": platform.python_version(),
        **versions,
    }


def load_sample() -> dict[str, Any]:
    """The load average and the busiest processes that are not this benchmark's (others share the box)."""
    out = subprocess.run(
        ["ps", "-eo", "pcpu,args", "--sort=-pcpu"], capture_output=True, text=True, timeout=10
    ).stdout
    ours = ("bench", "gunicorn", "db_worker", "locust", "postgres:")
    foreign = [
        line.strip()[:100]
        for line in out.splitlines()[1:]
        if line.strip() and float(line.split()[0]) >= 10 and not any(word in line for word in ours)
    ]
    return {"loadavg": Path("/proc/loadavg").read_text().split()[:3], "busy_other_processes": foreign[:5]}


def login_hash_ms(env: dict[str, str]) -> float:
    code = (
        "import time,django;django.setup();from django.contrib.auth.hashers import make_password;"
        "t=time.perf_counter();[make_password('x') for _ in range(3)];print((time.perf_counter()-t)/3*1000)"
    )
    return round(float(run([PYTHON, "-c", code], env, 60, capture=True).strip()), 1)


# -- report ----------------------------------------------------------------------------------------


def verdicts(report: dict[str, Any]) -> list[tuple[str, str, bool]]:
    rush = report["rush"]
    agg = rush["stats"].get("Aggregated", {})
    worst_p99 = max((row["p99"] for name, row in rush["stats"].items() if name != "Aggregated"), default=0)
    verify = report["verify"]
    draft = report["draft"]
    draft_row = draft.get("save_row") or {}
    acked = rush["tally"].get("counts", {}).get("submit_ok", 0)
    return [
        (
            "no request errors in the rush",
            f"{agg.get('failures', '?')} failed of {agg.get('count', '?')}",
            agg.get("failures", 1) == 0 and agg.get("count", 0) > 0,
        ),
        (
            f"all {verify['expected']} applicants submitted within the time limit",
            f"{verify['submitted']} submitted, {verify['expected'] - verify['submitted']} not reached",
            verify["submitted"] == verify["expected"],
        ),
        (
            "no lost or duplicated submission",
            f"{acked} acknowledged to the client, {verify['submitted']} submitted in the database, "
            f"{verify['transition_events']} transition events, {verify['applications_with_duplicate_events']} duplicated, "
            f"{verify['submitted_without_event']} without event",
            verify["submitted"] >= acked
            and verify["transition_events"] == verify["submitted"]
            and verify["applications_with_duplicate_events"] == 0
            and verify["submitted_without_event"] == 0,
        ),
        (
            "every notification sent",
            f"{report['drain']['queue']}, {report['mails_written']} emails written",
            report["drain"]["queue"].get("SUCCESSFUL", 0) == report["mails_written"]
            and not report["drain"]["queue"].get("FAILED")
            and not report["drain"]["queue"].get("READY"),
        ),
        ("audit chain verifies", report["audit_verify"]["output"], report["audit_verify"]["ok"]),
        (
            f"p99 of every rush request type < {TARGET_P99_MS} ms",
            f"worst p99 {worst_p99:.0f} ms",
            worst_p99 < TARGET_P99_MS,
        ),
        (
            f"rush requests/s >= {TARGET_RATIO:.0%} of ceiling",
            f"{rush['rps']:.1f} / {report['ceiling']['rps']:.0f} = {rush['ratio']:.1%}",
            rush["ratio"] >= TARGET_RATIO,
        ),
        (
            f"draft save p95 < {TARGET_DRAFT_P95_MS} ms ({draft['mode']})",
            f"p95 {draft_row.get('p95', 0):.0f} ms over {draft_row.get('count', 0)} saves, {draft_row.get('failures', 0)} failed",
            bool(draft_row)
            and draft_row.get("p95", 1e9) < TARGET_DRAFT_P95_MS
            and draft_row.get("failures", 1) == 0,
        ),
    ]


def stats_table(title: str, stats: dict[str, dict[str, float]]) -> list[str]:
    lines = [
        f"**{title}**",
        "",
        "| request | count | failures | req/s | p50 ms | p95 ms | p99 ms | max ms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, row in stats.items():
        label = f"**{name}**" if name == "Aggregated" else f"{row['method']} {name}"
        lines.append(
            f"| {label} | {row['count']:.0f} | {row['failures']:.0f} | {row['rps']:.1f} | {row['p50']:.0f} | {row['p95']:.0f} | {row['p99']:.0f} | {row['max']:.0f} |"
        )
    return lines


def machine_line(m: dict[str, str], *, sharing: str) -> str:
    """The machine and the versions measured, and what shared the machine (`sharing`)."""
    return (
        f"Machine: {m['nproc']} cores ({m['cpu']}), {m['ram']} RAM; PostgreSQL {m['postgresql']}; Python {m['python']}; "
        f"Django {m['django']}, gunicorn {m['gunicorn']}, locust {m['locust']}, psycopg {m['psycopg']}. "
        f"{sharing} share the machine."
    )


def verdicts_table(rows: list[tuple[str, str, bool]]) -> list[str]:
    return [
        "| target | measured | met |",
        "|---|---|:-:|",
        *[f"| {name} | {value} | {'yes' if ok else '**no**'} |" for name, value, ok in rows],
    ]


def load_line(load: dict[str, dict[str, Any]]) -> str:
    """The load average after each phase, with the other busy processes, so a reader can tell a
    quiet machine's figures from a shared one's."""
    return "Load average (1, 5, 15 min) and other busy processes on the machine during the run: " + "; ".join(
        f"{phase} {' '.join(sample['loadavg'])}"
        + (f" ({', '.join(sample['busy_other_processes'])})" if sample["busy_other_processes"] else "")
        for phase, sample in load.items()
    )


def markdown(report: dict[str, Any]) -> str:
    m = report["machine"]
    c = report["config"]
    rush = report["rush"]
    acked = rush["tally"].get("counts", {}).get("submit_ok", 0)
    lines = [
        f"Run {report['started']} ({report['total_seconds']:.0f} s in all) with `{report['command']}`.",
        "",
        machine_line(m, sharing="Load generator, server, task worker and database"),
        "",
        f"Server: gunicorn {c['workers']} {c['worker_class']} workers"
        + (f" x {c['threads']} threads" if c["worker_class"] == "gthread" else "")
        + f", DEBUG off, `manage.py db_worker` running, file email backend. "
        f"Seeded in {report['seed']['seconds']:.0f} s: {report['seed']['applications']} applications "
        f"({', '.join(f'{k} {v}' for k, v in sorted(report['seed']['by_state'].items()))}), {report['seed']['audit_events']} audit events. "
        f"One login's password hash (PBKDF2, Django default) costs {report['login_hash_ms']:.0f} ms of CPU.",
        "",
        *verdicts_table(verdicts(report)),
        "",
        f"Ceiling: {report['ceiling']['rps']:.0f} req/s (GET /healthz, {c['ceiling_users']} users, {c['ceiling_seconds']} s).",
        f"Rush: {acked} of {rush['applicants']} applicants submitted by {c['rush_users']} concurrent users in {rush['seconds']:.0f} s"
        f" (limit {c['rush_limit']} s): {rush['submissions_per_s']:.2f} submissions/s, {rush['rps']:.1f} req/s "
        f"({rush['stats'].get('Aggregated', {}).get('count', 0) / max(1, acked):.1f} requests per applicant); "
        f"{rush['tally'].get('counts', {}).get('submit_repeated', 0)} submissions deliberately sent twice, "
        f"{rush['tally'].get('counts', {}).get('submit_network_retry', 0)} retried after a network error. "
        "The ratio compares the rush's requests/s (all request types, as the mix came) with the ceiling's requests/s.",
        f"Draft save: mode **{report['draft']['mode']}**, {c['editors']} users"
        + (", each saving every 5-15 s; " if report["draft"].get("measured_seconds") else "; ")
        + (
            f"measured for {report['draft']['measured_seconds']} s after all had signed in (sign-ins excluded)."
            if report["draft"].get("measured_seconds")
            else "this run's version of the scenario saved every 1-3 s and measured while the editors were still signing in."
        ),
        "",
        *stats_table("Ceiling", report["ceiling"]["stats"]),
        "",
        *stats_table(
            f"Baseline: one user, {report['solo']['tally'].get('notes', {}).get('applicants', 0)} applicants one after another (service times without queueing)",
            report["solo"]["stats"],
        ),
        "",
        *stats_table("Rush", rush["stats"]),
        "",
        *stats_table("Draft save", report["draft"]["stats"]),
        "",
        load_line(report["load"]),
        "",
        f"Task queue after the rush: {report['drain']['queue']} ({report['drain']['seconds']} s waited); emails written: {report['mails_written']}.",
        "",
        f"Verification: {json.dumps({k: v for k, v in report['verify'].items() if k != 'failed_task_examples'}, ensure_ascii=False)}",
    ]
    if rush["failures"] or report["draft"]["failures"]:
        lines += ["", "Failures (first ones):", ""]
        for f in (rush["failures"] + report["draft"]["failures"])[:10]:
            lines.append(f"- {f['name']}: {f['error']} x{f['occurrences']}")
    return "\n".join(lines) + "\n"


BEGIN, END = "<!-- bench:begin (written by bench/run.py) -->", "<!-- bench:end -->"


def results_md_update(text: str) -> None:
    path = BENCH / "RESULTS.md"
    current = (
        path.read_text(encoding="utf-8")
        if path.exists()
        else "# Benchmark results\n\n" + BEGIN + "\n" + END + "\n"
    )
    if BEGIN not in current:
        current += "\n" + BEGIN + "\n" + END + "\n"
    path.write_text(markers_replace(current, text, begin=BEGIN, end=END), encoding="utf-8")


def report_save(
    report: dict[str, Any], *, started_at: datetime, work: Path, scenario: str, logs: tuple[str, ...]
) -> str:
    """Write a run's report to bench/out/<stamp>[-scenario].json with its logs beside it; returns the stamp."""
    stamp = started_at.strftime("%Y%m%dT%H%M%S")
    suffix = f"-{scenario}" if scenario else ""
    (OUT / f"{stamp}{suffix}.json").write_text(
        json.dumps(report, indent=2, ensure_ascii=False, default=str), encoding="utf-8"
    )
    for name in logs:
        if (work / name).exists():
            shutil.copy(work / name, OUT / f"{stamp}{suffix}-{name}")
    return stamp


def results_section_write(text: str, *, heading: str, begin: str, end: str) -> None:
    """Write one scenario's section of RESULTS.md between its markers, adding the section under
    `heading` the first time; the other scenarios' sections stay as they were."""
    path = BENCH / "RESULTS.md"
    current = path.read_text(encoding="utf-8")
    if begin not in current:
        current = current.rstrip("\n") + f"\n\n## {heading}\n\n" + begin + "\n" + end + "\n"
    path.write_text(markers_replace(current, text, begin=begin, end=end), encoding="utf-8")


def markers_replace(current: str, text: str, *, begin: str, end: str) -> str:
    """`current` with `text` between its `begin` and `end` markers; the rest stays as it was."""
    head, rest = current.split(begin, 1)
    _, tail = rest.split(end, 1)
    return f"{head}{begin}\n{text}{end}{tail}"


def print_summary(report: dict[str, Any]) -> None:
    print()
    print(f"{'target':<52} {'measured':<70} met")
    summary_print(
        verdicts(report),
        {
            "ceiling": report["ceiling"]["stats"],
            "baseline": report["solo"]["stats"],
            "rush": report["rush"]["stats"],
            "draft save": report["draft"]["stats"],
        },
        target_width=52,
        request_width=44,
    )


def summary_print(
    verdict_rows: list[tuple[str, str, bool]],
    sections: dict[str, dict[str, dict[str, float]]],
    *,
    target_width: int,
    request_width: int,
) -> None:
    """The targets met or not, then a table of each phase's requests, on stdout."""
    for name, value, ok in verdict_rows:
        print(f"{name:<{target_width}} {value[:70]:<70} {'yes' if ok else 'NO'}")
    indent = max(len(title) for title in sections) + 2
    for title, stats in sections.items():
        print(
            f"\n{title}: {'request':<{request_width}} {'count':>6} {'fail':>5} {'req/s':>7} {'p50':>6} {'p95':>6} {'p99':>6}"
        )
        for name, row in stats.items():
            print(
                f"{'':<{indent}}{name[:request_width]:<{request_width}} {row['count']:>6.0f} {row['failures']:>5.0f} {row['rps']:>7.1f} {row['p50']:>6.0f} {row['p95']:>6.0f} {row['p99']:>6.0f}"
            )


# -- the run -----------------------------------------------------------------------------------------


def main() -> None:
    args = parse_args()
    command = " ".join([".venv/bin/python bench/run.py", *sys.argv[1:]]) if sys.argv[1:] else "make bench"
    import certificates_run
    import notice_run
    import queue_run
    import rosters_run
    import similarity_run
    import verify_run

    if args.render and args.render.endswith("-queue.json"):
        queue_run.render(args.render, args.no_results_md)
        return
    if args.render and args.render.endswith("-notice.json"):
        notice_run.render(args.render, args.no_results_md)
        return
    if args.render and args.render.endswith("-verify.json"):
        verify_run.render(args.render, args.no_results_md)
        return
    if args.scenario in ("all", "rush"):
        rush_main(args)
    if args.scenario in ("all", "queue") and not args.render:
        queue_run.main(args, command)
    if args.scenario in ("all", "notice") and not args.render:
        notice_run.main(args, command)
    if args.scenario in ("all", "verify") and not args.render:
        verify_run.main(args, command)
    if args.scenario in ("all", "certificates") and not args.render:
        certificates_run.main(args, command)
    if args.scenario in ("all", "similarity") and not args.render:
        similarity_run.main(args, command)
    if args.scenario in ("all", "rosters") and not args.render:
        rosters_run.main(args, command)


def rush_main(args: argparse.Namespace) -> None:
    if args.render:
        report = json.loads(Path(args.render).read_text(encoding="utf-8"))
        if not args.no_results_md:
            results_md_update(markdown(report))
        print_summary(report)
        return
    started_at = datetime.now().astimezone()
    t0 = time.monotonic()
    OUT.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="engcert-bench-"))
    (work / "mail").mkdir()
    env = server_env(args, work)
    report: dict[str, Any] = {
        "started": started_at.isoformat(timespec="seconds"),
        "command": " ".join([".venv/bin/python bench/run.py", *sys.argv[1:]])
        if sys.argv[1:]
        else "make bench",
        "config": {k: v for k, v in vars(args).items()},
        "workdir": str(work),
    }
    log(f"database {args.database}: drop, create, migrate")
    pg_version = database_recreate(args.database)
    report["machine"] = machine(pg_version)
    manage(env, "migrate", "-v0", timeout=300)
    manage(env, "collectstatic", "--noinput", "-v0", timeout=300)
    log(
        f"seeding {args.applicants} drafts, {args.editors} editors' drafts, {args.history} earlier applications (2 processes)"
    )
    report["seed"] = seed(args, env)
    log(f"seeded in {report['seed']['seconds']} s: {report['seed']['by_state']}")
    counts = bench_json(env, "people", str(work))
    report["login_hash_ms"] = login_hash_ms(env)

    procs = Processes()
    try:
        procs.start(gunicorn_command(args, graceful_timeout=10), env, work / "gunicorn.log")
        procs.start(
            [PYTHON, "manage.py", "db_worker", "--queue-name", "*", "--no-startup-delay"],
            env,
            work / "worker.log",
        )
        wait_healthy(f"http://127.0.0.1:{args.port}/healthz")
        log("server up; warming every worker")
        for _ in range(200):
            urllib.request.urlopen(f"http://127.0.0.1:{args.port}/healthz", timeout=5).read()

        report["load"] = {"before": load_sample()}
        log(f"ceiling: GET /healthz, {args.ceiling_users} users, {args.ceiling_seconds} s")
        ceiling = locust(
            args, work, "ceiling", args.ceiling_users, args.ceiling_users, args.ceiling_seconds, {}
        )
        ceiling["rps"] = ceiling["stats"].get("Aggregated", {}).get("count", 0) / max(1, args.ceiling_seconds)
        report["ceiling"] = ceiling
        report["load"]["after_ceiling"] = load_sample()
        log(f"ceiling {ceiling['rps']:.0f} req/s")

        log(f"baseline: one user submits {counts['solo']} applications one after another")
        solo = locust(
            args,
            work,
            "rush",
            1,
            1,
            180,
            {"BENCH_PEOPLE": str(work / "solo.json"), "BENCH_REPEAT_EVERY": "0"},
            label="solo",
        )
        report["solo"] = solo
        report["load"]["after_solo"] = load_sample()

        log(f"rush: {counts['rush']} applicants, {args.rush_users} users, at most {args.rush_limit} s")
        rush_env = {"BENCH_PEOPLE": str(work / "rush.json")}
        rush = locust(args, work, "rush", args.rush_users, args.rush_users, args.rush_limit, rush_env)
        seconds = active_seconds(rush)
        total = rush["stats"].get("Aggregated", {}).get("count", 0)
        ok = rush["tally"].get("counts", {}).get("submit_ok", 0)
        rush.update(
            applicants=counts["rush"],
            seconds=round(seconds, 1),
            rps=total / seconds,
            submissions_per_s=ok / seconds,
            requests_per_applicant=total / max(1, ok),
            ratio=(total / seconds) / max(1.0, ceiling["rps"]),
        )
        report["rush"] = rush
        report["load"]["after_rush"] = load_sample()
        log(f"rush done in {seconds:.0f} s: {ok} submitted, {total / seconds:.1f} req/s")

        log("waiting for the task worker to send the notifications (at most 240 s)")
        drain_started = time.monotonic()
        queue: dict[str, int] = {}
        while time.monotonic() - drain_started < 240:
            queue = bench_json(env, "tasks")
            if not queue.get("READY") and not queue.get("RUNNING"):
                break
            time.sleep(3)
        report["drain"] = {"seconds": round(time.monotonic() - drain_started, 1), "queue": queue}
        # The file backend appends messages of one second and one connection object to one file.
        report["mails_written"] = sum(
            path.read_text(encoding="utf-8", errors="replace").count("\nMessage-ID: ")
            for path in (work / "mail").iterdir()
        )

        log(f"draft save: {counts['editors']} users, {args.draft_seconds} s")
        # Sign-ins take the first part of the run; statistics restart when all are signed in.
        setup = 30 + counts["editors"]
        draft = locust(
            args,
            work,
            "draft",
            counts["editors"],
            5,
            setup + args.draft_seconds,
            {"BENCH_PEOPLE": str(work / "editors.json")},
        )
        measured_from = draft["tally"].get("notes", {}).get("measured_from")
        draft["measured_seconds"] = (
            round(draft["tally"]["stopped"] - measured_from, 1) if measured_from else None
        )
        draft["mode"] = draft["tally"].get("notes", {}).get("mode", "unknown")
        saves = [row for name, row in draft["stats"].items() if name.startswith("draft save")]
        draft["save_row"] = saves[0] if saves else None
        report["draft"] = draft
        report["load"]["after_draft"] = load_sample()
    finally:
        procs.stop()

    log("verifying against the database")
    report["verify"] = bench_json(env, "check", str(counts["rush"]))
    audit = subprocess.run(
        [PYTHON, "manage.py", "audit_verify"], cwd=ROOT, env=env, text=True, capture_output=True, timeout=600
    )
    report["audit_verify"] = {
        "ok": audit.returncode == 0,
        "output": (audit.stdout + audit.stderr).strip()[-300:],
    }
    report["total_seconds"] = round(time.monotonic() - t0, 1)

    stamp = report_save(
        report,
        started_at=started_at,
        work=work,
        scenario="",
        logs=("gunicorn.log", "worker.log", "rush-locust.log", "draft-locust.log"),
    )
    text = markdown(report)
    if not args.no_results_md:
        results_md_update(text)
    print_summary(report)
    print(f"\nwrote bench/out/{stamp}.json" + ("" if args.no_results_md else " and bench/RESULTS.md"))
    shutil.rmtree(work / "media", ignore_errors=True)


if __name__ == "__main__":
    main()
