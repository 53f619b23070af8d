"""The similarity scenario of `make bench`: on a fresh PostgreSQL database, index N statements
(100,000 by default) through `text_index` on several worker processes, as the task workers do,
then time checks of new statements against them and the whole task after a submission.

    .venv/bin/python bench/run.py --scenario similarity [--similarity-count 100000]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from notice_run import uptime
from run import (
    BENCH,
    OUT,
    PYTHON,
    ROOT,
    database_recreate,
    log,
    machine,
    machine_line,
    manage,
    report_save,
    results_section_write,
    run,
    server_env,
)

BEGIN = "<!-- bench:similarity:begin (written by bench/similarity_run.py) -->"
END = "<!-- bench:similarity:end -->"
DEFAULTS = {
    "similarity_count": 100_000,
    "similarity_workers": 4,
    "similarity_checks": 200,
    "similarity_database": "engcert_bench_similarity",
}
TARGET_CHECK_P95_MS = 200


def main(args: argparse.Namespace, command: str) -> dict[str, Any]:
    for name, value in DEFAULTS.items():
        if getattr(args, name, None) is None:
            setattr(args, name, value)
    started_at = datetime.now().astimezone()
    t0 = time.monotonic()
    OUT.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="engcert-bench-similarity-"))
    args.database = args.similarity_database
    env = server_env(args, work)
    env["ENGCERT_REQUIRE_SECRETS"] = "false"
    script = str(BENCH / "similarity_index.py")
    count, workers = args.similarity_count, args.similarity_workers
    report: dict[str, Any] = {
        "started": started_at.isoformat(timespec="seconds"),
        "command": command,
        "uptime": {"before": uptime()},
        "count": count,
        "workers": workers,
    }
    try:
        log(f"similarity: database {args.database}: drop, create, migrate")
        report["machine"] = machine(database_recreate(args.database))
        manage(env, "migrate", "-v0", timeout=300)
        report["prepare"] = json.loads(
            run([PYTHON, script, "prepare", str(count)], env, 600, capture=True).splitlines()[-1]
        )
        log(f"similarity: indexing {count} statements on {workers} processes")
        t_seed = time.monotonic()
        procs = [
            subprocess.Popen(
                [PYTHON, script, "seed", str(count), str(w), str(workers)],
                cwd=ROOT,
                env=env,
                stdout=subprocess.PIPE,
                text=True,
            )
            for w in range(workers)
        ]
        seeds = [json.loads(p.communicate(timeout=7200)[0].strip().splitlines()[-1]) for p in procs]
        seconds = time.monotonic() - t_seed
        report["seed"] = {
            "seconds": round(seconds, 1),
            "texts_per_second": round(count / seconds, 1),
            "flagged": sum(s["flagged"] for s in seeds),
            "workers": seeds,
        }
        log(f"similarity: indexed in {seconds:.0f} s; checking {args.similarity_checks} new statements")
        run(
            [
                PYTHON,
                "-c",
                "import psycopg;c=psycopg.connect('host=127.0.0.1 user=postgres dbname="
                + args.database
                + "',autocommit=True);c.execute('VACUUM ANALYZE')",
            ],
            env,
            1200,
        )
        report["check"] = json.loads(
            run(
                [PYTHON, script, "check", str(count), str(args.similarity_checks)], env, 3600, capture=True
            ).splitlines()[-1]
        )
        report["uptime"]["after"] = uptime()
        report["seconds"] = round(time.monotonic() - t0)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    report_save(report, started_at=started_at, work=work, scenario="similarity", logs=())
    if not getattr(args, "no_results_md", False):
        results_section_write(markdown(report), heading="Similar statements", begin=BEGIN, end=END)
    log(
        f"similarity: check p95 {report['check']['check_ms']['p95']} ms over {report['check']['texts']} texts"
    )
    return report


def markdown(report: dict[str, Any]) -> str:
    seed, check = report["seed"], report["check"]
    ms = check["check_ms"]
    met = "yes" if ms["p95"] < TARGET_CHECK_P95_MS else "**no**"
    return (
        "\n".join(
            [
                f"Run {report['started']} ({report['seconds']} s in all) with `{report['command']}`.",
                "",
                machine_line(report["machine"], sharing="The database and the indexing processes"),
                f"`uptime` before: `{report['uptime']['before']}`; after: `{report['uptime']['after']}`.",
                "",
                "| measured | value |",
                "|---|---:|",
                f"| statements indexed (recombined corpus clauses, 150–400 characters) | {check['texts'] - 120:,} |",
                f"| indexing on {report['workers']} processes | {seed['seconds']} s, **{seed['texts_per_second']} texts/s** |",
                f"| band-key rows / table with its index | {check['band_rows']:,} / {check['band_table_size']} |",
                f"| pairs flagged among the seeded statements | {check['pairs_in_seed']} |",
                f"| **check of one new statement** (fingerprint, indexed candidate query, exact measures), {check['checks']} checks | p50 {ms['p50']} ms, **p95 {ms['p95']} ms**, p99 {ms['p99']} ms, max {ms['max']} ms |",
                f"| candidates per check (texts sharing ≥ 3 LSH bands) | mean {check['candidates']['mean']}, max {check['candidates']['max']} |",
                f"| new statements flagged | {check['new_statements_flagged']} of {check['checks']} |",
                f"| copies with all edits (punctuation, characters, order, added sentences) found | {check['copies_found']} of {check['copies_checked']} (p50 {check['copy_check_ms']['p50']} ms) |",
                f"| the task after a submission (5 statements and a project description indexed and compared) | p50 {check['task_ms']['p50']} ms, p95 {check['task_ms']['p95']} ms |",
                "",
                f"Target: a check under {TARGET_CHECK_P95_MS} ms at p95 — met: {met}. No page compares "
                "synchronously: the comparison runs in the task worker after a submission is committed, so "
                "the applicant waits on none of it; the initial reviewer's panel and the pair pages read "
                "stored pairs only.",
            ]
        )
        + "\n"
    )
