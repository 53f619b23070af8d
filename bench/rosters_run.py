"""The roster scenario of `make bench`: on a fresh PostgreSQL database, 10,000 submitted
applications of one batch across 20 units; export every unit's roster (target under 5 s) and
import a 10,000-row roster with every row checked (target under 15 s); figures in
bench/RESULTS.md.

    .venv/bin/python bench/run.py --scenario rosters [--rosters-count 10000]
"""

from __future__ import annotations

import argparse
import json
import shutil
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

BEGIN = "<!-- bench:rosters:begin (written by bench/rosters_run.py) -->"
END = "<!-- bench:rosters:end -->"
DEFAULTS = {"rosters_count": 10_000, "rosters_database": "engcert_bench_rosters"}
TARGET_EXPORT_SECONDS = 5
TARGET_IMPORT_SECONDS = 15


def main(args: argparse.Namespace, command: str) -> dict[str, Any]:
    for name, value in DEFAULTS.items():
        if getattr(args, name, None) is None:
            setattr(args, name, value)
    started_at = datetime.now().astimezone()
    t0 = time.monotonic()
    OUT.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="engcert-bench-rosters-"))
    args.database = args.rosters_database
    env = server_env(args, work)
    report: dict[str, Any] = {
        "started": started_at.isoformat(timespec="seconds"),
        "command": command,
        "uptime": {"before": uptime()},
    }
    try:
        log(f"rosters: database {args.database}: drop, create, migrate")
        report["machine"] = machine(database_recreate(args.database))
        manage(env, "migrate", "-v0", timeout=300)
        log(f"rosters: {args.rosters_count} applications, export and import")
        out = run([PYTHON, str(BENCH / "rosters_bench.py"), str(args.rosters_count)], env, 3600, capture=True)
        report["rosters"] = json.loads(out.strip().splitlines()[-1])
        report["uptime"]["after"] = uptime()
        report["seconds"] = round(time.monotonic() - t0)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    report_save(report, started_at=started_at, work=work, scenario="rosters", logs=())
    if not getattr(args, "no_results_md", False):
        results_section_write(markdown(report), heading="Rosters (附件3)", begin=BEGIN, end=END)
    figures = report["rosters"]
    log(f"rosters: export {figures['export_all_seconds']} s, import {figures['import_seconds']} s")
    return report


def markdown(report: dict[str, Any]) -> str:
    r = report["rosters"]
    export_met = "yes" if r["export_all_seconds"] < TARGET_EXPORT_SECONDS else "no"
    import_met = "yes" if r["import_seconds"] < TARGET_IMPORT_SECONDS else "no"
    return (
        "\n".join(
            [
                f"Run {report['started']} ({report['seconds']} s in all) with `{report['command']}`.",
                "",
                machine_line(
                    report["machine"], sharing="The database and the process that exports and imports"
                ),
                f"`uptime` before: `{report['uptime']['before']}`; after: `{report['uptime']['after']}`.",
                "",
                "| measured | value |",
                "|---|---:|",
                f"| submitted applications of one batch, across units | {r['applications']:,} across {r['units']} |",
                f"| **export of every unit's roster** (one xlsx, a sheet per unit, write-only openpyxl) | **{r['export_all_seconds']} s** ({r['export_all_kib']} KiB) |",
                f"| export of one unit's roster ({r['export_unit_rows']} rows) | {r['export_unit_seconds']} s |",
                f"| **import of a {r['import_rows']:,}-row roster** (upload checks, storage, every row read and checked, rows written encrypted) | **{r['import_seconds']} s** ({r['import_file_kib']} KiB, {r['import_problems']} problems) |",
                f"| reconciliation of that roster with the applications | {r['reconcile_seconds']} s |",
                "",
                f"Targets: export under {TARGET_EXPORT_SECONDS} s — met: {export_met}; import under "
                f"{TARGET_IMPORT_SECONDS} s — met: {import_met}. Both run as background jobs (a progress "
                "bar on the job page); one unit's roster is exported while the person waits.",
            ]
        )
        + "\n"
    )
