"""The work-queue scenario of `make bench` (`bench/run.py --scenario queue`).

Steps: a fresh database of its own (`--queue-database`), migrate, seed a batch of 50,000
applications with their audit trails and 20 signed-in staff (bench/seed_queue.py); with
`--queue-indexes proposed`, the queue's indexes are replaced by the definitions proposed in
QUEUE_INDEXES below (to measure a proposal before it becomes a migration; the default,
`schema`, measures the indexes as migrated); gunicorn as for the rush; the ceiling (GET
/healthz); a one-user baseline without pauses (service times); then 20 staff users with
pauses between pages (bench/locustfile_queue.py) for `--queue-seconds`. Results: a table on
stdout, bench/out/<timestamp>-queue.json, and the queue section of bench/RESULTS.md (between
its own markers; the other sections are left alone).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
import time
import urllib.request
from datetime import datetime
from pathlib import Path
from typing import Any

from run import (
    BENCH,
    OUT,
    PYTHON,
    Processes,
    database_recreate,
    gunicorn_command,
    load_line,
    load_sample,
    locust,
    log,
    machine,
    machine_line,
    manage,
    report_save,
    results_section_write,
    run,
    server_env,
    stats_table,
    summary_print,
    verdicts_table,
    wait_healthy,
)

TARGET_P95_MS = 150
BEGIN = "<!-- bench:queue:begin (written by bench/run.py --scenario queue) -->"
END = "<!-- bench:queue:end -->"

# The queue's indexes on Application, as proposed beyond migration 0005 (which has the same
# names without the INCLUDE columns): the state (and for the name index the times the pages
# sort by) carried in the index, so a stage's page and a name search read the index alone.
QUEUE_INDEXES = {
    "application_queue_stage": "(batch_id, state) WHERE submitted_at IS NOT NULL",
    "application_queue_submitted": "(batch_id, submitted_at, id) INCLUDE (state) WHERE submitted_at IS NOT NULL",
    "application_queue_changed": "(batch_id, state_changed_at, id) INCLUDE (state) WHERE submitted_at IS NOT NULL",
    "application_queue_name": (
        "(batch_id, full_name, id) INCLUDE (state, submitted_at, state_changed_at) WHERE submitted_at IS NOT NULL"
    ),
    "application_queue_number": "(batch_id, number) INCLUDE (state) WHERE submitted_at IS NOT NULL",
}


def indexes_apply(database: str, mode: str) -> dict[str, str]:
    """The queue's indexes as the schema has them, or (mode "proposed") as QUEUE_INDEXES has them."""
    import psycopg

    done: dict[str, str] = {}
    dsn = f"host=127.0.0.1 port=5432 user=postgres dbname={database}"
    with psycopg.connect(dsn, autocommit=True) as conn:
        for name, definition in QUEUE_INDEXES.items():
            row = conn.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [name]).fetchone()
            if mode == "proposed":
                conn.execute(f"DROP INDEX IF EXISTS {name}")
                conn.execute(f"CREATE INDEX {name} ON applications_application {definition}")
                done[name] = f"proposed: {definition}"
            else:
                done[name] = "as migrated" if row else "missing"
        conn.execute("ANALYZE applications_application")
    return done


def server_cpu_seconds(master_pid: int) -> float:
    """CPU time (user + system) of gunicorn's master and workers so far, from /proc.

    Wall-clock latencies depend on everything else the machine runs; the CPU a page costs the
    web tier depends much less on it, so the report gives both.
    """
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        pid, ppid = int(stat.parent.name), int(fields[1])
        if master_pid in (pid, ppid):
            # utime, stime, and the children's that have exited (workers restarted).
            total += sum(int(x) for x in fields[11:15]) / ticks
    return total


def verdicts(report: dict[str, Any]) -> list[tuple[str, str, bool]]:
    stats = report["queue"]["stats"]
    agg = stats.get("Aggregated", {})
    kinds = {name: row for name, row in stats.items() if name != "Aggregated"}
    worst = max(kinds.items(), key=lambda item: item[1]["p95"], default=("-", {"p95": 0}))
    return [
        (
            "no request errors",
            f"{agg.get('failures', '?')} failed of {agg.get('count', '?')}",
            agg.get("failures", 1) == 0 and agg.get("count", 0) > 0,
        ),
        (
            f"p95 of all queue pages < {TARGET_P95_MS} ms",
            f"p95 {agg.get('p95', 0):.0f} ms (p50 {agg.get('p50', 0):.0f}, p99 {agg.get('p99', 0):.0f})",
            0 < agg.get("p95", 1e9) < TARGET_P95_MS,
        ),
        (
            f"p95 of every kind of page < {TARGET_P95_MS} ms",
            f"worst: {worst[0]} p95 {worst[1]['p95']:.0f} ms",
            bool(kinds) and worst[1]["p95"] < TARGET_P95_MS,
        ),
    ]


def markdown(report: dict[str, Any]) -> str:
    m = report["machine"]
    c = report["config"]
    seed = report["seed"]
    queue = report["queue"]
    agg = queue["stats"].get("Aggregated", {})
    lines = [
        f"Run {report['started']} ({report['total_seconds']:.0f} s in all) with `{report['command']}`.",
        "",
        machine_line(m, sharing="Load generator, server and database"),
        "",
        f"Server: gunicorn {c['workers']} {c['worker_class']} workers, DEBUG off. Seeded in {seed['seconds']:.0f} s: "
        f"one batch of {seed['applications']} submitted applications "
        f"({', '.join(f'{k} {v}' for k, v in sorted(seed['by_state'].items()))}), "
        f"{seed['audit_events']} audit events, {seed['staff']} staff with a second factor and a signed-in session. "
        f"Queue indexes (`--queue-indexes {c.get('queue_indexes', 'schema')}`): "
        + "; ".join(f"{k} {v}" for k, v in report["indexes"].items())
        + ".",
        "",
        *verdicts_table(verdicts(report)),
        "",
        f"Ceiling: {report['ceiling']['rps']:.0f} req/s (GET /healthz, {c['ceiling_users']} users, {c['ceiling_seconds']} s).",
        f"Queue: {c['queue_users']} staff users, each pausing {queue['tally'].get('notes', {}).get('wait_seconds', '?')} s "
        f"between pages, for {c['queue_seconds']} s: {agg.get('count', 0)} pages, {queue['rps']:.1f} req/s "
        f"({queue['rps'] / max(1.0, report['ceiling']['rps']):.1%} of the ceiling). "
        f"Baseline: one user without pauses for {c['queue_solo_seconds']} s, {report['solo']['rps']:.1f} req/s "
        "(service times without queueing). "
        f"CPU of the web tier per page (gunicorn, from /proc): {report['solo'].get('server_cpu_ms_per_request', '?')} ms "
        f"in the baseline, {queue.get('server_cpu_ms_per_request', '?')} ms under load.",
        "",
        *stats_table("Ceiling", report["ceiling"]["stats"]),
        "",
        *stats_table("Baseline: one staff user, no pauses", report["solo"]["stats"]),
        "",
        *stats_table(f"Queue: {c['queue_users']} staff users", queue["stats"]),
        "",
        load_line(report["load"]),
    ]
    if queue["failures"]:
        lines += ["", "Failures (first ones):", ""]
        lines += [f"- {f['name']}: {f['error']} x{f['occurrences']}" for f in queue["failures"][:10]]
    return "\n".join(lines) + "\n"


def results_md_update(text: str) -> None:
    results_section_write(text, heading="The staff work queue", begin=BEGIN, end=END)


def print_summary(report: dict[str, Any]) -> None:
    print()
    summary_print(
        verdicts(report),
        {
            "ceiling": report["ceiling"]["stats"],
            "baseline": report["solo"]["stats"],
            "queue": report["queue"]["stats"],
        },
        target_width=44,
        request_width=34,
    )


def _cpu_per_request(master_pid: int, before: float, result: dict[str, Any]) -> float:
    count = result["stats"].get("Aggregated", {}).get("count", 0)
    return round((server_cpu_seconds(master_pid) - before) * 1000 / max(1, count), 1)


def main(args: argparse.Namespace, command: str) -> dict[str, Any]:
    started_at = datetime.now().astimezone()
    t0 = time.monotonic()
    OUT.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="engcert-bench-queue-"))
    (work / "mail").mkdir()
    args.database = args.queue_database
    env = server_env(args, work)
    report: dict[str, Any] = {
        "started": started_at.isoformat(timespec="seconds"),
        "command": command,
        "config": {k: v for k, v in vars(args).items()},
        "workdir": str(work),
    }
    log(f"queue: database {args.queue_database}: drop, create, migrate")
    report["machine"] = machine(database_recreate(args.queue_database))
    manage(env, "migrate", "-v0", timeout=300)
    manage(env, "collectstatic", "--noinput", "-v0", timeout=300)
    log(f"queue: seeding {args.queue_applications} applications and {args.queue_users} staff")
    out = run(
        [
            PYTHON,
            str(BENCH / "seed_queue.py"),
            str(work),
            "--applications",
            str(args.queue_applications),
            "--staff",
            str(args.queue_users),
        ],
        env,
        1800,
        capture=True,
    )
    report["seed"] = json.loads(out.strip().splitlines()[-1])
    log(f"queue: seeded in {report['seed']['seconds']} s")
    report["indexes"] = indexes_apply(args.queue_database, args.queue_indexes)

    procs = Processes()
    try:
        server = procs.start(gunicorn_command(args), env, work / "gunicorn.log")
        wait_healthy(f"http://127.0.0.1:{args.port}/healthz")
        for _ in range(200):
            urllib.request.urlopen(f"http://127.0.0.1:{args.port}/healthz", timeout=5).read()
        report["load"] = {"before": load_sample()}
        log(f"queue: ceiling, {args.ceiling_users} users, {args.ceiling_seconds} s")
        ceiling = locust(
            args, work, "ceiling", args.ceiling_users, args.ceiling_users, args.ceiling_seconds, {}
        )
        ceiling["rps"] = ceiling["stats"].get("Aggregated", {}).get("count", 0) / max(1, args.ceiling_seconds)
        report["ceiling"] = ceiling
        people = {
            "BENCH_PEOPLE": str(work / "staff.json"),
            "BENCH_QUEUE_TARGETS": str(work / "targets.json"),
        }
        log(f"queue: baseline, one user without pauses, {args.queue_solo_seconds} s")
        cpu_before = server_cpu_seconds(server.pid)
        solo = locust(
            args,
            work,
            "queue",
            1,
            1,
            args.queue_solo_seconds,
            {**people, "BENCH_QUEUE_WAIT": "0"},
            label="queue-solo",
        )
        solo["rps"] = solo["stats"].get("Aggregated", {}).get("count", 0) / max(1, args.queue_solo_seconds)
        solo["server_cpu_ms_per_request"] = _cpu_per_request(server.pid, cpu_before, solo)
        report["solo"] = solo
        report["load"]["after_solo"] = load_sample()
        log(f"queue: {args.queue_users} staff users, {args.queue_seconds} s")
        cpu_before = server_cpu_seconds(server.pid)
        queue = locust(
            args,
            work,
            "queue",
            args.queue_users,
            args.queue_users,
            args.queue_seconds,
            {**people, "BENCH_QUEUE_WAIT": args.queue_wait},
        )
        queue["rps"] = queue["stats"].get("Aggregated", {}).get("count", 0) / max(1, args.queue_seconds)
        queue["server_cpu_ms_per_request"] = _cpu_per_request(server.pid, cpu_before, queue)
        report["queue"] = queue
        report["load"]["after_queue"] = load_sample()
    finally:
        procs.stop()
    report["total_seconds"] = round(time.monotonic() - t0, 1)
    stamp = report_save(
        report, started_at=started_at, work=work, scenario="queue", logs=("gunicorn.log", "queue-locust.log")
    )
    if not args.no_results_md:
        results_md_update(markdown(report))
    print_summary(report)
    print(f"\nwrote bench/out/{stamp}-queue.json" + ("" if args.no_results_md else " and bench/RESULTS.md"))
    shutil.rmtree(work, ignore_errors=True)
    return report


def render(path: str, no_results_md: bool) -> None:
    report = json.loads(Path(path).read_text(encoding="utf-8"))
    if not no_results_md:
        results_md_update(markdown(report))
    print_summary(report)
