"""The certificate-verification scenario: the public checks certificates by number, through the
page and the API, against a register of 50,000 certificates.

    .venv/bin/python bench/verify_run.py                 # or: make bench with the verify scenario
    .venv/bin/python bench/verify_run.py --verify-seconds 30 --no-results-md
    .venv/bin/python bench/verify_run.py --render bench/out/<stamp>-verify.json

Steps: a fresh PostgreSQL database of its own (`--verify-database`), migrate, seed one society
with `--verify-certificates` certificates (bench/seed_verify.py; bulk, as issuing leaves them,
with genuine signed QR payloads); one verification measured in-process (queries, time); gunicorn
as in the other scenarios (DEBUG off, bench.settings); the ceiling: GET /healthz, a bare Django
view through the whole middleware stack, with the same `--verify-users` clients; the lookup
alone (bench/urls.py: the verification's query and nothing else, a reference point between the
two); then `--verify-users` clients asking without pause for `--verify-seconds` (bench/locustfile_verify.py:
the page by number, the page from a QR code, the API, and a few unknown numbers).

Targets (issue 5): p99 under 50 ms at 50 concurrent clients, and throughput at least 60 % of the
ceiling measured in the same run. The per-address lookup limit is raised for the server
(ENGCERT_VERIFY_LOOKUPS_PER_IP_PER_MINUTE=1000000000): every client here comes from 127.0.0.1, so
the production limit (60 a minute) would refuse nearly everything; the limit's cache counter is
still read and written on every lookup, as in production, in Redis as in production
(`--verify-cache redis`, the default: Redis's database 15, emptied first) or in each gunicorn
worker's own memory (`--verify-cache local`, no round trip).

Results: a table on stdout, bench/out/<timestamp>-verify.json, and the verification section of
bench/RESULTS.md (between its own markers; the other sections are left alone).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from datetime import datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from queue_run import _cpu_per_request, server_cpu_seconds
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

TARGET_P99_MS = 50
TARGET_SHARE_OF_CEILING = 0.60
BEGIN = "<!-- bench:verify:begin (written by bench/verify_run.py) -->"
END = "<!-- bench:verify:end -->"
DEFAULTS: dict[str, Any] = {
    "verify_certificates": int(os.environ.get("BENCH_VERIFY_CERTIFICATES", 50_000)),
    "verify_users": int(os.environ.get("BENCH_VERIFY_USERS", 50)),
    "verify_spawn_rate": int(os.environ.get("BENCH_VERIFY_SPAWN_RATE", 50)),
    "verify_seconds": int(os.environ.get("BENCH_VERIFY_SECONDS", 60)),
    # The paced run: this many questions a second from all clients together.
    "verify_paced_rps": int(os.environ.get("BENCH_VERIFY_PACED_RPS", 200)),
    "verify_database": os.environ.get("BENCH_VERIFY_DB_NAME", "engcert_bench_verify"),
    "ceiling_seconds": int(os.environ.get("BENCH_CEILING_SECONDS", 30)),
    "workers": int(os.environ.get("BENCH_WORKERS", 4)),
    "worker_class": os.environ.get("BENCH_WORKER_CLASS", "sync"),
    "threads": int(os.environ.get("BENCH_THREADS", 4)),
    "port": int(os.environ.get("BENCH_PORT", 8400)),
    # The per-address counter's cache: Redis, as in production (a round trip per lookup), or
    # "local" (each gunicorn worker's own memory, no round trip).
    "verify_cache": os.environ.get("BENCH_VERIFY_CACHE", "redis"),
    "verify_redis_url": os.environ.get("BENCH_VERIFY_REDIS_URL", "redis://127.0.0.1:6379/15"),
    "no_results_md": False,
}


def cache_env(args: argparse.Namespace) -> dict[str, str]:
    """The server's cache settings for the run; Redis's bench database is emptied first."""
    if args.verify_cache == "local":
        return {}
    import redis

    try:
        redis.Redis.from_url(args.verify_redis_url, socket_connect_timeout=5).flushdb()
    except redis.RedisError as error:
        raise SystemExit(
            f"verify: Redis at {args.verify_redis_url} does not answer ({error}); start it, or run "
            "with BENCH_VERIFY_CACHE=local to keep the per-address counter in each worker's memory."
        ) from error
    return {
        "ENGCERT_CACHE_BACKEND": "django.core.cache.backends.redis.RedisCache",
        "ENGCERT_CACHE_LOCATION": args.verify_redis_url,
    }


class CpuMeter:
    """CPU time (user + system) over one load run of the two other parties to a request: the
    PostgreSQL backends serving the bench database (sampled every second from /proc, so a
    backend that starts in the middle counts from its first sample) and the load generator
    (locust, a child process: its rusage once it has exited)."""

    def __init__(self, database: str) -> None:
        self.database = database
        self.first: dict[int, float] = {}
        self.last: dict[int, float] = {}
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._poll, daemon=True)

    def _backends(self) -> dict[int, float]:
        import psycopg

        ticks = os.sysconf("SC_CLK_TCK")
        with psycopg.connect(
            "host=127.0.0.1 port=5432 user=postgres dbname=postgres", autocommit=True
        ) as conn:
            pids = [
                row[0]
                for row in conn.execute(
                    "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                    [self.database],
                )
            ]
        seconds = {}
        for pid in pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            seconds[pid] = (int(fields[11]) + int(fields[12])) / ticks
        return seconds

    def _sample(self) -> None:
        for pid, used in self._backends().items():
            self.first.setdefault(pid, used)
            self.last[pid] = used

    def _poll(self) -> None:
        while not self.stop.wait(1.0):
            self._sample()

    @staticmethod
    def _redis_seconds() -> float:
        """CPU time of the machine's Redis server (the per-address counter's store), 0 if none."""
        ticks = os.sysconf("SC_CLK_TCK")
        found = subprocess.run(["pgrep", "-x", "redis-server"], capture_output=True, text=True).stdout.split()
        seconds = 0.0
        for pid in found:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            seconds += (int(fields[11]) + int(fields[12])) / ticks
        return seconds

    def __enter__(self) -> CpuMeter:
        self.redis_before = self._redis_seconds()
        self._sample()
        self.children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join()
        self._sample()
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        self.database_seconds = sum(self.last[pid] - self.first[pid] for pid in self.last)
        self.redis_seconds = self._redis_seconds() - self.redis_before
        self.loadgen_seconds = (after.ru_utime - self.children_before.ru_utime) + (
            after.ru_stime - self.children_before.ru_stime
        )

    def per_request(self, result: dict[str, Any]) -> dict[str, float]:
        count = max(1, result["stats"].get("Aggregated", {}).get("count", 0))
        return {
            "database_cpu_ms_per_request": round(self.database_seconds * 1000 / count, 2),
            "loadgen_cpu_ms_per_request": round(self.loadgen_seconds * 1000 / count, 2),
            "cache_cpu_ms_per_request": round(self.redis_seconds * 1000 / count, 2),
        }


def measured_run(
    args: argparse.Namespace, work: Path, server_pid: int, name: str, seconds: int, extra_env: dict[str, str]
) -> dict[str, Any]:
    """One locust run of `name` without pause, with its requests a second and the CPU each
    request cost the server, PostgreSQL, Redis and the load generator."""
    cpu_before = server_cpu_seconds(server_pid)
    with CpuMeter(args.verify_database) as meter:
        result = locust(args, work, name, args.verify_users, args.verify_spawn_rate, seconds, extra_env)
    result["rps"] = result["stats"].get("Aggregated", {}).get("count", 0) / max(1, seconds)
    result["server_cpu_ms_per_request"] = _cpu_per_request(server_pid, cpu_before, result)
    result.update(meter.per_request(result))
    return result


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True, timeout=10).stdout.strip()


def _verify_rows(stats: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
    return {name: row for name, row in stats.items() if name != "Aggregated"}


def verdicts(report: dict[str, Any]) -> list[tuple[str, str, bool]]:
    crowd = report["crowd"]
    paced = report["paced"]
    agg = crowd["stats"].get("Aggregated", {})
    paced_agg = paced["stats"].get("Aggregated", {})
    ceiling = report["ceiling"]["rps"]
    share = crowd["rps"] / max(1.0, ceiling)
    users = report["config"]["verify_users"]
    failures = agg.get("failures", 1) + paced_agg.get("failures", 1)
    return [
        (
            "no request errors",
            f"{failures} failed of {agg.get('count', 0) + paced_agg.get('count', 0)}",
            failures == 0 and agg.get("count", 0) > 0 and paced_agg.get("count", 0) > 0,
        ),
        (
            f"p99 < {TARGET_P99_MS} ms at {users} concurrent clients (paced: {paced['rps']:.0f} req/s in all)",
            f"p99 {paced_agg.get('p99', 0):.0f} ms (p50 {paced_agg.get('p50', 0):.0f}, p95 {paced_agg.get('p95', 0):.0f}); "
            f"without pause: p99 {agg.get('p99', 0):.0f} ms, the ceiling's own p99 "
            f"{report['ceiling']['stats'].get('Aggregated', {}).get('p99', 0):.0f} ms",
            0 < paced_agg.get("p99", 1e9) < TARGET_P99_MS,
        ),
        (
            f"throughput >= {TARGET_SHARE_OF_CEILING:.0%} of the ceiling ({users} clients without pause)",
            f"{crowd['rps']:.0f} req/s / {ceiling:.0f} req/s = {share:.1%}; server CPU per request "
            f"{crowd.get('server_cpu_ms_per_request', '?')} ms / {report['ceiling'].get('server_cpu_ms_per_request', '?')} ms",
            share >= TARGET_SHARE_OF_CEILING,
        ),
    ]


def cpu_budget_lines(report: dict[str, Any]) -> list[str]:
    """Where the machine's CPU went per request, when the run measured it: the server, the
    database, the load generator (the rest is the kernel's and other work on the machine)."""
    rows = [("ceiling", report["ceiling"])]
    if "lookup" in report:
        rows.append(("the lookup alone", report["lookup"]))
    rows.append(("verification", report["crowd"]))
    if any("loadgen_cpu_ms_per_request" not in measured for _name, measured in rows):
        return []
    cores = report["machine"].get("nproc", "?")
    lines = [
        "",
        "CPU per request, ms (from /proc: gunicorn, the PostgreSQL backends of the bench database, "
        "the Redis server, locust):",
        "",
        "| run | req/s | server | PostgreSQL | Redis | load generator | sum | at this rate, of the machine's cores |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, measured in rows:
        parts = [
            float(measured.get("server_cpu_ms_per_request", 0)),
            float(measured["database_cpu_ms_per_request"]),
            float(measured.get("cache_cpu_ms_per_request", 0)),
            float(measured["loadgen_cpu_ms_per_request"]),
        ]
        total = sum(parts)
        redis = f"{parts[2]:.2f}" if "cache_cpu_ms_per_request" in measured else "?"
        lines.append(
            f"| {name} | {measured['rps']:.0f} | {parts[0]:.2f} | {parts[1]:.2f} | {redis} | {parts[3]:.2f} | "
            f"{total:.2f} | {total * measured['rps'] / 1000:.2f} of {cores} |"
        )
    return lines


def lookup_lines(report: dict[str, Any]) -> list[str]:
    """The reference point between the ceiling and a verification: the lookup alone."""
    lookup = report.get("lookup")
    if lookup is None:
        return []
    c = report["config"]
    share = lookup["rps"] / max(1.0, report["ceiling"]["rps"])
    return [
        f"The lookup alone: {lookup['rps']:.0f} req/s ({share:.1%} of the ceiling; GET /bench/lookup/<number>/, "
        "a view only the bench serves that runs the verification's query and answers with the number: no "
        f"per-address counter, no page; {c['verify_users']} clients without pause, {c['ceiling_seconds']} s, "
        f"{lookup['stats'].get('Aggregated', {}).get('failures', 0)} failed)."
    ]


def markdown(report: dict[str, Any]) -> str:
    m = report["machine"]
    c = report["config"]
    seed = report["seed"]
    page = report["page"]
    crowd = report["crowd"]
    lines = [
        f"Run {report['started']} ({report['total_seconds']:.0f} s in all) with `{report['command']}`.",
        "",
        machine_line(m, sharing="Load generator, server and database"),
        f"`uptime` before: `{report['uptime']['before']}`; after: `{report['uptime']['after']}`.",
        "",
        f"Server: gunicorn {c['workers']} {c['worker_class']} workers"
        + (f" x {c['threads']} threads" if c["worker_class"] == "gthread" else "")
        + ", DEBUG off, bench.settings with the per-address lookup limit raised "
        "(ENGCERT_VERIFY_LOOKUPS_PER_IP_PER_MINUTE=1000000000: every client is 127.0.0.1; the counter is "
        "still kept on every lookup), the counter kept "
        + (
            "in each worker's memory (`--verify-cache local`; Redis in production). "
            if c.get("verify_cache", "local") == "local"
            else f"in Redis ({c.get('verify_redis_url', 'redis')}), as in production. "
        )
        + f"Seeded in {seed['seconds']:.0f} s: {seed['certificates']} certificates of one society "
        f"({json.dumps(seed['by_status'])}), {seed['listed']} members listed in the register; the clients ask "
        f"for {seed['known_targets']} of the numbers at random and for {seed['unknown_targets']} numbers no "
        "certificate has.",
        "",
        *verdicts_table(verdicts(report)),
        "",
        f"One verification in-process (warm, median of 20): page {page['render_ms_median']} ms, API "
        f"{page['api_ms_median']} ms; {page['queries']} query ({page['sql_ms']} ms of SQL), "
        f"{page['bytes'] / 1024:.1f} KiB of HTML.",
        f"Ceiling: {report['ceiling']['rps']:.0f} req/s (GET /healthz, {c['verify_users']} clients without pause, "
        f"{c['ceiling_seconds']} s).",
        *lookup_lines(report),
        f"Verification: {c['verify_users']} clients without pause for {c['verify_seconds']} s: "
        f"{crowd['stats'].get('Aggregated', {}).get('count', 0)} requests, {crowd['rps']:.0f} req/s "
        "(of 100 questions: 55 page by number, 15 page from the QR code with its payload checked, 28 API, "
        "2 unknown numbers); then the same clients paced at "
        f"{c['verify_paced_rps'] / c['verify_users']:.1f} questions a second each on average (a random wait "
        f"between questions, so the clients are not in lockstep) for {c['verify_seconds']} s. "
        "Without pause, 50 clients keep every worker busy and latency is queueing (the ceiling's own p99 "
        "shows it), so the latency target is read from the paced run and the throughput target from the "
        "run without pause.",
        f"Server CPU per request (gunicorn, from /proc): ceiling {report['ceiling'].get('server_cpu_ms_per_request', '?')} ms, "
        f"verification {crowd.get('server_cpu_ms_per_request', '?')} ms.",
        *cpu_budget_lines(report),
        "",
        "Where a verification's time goes beyond the ceiling's (measured in-process, cProfile and timing "
        "loops): the lookup, one indexed query written as SQL, prepared once per connection and run on a "
        "cursor kept per connection, without Django's connection health check (a dead connection is "
        "replaced by running the read again), is a round trip plus psycopg's handling of the row and "
        "PostgreSQL's own CPU (in the table above; the lookup alone measures it with the rest of a bare view); "
        "the per-address counter, one cache operation (the client's address worked out once per process for "
        "each set of forwarding headers); the page, filled into markup rendered once per "
        "language and shape (engcert/certificates/shell.py); the QR payload's Ed25519 check (15 questions in "
        "100); for the API, django-ninja's parameter and response handling.",
        "",
        *stats_table("Ceiling", report["ceiling"]["stats"]),
        "",
        *([*stats_table("The lookup alone", report["lookup"]["stats"]), ""] if "lookup" in report else []),
        *stats_table(f"Verification: {c['verify_users']} concurrent clients without pause", crowd["stats"]),
        "",
        *stats_table(
            f"Verification: {c['verify_users']} concurrent clients paced at {c['verify_paced_rps']} req/s in all",
            report["paced"]["stats"],
        ),
        "",
        load_line(report["load"]),
    ]
    failures = (
        crowd["failures"]
        + report["paced"]["failures"]
        + report["ceiling"]["failures"]
        + report.get("lookup", {}).get("failures", [])
    )
    if failures:
        lines += ["", "Failures (first ones):", ""]
        lines += [f"- {f['name']}: {f['error']} x{f['occurrences']}" for f in failures[:10]]
    return "\n".join(lines) + "\n"


def results_md_update(text: str) -> None:
    results_section_write(text, heading="Certificate verification", begin=BEGIN, end=END)


def print_summary(report: dict[str, Any]) -> None:
    print()
    print(
        f"server CPU per request: ceiling {report['ceiling'].get('server_cpu_ms_per_request')} ms, "
        f"verification {report['crowd'].get('server_cpu_ms_per_request')} ms"
    )
    for line in lookup_lines(report):
        print(line)
    summary_print(
        verdicts(report),
        {
            "ceiling": report["ceiling"]["stats"],
            "verification": report["crowd"]["stats"],
            "paced": report["paced"]["stats"],
        },
        target_width=44,
        request_width=30,
    )


def _with_defaults(args: argparse.Namespace) -> argparse.Namespace:
    for name, value in DEFAULTS.items():
        if not hasattr(args, name):
            setattr(args, name, value)
    return args


def main(args: argparse.Namespace, command: str) -> dict[str, Any]:
    args = _with_defaults(args)
    started_at = datetime.now().astimezone()
    t0 = time.monotonic()
    OUT.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="engcert-bench-verify-"))
    (work / "mail").mkdir()
    args.database = args.verify_database
    env = server_env(args, work)
    env["ENGCERT_SIGNING_DIR"] = str(work / "signing")
    env["ENGCERT_VERIFY_LOOKUPS_PER_IP_PER_MINUTE"] = "1000000000"
    env.update(cache_env(args))
    report: dict[str, Any] = {
        "started": started_at.isoformat(timespec="seconds"),
        "command": command,
        "config": {k: v for k, v in vars(args).items()},
        "workdir": str(work),
        "uptime": {"before": uptime()},
    }
    log(f"verify: {report['uptime']['before']}")
    log(f"verify: database {args.verify_database}: drop, create, migrate")
    report["machine"] = machine(database_recreate(args.verify_database))
    manage(env, "migrate", "-v0", timeout=300)
    manage(env, "collectstatic", "--noinput", "-v0", timeout=300)
    log(f"verify: seeding {args.verify_certificates} certificates")
    seed_py = [PYTHON, str(BENCH / "seed_verify.py")]
    # The seed makes the society's development keys (the server then only reads them).
    seed_env = {**env, "ENGCERT_REQUIRE_SECRETS": "false"}
    out = run(
        [*seed_py, "seed", str(work), "--certificates", str(args.verify_certificates)],
        seed_env,
        1800,
        capture=True,
    )
    report["seed"] = json.loads(out.strip().splitlines()[-1])
    log(f"verify: seeded in {report['seed']['seconds']} s")
    report["page"] = json.loads(
        run([*seed_py, "page", report["seed"]["sample"]], env, 300, capture=True).strip().splitlines()[-1]
    )
    log(
        f"verify: in-process page {report['page']['render_ms_median']} ms, {report['page']['queries']} queries"
    )

    procs = Processes()
    try:
        server = procs.start(gunicorn_command(args, graceful_timeout=10), env, work / "gunicorn.log")
        wait_healthy(f"http://127.0.0.1:{args.port}/healthz", seconds=120)
        sample = report["seed"]["sample"]
        for _ in range(100):
            urllib.request.urlopen(f"http://127.0.0.1:{args.port}/healthz", timeout=5).read()
            urllib.request.urlopen(f"http://127.0.0.1:{args.port}/verify/{sample}/", timeout=5).read()
        report["load"] = {"before": load_sample()}
        log(f"verify: ceiling, {args.verify_users} clients, {args.ceiling_seconds} s")
        report["ceiling"] = measured_run(args, work, server.pid, "ceiling", args.ceiling_seconds, {})
        report["load"]["after_ceiling"] = load_sample()

        targets = {"BENCH_VERIFY_TARGETS": str(work / "targets.json")}
        log(f"verify: the lookup alone, {args.verify_users} clients, {args.ceiling_seconds} s")
        report["lookup"] = measured_run(args, work, server.pid, "lookup", args.ceiling_seconds, targets)
        report["load"]["after_lookup"] = load_sample()

        log(f"verify: {args.verify_users} clients without pause, {args.verify_seconds} s")
        crowd = measured_run(
            args, work, server.pid, "verify", args.verify_seconds, {**targets, "BENCH_VERIFY_WAIT": "0,0"}
        )
        report["crowd"] = crowd
        report["load"]["after_verify"] = load_sample()

        rate = args.verify_paced_rps / args.verify_users
        log(
            f"verify: {args.verify_users} clients paced at {rate:.1f} questions/s each, {args.verify_seconds} s"
        )
        paced = locust(
            args,
            work,
            "verify",
            args.verify_users,
            args.verify_spawn_rate,
            args.verify_seconds,
            {"BENCH_VERIFY_TARGETS": str(work / "targets.json"), "BENCH_VERIFY_RATE": f"{rate:.4f}"},
            label="verify-paced",
        )
        paced["rps"] = paced["stats"].get("Aggregated", {}).get("count", 0) / max(1, args.verify_seconds)
        report["paced"] = paced
        report["load"]["after_paced"] = load_sample()
    finally:
        procs.stop()
    report["uptime"]["after"] = uptime()
    log(f"verify: {report['uptime']['after']}")
    report["total_seconds"] = round(time.monotonic() - t0, 1)
    stamp = report_save(
        report,
        started_at=started_at,
        work=work,
        scenario="verify",
        logs=(
            "gunicorn.log",
            "verify-locust.log",
            "verify-paced-locust.log",
            "ceiling-locust.log",
            "lookup-locust.log",
        ),
    )
    if not args.no_results_md:
        results_md_update(markdown(report))
    print_summary(report)
    print(f"\nwrote bench/out/{stamp}-verify.json" + ("" if args.no_results_md else " and bench/RESULTS.md"))
    shutil.rmtree(work, ignore_errors=True)
    return report


def render(path: str, no_results_md: bool) -> None:
    report = json.loads(Path(path).read_text(encoding="utf-8"))
    if not no_results_md:
        results_md_update(markdown(report))
    print_summary(report)


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    for name, value in DEFAULTS.items():
        flag = "--" + name.replace("_", "-")
        if isinstance(value, bool):
            p.add_argument(flag, action="store_true")
        elif name == "worker_class":
            p.add_argument(flag, default=value, choices=["sync", "gthread"])
        elif name == "verify_cache":
            p.add_argument(flag, default=value, choices=["redis", "local"])
        else:
            p.add_argument(flag, type=type(value), default=value)
    p.add_argument(
        "--render", metavar="JSON", help="only redo the table and RESULTS.md from an earlier run's JSON"
    )
    return p.parse_args()


if __name__ == "__main__":
    arguments = parse_args()
    if arguments.render:
        render(arguments.render, arguments.no_results_md)
    else:
        main(arguments, " ".join([".venv/bin/python bench/verify_run.py", *sys.argv[1:]]))
