"""The certificate-issuance scenario of `make bench`: on a fresh PostgreSQL database, issue N
certificates one after the other, as the task worker of a batch's issuance run does (numbered,
QR payload signed, PDF rendered with the embedded CJK fonts, PAdES-signed, stored, audited),
and record certificates per second in bench/RESULTS.md.

    .venv/bin/python bench/run.py --scenario certificates [--certificates-count 200]
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

BEGIN = "<!-- bench:certificates:begin (written by bench/certificates_run.py) -->"
END = "<!-- bench:certificates:end -->"
DEFAULTS = {"certificates_count": 200, "certificates_database": "engcert_bench_certificates"}


def main(args: argparse.Namespace, command: str) -> dict[str, Any]:
    for name, value in DEFAULTS.items():
        if getattr(args, name, None) is None:
            setattr(args, name, value)
    started_at = datetime.now().astimezone()
    t0 = time.monotonic()
    OUT.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="engcert-bench-certificates-"))
    args.database = args.certificates_database
    env = server_env(args, work)
    env["ENGCERT_SIGNING_DIR"] = str(work / "signing")
    # The bench society's keys are made on first use, as in development (production's are
    # configured; making them is not part of issuing).
    env["ENGCERT_REQUIRE_SECRETS"] = "false"
    report: dict[str, Any] = {
        "started": started_at.isoformat(timespec="seconds"),
        "command": command,
        "uptime": {"before": uptime()},
    }
    try:
        log(f"certificates: database {args.database}: drop, create, migrate")
        report["machine"] = machine(database_recreate(args.database))
        manage(env, "migrate", "-v0", timeout=300)
        log(f"certificates: issuing {args.certificates_count}")
        out = run(
            [PYTHON, str(BENCH / "certificates_issue.py"), str(args.certificates_count)],
            env,
            3600,
            capture=True,
        )
        report["issue"] = json.loads(out.strip().splitlines()[-1])
        report["uptime"]["after"] = uptime()
        report["seconds"] = round(time.monotonic() - t0)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    report_save(report, started_at=started_at, work=work, scenario="certificates", logs=())
    if not getattr(args, "no_results_md", False):
        results_section_write(markdown(report), heading="Certificate issuance", begin=BEGIN, end=END)
    issue = report["issue"]
    log(f"certificates: {issue['certificates_per_second']} certificates/s ({issue['certificates']} issued)")
    return report


def markdown(report: dict[str, Any]) -> str:
    issue = report["issue"]
    per_second = issue["certificates_per_second"]
    thousand = round(1000 / per_second / 60, 1) if per_second else None
    return (
        "\n".join(
            [
                f"Run {report['started']} ({report['seconds']} s in all) with `{report['command']}`.",
                "",
                machine_line(report["machine"], sharing="The database and the issuing process"),
                f"`uptime` before: `{report['uptime']['before']}`; after: `{report['uptime']['after']}`.",
                "",
                "| measured | value |",
                "|---|---:|",
                f"| certificates issued (one process, one after the other) | {issue['certificates']} |",
                f"| signed PDFs stored | {issue['pdfs_stored']} (mean {issue['mean_pdf_kib']} KiB) |",
                f"| first certificate (loads fonts and keys) | {issue['first_certificate_seconds']} s |",
                f"| **certificates per second** after the first | **{per_second}** |",
                f"| a batch of 1,000 by one task worker | about {thousand} min |",
                "",
                "Each certificate: a number with its random part, the Ed25519-signed QR payload, the "
                "bilingual PDF rendered by WeasyPrint with embedded Noto CJK fonts, the PAdES signature "
                "(pyHanko), the file stored through Django's storage and the audit event. Rendering is "
                "most of the time; an issuance run is one task, so several batches issue in parallel on "
                "as many task workers.",
            ]
        )
        + "\n"
    )
