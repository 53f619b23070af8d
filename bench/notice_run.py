"""The public-notice scenario of `make bench` (`bench/run.py --scenario notice`).

Steps: a fresh database of its own (`--notice-database`), migrate, seed one society with a batch
whose notice lists 1,000 candidates and five older closed notices (bench/seed_notice.py; the
current notice is published through `notice_publish`); the notice page measured in-process
(queries, time, size); gunicorn and the task worker as for the rush; the ceiling (GET /healthz);
a one-visitor baseline (service times without queueing); then the crowd: `--notice-users`
streams of anonymous visitors who open the list and the notice, one in ten objecting
(bench/locustfile_notice.py), for `--notice-seconds`. Afterwards every acknowledged objection is
counted in the database (stored exactly once, with its audit event and its evidence file) and
the audit chain verified. Results: a table on stdout, bench/out/<timestamp>-notice.json, and
the notice section of bench/RESULTS.md (between its own markers; the others are left alone).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import tempfile
import time
import urllib.request
from datetime import datetime
from pathlib import Path
from typing import Any

from queue_run import _cpu_per_request, server_cpu_seconds
from run import (
    BENCH,
    OUT,
    PYTHON,
    ROOT,
    Processes,
    active_seconds,
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

TARGET_PAGE_P95_MS = 300
TARGET_SUBMIT_P95_MS = 500
PAGE = "notice page"
SUBMITS = ("objection submit", "objection submit (with evidence)")
BEGIN = "<!-- bench:notice:begin (written by bench/run.py --scenario notice) -->"
END = "<!-- bench:notice:end -->"


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True, timeout=10).stdout.strip()


def _submit_row(stats: dict[str, dict[str, float]]) -> dict[str, float]:
    """Both kinds of submission as one row: count, failures, and the worse p95."""
    rows = [stats[name] for name in SUBMITS if name in stats]
    return {
        "count": sum(r["count"] for r in rows),
        "failures": sum(r["failures"] for r in rows),
        "p95": max((r["p95"] for r in rows), default=0),
    }


def verdicts(report: dict[str, Any]) -> list[tuple[str, str, bool]]:
    crowd = report["crowd"]
    stats = crowd["stats"]
    agg = stats.get("Aggregated", {})
    page = stats.get(PAGE, {})
    submit = _submit_row(stats)
    check = report["check"]
    return [
        (
            "no request errors",
            f"{agg.get('failures', '?')} failed of {agg.get('count', '?')}",
            agg.get("failures", 1) == 0 and agg.get("count", 0) > 0,
        ),
        (
            f"notice page p95 < {TARGET_PAGE_P95_MS} ms with {report['seed']['listed']} rows",
            f"p95 {page.get('p95', 0):.0f} ms over {page.get('count', 0):.0f} (p50 {page.get('p50', 0):.0f}, "
            f"baseline p95 {report['solo']['stats'].get(PAGE, {}).get('p95', 0):.0f})",
            0 < page.get("p95", 1e9) < TARGET_PAGE_P95_MS,
        ),
        (
            f"objection submission p95 < {TARGET_SUBMIT_P95_MS} ms",
            f"p95 {submit['p95']:.0f} ms over {submit['count']:.0f} submissions (worse of with and without evidence)",
            submit["count"] > 0 and submit["p95"] < TARGET_SUBMIT_P95_MS,
        ),
        (
            "every acknowledged objection stored exactly once",
            f"{check['acknowledged']} acknowledged, {check['stored']} stored, {check['acknowledged_stored_once']} "
            f"stored once, {check['audit_events_once']} with one audit event, {check['stored_not_acknowledged']} "
            f"stored unacknowledged, {check['evidence_files_missing']} of {check['with_evidence']} evidence files missing",
            bool(check["ok"]) and check["acknowledged"] > 0,
        ),
        ("audit chain verifies", report["audit_verify"]["output"], report["audit_verify"]["ok"]),
        (
            "throughput beside the ceiling",
            f"{crowd['rps']:.1f} req/s ({crowd['notice_pages_per_s']:.1f} notice pages/s) / {report['ceiling']['rps']:.0f} "
            f"= {crowd['rps'] / max(1.0, report['ceiling']['rps']):.1%} (recorded, no target)",
            True,
        ),
    ]


def markdown(report: dict[str, Any]) -> str:
    m = report["machine"]
    c = report["config"]
    seed = report["seed"]
    crowd = report["crowd"]
    page = report["page"]
    lines = [
        f"Run {report['started']} ({report['total_seconds']:.0f} s in all) with `{report['command']}`.",
        "",
        machine_line(m, sharing="Load generator, server, task worker and database"),
        f"`uptime` before: `{report['uptime']['before']}`; after: `{report['uptime']['after']}`.",
        "",
        f"Server: gunicorn {c['workers']} {c['worker_class']} workers, DEBUG off, `manage.py db_worker` running. "
        f"Seeded in {seed['seconds']:.0f} s: one society, the current notice of {seed['listed']} candidates "
        f"(published through `notice_publish` in {seed['publish_seconds']} s), {seed['older_notices']} older "
        f"closed notices of {seed['older_listed']} candidates, {seed['applications']} applications and "
        f"{seed['audit_events']} audit events in all.",
        "",
        *verdicts_table(verdicts(report)),
        "",
        f"Notice page rendered in-process (warm, median of 5): {page['render_ms_median']} ms, {page['queries']} queries "
        f"({page['sql_ms']} ms of SQL), {page['bytes'] / 1024:.0f} KiB of HTML.",
        f"Ceiling: {report['ceiling']['rps']:.0f} req/s (GET /healthz, {c['ceiling_users']} users, {c['ceiling_seconds']} s).",
        f"Crowd: {c['notice_users']} streams of visitors (started {c['notice_spawn_rate']}/s), each visitor opening the list, "
        f"pausing {crowd['tally'].get('notes', {}).get('wait_seconds', '?')} s, opening the notice; one in "
        f"{1 / max(0.001, crowd['tally'].get('notes', {}).get('object_share', 0.1)):.0f} then opens a candidate's objection "
        f"form, writes for {crowd['tally'].get('notes', {}).get('write_seconds', '?')} s and sends it (a third with a file); "
        f"{c['notice_seconds']} s (last request answered after {crowd.get('seconds', '?')} s): {crowd['stats'].get('Aggregated', {}).get('count', 0)} requests, {crowd['rps']:.1f} req/s, "
        f"{crowd['notice_pages_per_s']:.1f} notice pages/s. Baseline: one visitor stream without pauses for "
        f"{c['notice_solo_seconds']} s. CPU of the web tier per request (gunicorn, from /proc): "
        f"{report['solo'].get('server_cpu_ms_per_request', '?')} ms in the baseline, "
        f"{crowd.get('server_cpu_ms_per_request', '?')} ms under load.",
        "",
        *stats_table("Ceiling", report["ceiling"]["stats"]),
        "",
        *stats_table("Baseline: one visitor at a time, no pauses", report["solo"]["stats"]),
        "",
        *stats_table(f"Crowd: {c['notice_users']} visitor streams", crowd["stats"]),
        "",
        load_line(report["load"]),
        "",
        f"Objections: {json.dumps({k: v for k, v in report['check'].items() if k != 'acknowledged_missing'}, ensure_ascii=False)}",
    ]
    if crowd["failures"] or report["solo"]["failures"]:
        lines += ["", "Failures (first ones):", ""]
        lines += [
            f"- {f['name']}: {f['error']} x{f['occurrences']}"
            for f in (crowd["failures"] + report["solo"]["failures"])[:10]
        ]
    return "\n".join(lines) + "\n"


def results_md_update(text: str) -> None:
    results_section_write(text, heading="The public notice", begin=BEGIN, end=END)


def print_summary(report: dict[str, Any]) -> None:
    print()
    summary_print(
        verdicts(report),
        {
            "ceiling": report["ceiling"]["stats"],
            "baseline": report["solo"]["stats"],
            "crowd": report["crowd"]["stats"],
        },
        target_width=52,
        request_width=34,
    )


def main(args: argparse.Namespace, command: str) -> dict[str, Any]:
    started_at = datetime.now().astimezone()
    t0 = time.monotonic()
    OUT.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="engcert-bench-notice-"))
    (work / "mail").mkdir()
    args.database = args.notice_database
    env = server_env(args, work)
    report: dict[str, Any] = {
        "started": started_at.isoformat(timespec="seconds"),
        "command": command,
        "config": {k: v for k, v in vars(args).items()},
        "workdir": str(work),
        "uptime": {"before": uptime()},
    }
    log(f"notice: {report['uptime']['before']}")
    log(f"notice: database {args.notice_database}: drop, create, migrate")
    report["machine"] = machine(database_recreate(args.notice_database))
    manage(env, "migrate", "-v0", timeout=300)
    manage(env, "collectstatic", "--noinput", "-v0", timeout=300)
    log(f"notice: seeding a notice of {args.notice_candidates} candidates and 5 older ones")
    seed_py = [PYTHON, str(BENCH / "seed_notice.py")]
    out = run(
        [*seed_py, "seed", str(work), "--candidates", str(args.notice_candidates)], env, 1800, capture=True
    )
    report["seed"] = json.loads(out.strip().splitlines()[-1])
    log(f"notice: seeded in {report['seed']['seconds']} s")
    report["page"] = json.loads(
        run([*seed_py, "page", report["seed"]["notice"]], env, 300, capture=True).strip().splitlines()[-1]
    )
    log(
        f"notice: page in-process {report['page']['render_ms_median']} ms, {report['page']['queries']} queries"
    )

    targets = {"BENCH_NOTICE_TARGETS": str(work / "targets.json")}
    procs = Processes()
    try:
        server = procs.start(gunicorn_command(args, graceful_timeout=10), env, work / "gunicorn.log")
        procs.start(
            [PYTHON, "manage.py", "db_worker", "--queue-name", "*", "--no-startup-delay"],
            env,
            work / "worker.log",
        )
        # Workers import Django before answering: on a busy machine that takes more than half a minute.
        wait_healthy(f"http://127.0.0.1:{args.port}/healthz", seconds=120)
        for _ in range(200):
            urllib.request.urlopen(f"http://127.0.0.1:{args.port}/healthz", timeout=5).read()
        report["load"] = {"before": load_sample()}
        log(f"notice: ceiling, {args.ceiling_users} users, {args.ceiling_seconds} s")
        ceiling = locust(
            args, work, "ceiling", args.ceiling_users, args.ceiling_users, args.ceiling_seconds, {}
        )
        ceiling["rps"] = ceiling["stats"].get("Aggregated", {}).get("count", 0) / max(1, args.ceiling_seconds)
        report["ceiling"] = ceiling
        report["load"]["after_ceiling"] = load_sample()

        log(f"notice: baseline, one visitor stream without pauses, {args.notice_solo_seconds} s")
        cpu_before = server_cpu_seconds(server.pid)
        solo = locust(
            args,
            work,
            "notice",
            1,
            1,
            args.notice_solo_seconds,
            # Every visitor objects, so the baseline has submissions; writing still takes the form's minimum.
            {
                **targets,
                "BENCH_NOTICE_WAIT": "0",
                "BENCH_NOTICE_OBJECT_SHARE": "0.5",
                "BENCH_NOTICE_WRITE": "3.5",
            },
            label="notice-solo",
        )
        solo["server_cpu_ms_per_request"] = _cpu_per_request(server.pid, cpu_before, solo)
        report["solo"] = solo
        report["load"]["after_solo"] = load_sample()

        log(f"notice: crowd, {args.notice_users} visitor streams, {args.notice_seconds} s")
        cpu_before = server_cpu_seconds(server.pid)
        crowd = locust(
            args,
            work,
            "notice",
            args.notice_users,
            args.notice_spawn_rate,
            args.notice_seconds,
            {**targets, "BENCH_NOTICE_WAIT": args.notice_wait},
        )
        # From the start to the last finished request: locust lets visitors finish after the run time.
        seconds = active_seconds(crowd)
        crowd["seconds"] = round(seconds, 1)
        crowd["rps"] = crowd["stats"].get("Aggregated", {}).get("count", 0) / seconds
        crowd["notice_pages_per_s"] = crowd["stats"].get(PAGE, {}).get("count", 0) / seconds
        crowd["server_cpu_ms_per_request"] = _cpu_per_request(server.pid, cpu_before, crowd)
        report["crowd"] = crowd
        report["load"]["after_crowd"] = load_sample()
    finally:
        procs.stop()
    report["uptime"]["after"] = uptime()
    log(f"notice: {report['uptime']['after']}")

    log("notice: counting the acknowledged objections in the database")
    acknowledged = [
        *report["solo"]["tally"].get("notes", {}).get("references", []),
        *report["crowd"]["tally"].get("notes", {}).get("references", []),
    ]
    (work / "acknowledged.json").write_text(json.dumps(acknowledged), encoding="utf-8")
    report["check"] = json.loads(
        run([*seed_py, "check", str(work / "acknowledged.json")], env, 300, capture=True)
        .strip()
        .splitlines()[-1]
    )
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
        scenario="notice",
        logs=("gunicorn.log", "worker.log", "notice-locust.log", "notice-solo-locust.log"),
    )
    if not args.no_results_md:
        results_md_update(markdown(report))
    print_summary(report)
    print(f"\nwrote bench/out/{stamp}-notice.json" + ("" if args.no_results_md else " and bench/RESULTS.md"))
    shutil.rmtree(work, ignore_errors=True)
    return report


def render(path: str, no_results_md: bool) -> None:
    report = json.loads(Path(path).read_text(encoding="utf-8"))
    if not no_results_md:
        results_md_update(markdown(report))
    print_summary(report)
