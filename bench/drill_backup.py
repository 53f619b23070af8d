"""Backup drill: a whole engcert at bench volume backed up, restored onto a new database, and
compared row by row and file by file with the original.

    .venv/bin/python bench/drill_backup.py            # or: make drill-backup

1. **Source.** Drops and recreates PostgreSQL database `engcert_drill_source` (`--database`),
   migrates, and seeds it with the bench's own seeders, in an order in which they do not clash:
   bench/seed.py (the rush: 2,000 complete drafts and 3,000 applications of an earlier batch,
   built through the domain functions), bench/seed_queue.py (a batch of 50,000 submitted
   applications with their audit trails) and bench/seed_verify.py (50,000 registered members with
   their certificates). No demo data: the demo's certificates would take the status-list indexes
   seed_verify gives out.
2. **Files.** 3,000 uploaded files (`--files`, 1-64 KiB of random bytes, incompressible as the
   PDFs and photographs people upload) saved through Django's storage API into a private
   MEDIA_ROOT under var/drill-backup/.
3. **Backup.** `manage.py backup --output ...`: wall time and the archive's size.
4. **Restore.** A new database `engcert_drill_restored`, migrated (empty but for what the
   migrations write), an empty MEDIA_ROOT of its own, then `manage.py restore --no-input`: wall
   time.
5. **Comparison.** For every table of the source: the row count and an MD5 of its rows (the
   output of `COPY (SELECT ... ORDER BY <primary key>) TO STDOUT`) in both databases, and every
   file's SHA-256 in both MEDIA_ROOTs. Also: the id sequences of the restored database hand out
   ids past the restored rows.
6. **Damage.** Copies of the archive with a few bytes changed a quarter in (compressed table
   rows) and three quarters in (files), and one cut short: `manage.py restore --check` must
   refuse each (non-zero exit, a message and no traceback), and a real `restore --no-input` of
   them must leave the restored database and files as they were.

Prints a table, writes bench/out/drill-backup-<time>.json and the "Backups" section of
bench/RESULTS.md (between backups:begin/end) unless --no-results-md; `drill_backup.py render
bench/out/drill-backup-<time>.json` writes that section again from a run's JSON. The databases and
var/drill-backup/ are dropped at the end unless --keep.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import shutil
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import run as bench

BEGIN, END = "<!-- backups:begin (written by bench/drill_backup.py) -->", "<!-- backups:end -->"
WORK = bench.ROOT / "var" / "drill-backup"


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--database", default="engcert_drill_source", help="the database backed up")
    p.add_argument("--restored-database", default="engcert_drill_restored", help="the database restored into")
    p.add_argument("--applicants", type=int, default=bench.env_int("DRILL_APPLICANTS", 2000))
    p.add_argument("--history", type=int, default=bench.env_int("DRILL_HISTORY", 3000))
    p.add_argument(
        "--queue-applications", type=int, default=bench.env_int("DRILL_QUEUE_APPLICATIONS", 50_000)
    )
    p.add_argument("--certificates", type=int, default=bench.env_int("DRILL_CERTIFICATES", 50_000))
    p.add_argument("--files", type=int, default=bench.env_int("DRILL_FILES", 3000))
    p.add_argument("--port", type=int, default=8231, help="only for the site URL in the settings")
    p.add_argument("--keep", action="store_true", help="keep the databases and var/drill-backup/")
    p.add_argument("--no-results-md", action="store_true")
    args = p.parse_args()
    # What bench/run.py's seeding reads.
    args.editors, args.solo = 60, 30
    return args


# -- inside Django: the uploaded files --------------------------------------------------------------


def files_seed(count: int) -> dict[str, int]:
    """`count` files through the default storage, as uploads and issued certificates are stored."""
    import django

    django.setup()
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    rng = random.Random(20261206)
    total = 0
    for i in range(count):
        folder = ("attachments", "attachments", "attachments", "photos", "certificates")[i % 5]
        suffix = {"attachments": "pdf", "photos": "jpg", "certificates": "pdf"}[folder]
        size = rng.randint(1024, 64 * 1024)
        name = f"{folder}/{i // 500:03d}/drill-{i:05d}-材料.{suffix}"
        saved = default_storage.save(name, ContentFile(rng.randbytes(size)))
        if saved != name:
            raise SystemExit(f"the storage saved {name} as {saved}")
        total += size
    return {"files": count, "bytes": total}


# -- comparing two databases ------------------------------------------------------------------------


def connect(database: str) -> Any:
    import psycopg

    return psycopg.connect(f"host=127.0.0.1 port=5432 user=postgres dbname={database}", autocommit=True)


def tables_of(conn: Any) -> list[str]:
    rows = conn.execute(
        "select tablename from pg_tables where schemaname = 'public' order by tablename"
    ).fetchall()
    return [row[0] for row in rows]


def columns_of(conn: Any, table: str) -> list[str]:
    rows = conn.execute(
        "select column_name from information_schema.columns where table_schema = 'public' "
        "and table_name = %s order by ordinal_position",
        [table],
    ).fetchall()
    return [row[0] for row in rows]


def primary_key_of(conn: Any, table: str) -> list[str]:
    rows = conn.execute(
        "select a.attname from pg_index i join pg_attribute a on a.attrelid = i.indrelid "
        "and a.attnum = any(i.indkey) where i.indrelid = %s::regclass and i.indisprimary order by a.attnum",
        [f'public."{table}"'],
    ).fetchall()
    return [row[0] for row in rows]


def table_fingerprint(conn: Any, table: str, columns: list[str], order: list[str]) -> tuple[int, str]:
    """Row count and the MD5 of the table's rows in COPY text format, ordered by `order`."""
    quote = '"{}"'.format
    # Names from PostgreSQL's own catalogue, quoted.
    select = f"select {', '.join(map(quote, columns))} from {quote(table)}"  # noqa: S608
    if order:
        select += f" order by {', '.join(map(quote, order))}"
    digest = hashlib.md5()  # noqa: S324 - a checksum of rows, not a security measure
    rows = 0
    lines: list[bytes] = []
    with conn.cursor() as cursor, cursor.copy(f"copy ({select}) to stdout") as copy:
        for chunk in copy:
            data = bytes(chunk)
            rows += data.count(b"\n")
            if order:
                digest.update(data)
            else:
                lines.append(data)
    if not order:  # no primary key: the rows in a fixed order all the same
        for line in sorted(b"".join(lines).splitlines()):
            digest.update(line + b"\n")
    return rows, digest.hexdigest()


def databases_compare(source: str, restored: str) -> dict[str, Any]:
    with connect(source) as a, connect(restored) as b:
        rows: list[dict[str, Any]] = []
        for table in tables_of(a):
            if table == "django_migrations":
                # Not in a backup: the restored database's own, with its own times of applying.
                columns, order = ["app", "name"], ["app", "name"]
            else:
                columns, order = columns_of(a, table), primary_key_of(a, table)
            count_a, md5_a = table_fingerprint(a, table, columns, order)
            count_b, md5_b = table_fingerprint(b, table, columns, order)
            rows.append(
                {
                    "table": table,
                    "rows": count_a,
                    "rows_restored": count_b,
                    "md5": md5_a,
                    "md5_restored": md5_b,
                    "identical": count_a == count_b and md5_a == md5_b,
                }
            )
        missing = sorted(set(tables_of(b)) - set(tables_of(a)))
        sequences = sequences_check(b)
    return {
        "tables": rows,
        "tables_only_in_restored": missing,
        "sequences": sequences,
        "identical": all(row["identical"] for row in rows) and not missing and not sequences["behind"],
    }


def sequences_check(conn: Any) -> dict[str, Any]:
    """Every id sequence of the restored database is past the largest id restored."""
    owned = conn.execute(
        "select s.relname, t.relname, a.attname from pg_class s "
        "join pg_depend d on d.objid = s.oid and d.deptype in ('a', 'i') "
        "join pg_class t on t.oid = d.refobjid "
        "join pg_attribute a on a.attrelid = t.oid and a.attnum = d.refobjsubid "
        "where s.relkind = 'S'"
    ).fetchall()
    behind = []
    for sequence, table, column in owned:
        last, called = conn.execute(f'select last_value, is_called from "{sequence}"').fetchone()  # noqa: S608
        top = conn.execute(f'select max("{column}") from "{table}"').fetchone()[0]  # noqa: S608
        next_value = last + 1 if called else last
        if top is not None and next_value <= top:
            behind.append({"sequence": sequence, "next": next_value, "max": top})
    return {"checked": len(owned), "behind": behind}


def files_digest(root: Path) -> dict[str, tuple[int, str]]:
    found: dict[str, tuple[int, str]] = {}
    for path in sorted(root.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            found[path.relative_to(root).as_posix()] = (len(data), hashlib.sha256(data).hexdigest())
    return found


def files_compare(source: Path, restored: Path) -> dict[str, Any]:
    a, b = files_digest(source), files_digest(restored)
    differing = sorted(name for name in a if name in b and a[name] != b[name])
    return {
        "files": len(a),
        "bytes": sum(size for size, _ in a.values()),
        "files_restored": len(b),
        "missing": sorted(set(a) - set(b))[:20],
        "extra": sorted(set(b) - set(a))[:20],
        "differing": differing[:20],
        "identical": a == b,
    }


# -- the drill ---------------------------------------------------------------------------------------


def timed(env: dict[str, str], *argv: str, timeout: int) -> tuple[float, str]:
    started = time.monotonic()
    out = bench.manage(env, *argv, timeout=timeout)
    return round(time.monotonic() - started, 1), out.strip()


def refused(env: dict[str, str], *argv: str) -> dict[str, Any]:
    """Run a manage.py command that must fail cleanly: exit code, and its last line of output."""
    result = subprocess.run(
        [bench.PYTHON, "manage.py", *argv],
        cwd=bench.ROOT,
        env=env,
        timeout=1800,
        text=True,
        capture_output=True,
        check=False,
    )
    message = (result.stderr.strip() or result.stdout.strip()).splitlines()
    return {
        "exit": result.returncode,
        "message": message[-1][:300] if message else "",
        "traceback": "Traceback" in result.stderr,
    }


def damaged_copies(archive: Path) -> dict[str, Path]:
    """Copies of the archive as a disk or a transfer may damage it: a few bytes changed in the
    compressed tables (a quarter in), in the files (three quarters in), and the end cut off."""
    original = archive.read_bytes()
    copies: dict[str, Path] = {}
    for kind, fraction in (("bytes changed a quarter in", 4), ("bytes changed three quarters in", 4 / 3)):
        data = bytearray(original)
        start = int(len(data) / fraction)
        for offset in range(start, start + 64, 8):
            data[offset] ^= 0xFF
        copies[kind] = archive.with_name(f"damaged-{len(copies)}.tar.gz")
        copies[kind].write_bytes(bytes(data))
    copies["cut at two thirds"] = archive.with_name("damaged-cut.tar.gz")
    copies["cut at two thirds"].write_bytes(original[: len(original) * 2 // 3])
    return copies


def drill(args: argparse.Namespace, report: dict[str, Any]) -> None:
    source_media, restored_media = WORK / "media-source", WORK / "media-restored"
    archive = WORK / "engcert-drill.tar.gz"
    env = bench.server_env(args, WORK)
    env.update({"ENGCERT_MEDIA_ROOT": str(source_media), "ENGCERT_SIGNING_DIR": str(WORK / "signing")})

    pg_version = bench.database_recreate(args.database)
    report["machine"] = bench.machine(pg_version)
    bench.log(f"database {args.database}: migrate")
    bench.manage(env, "migrate", "-v0", timeout=900)

    bench.log(f"seeding: {args.applicants} drafts and {args.history} earlier applications (bench/seed.py)")
    report["seed"] = {"rush": bench.seed(args, env)}
    bench.log(f"seeding: a batch of {args.queue_applications} applications (bench/seed_queue.py)")
    started = time.monotonic()
    bench.run(
        [
            bench.PYTHON,
            str(bench.BENCH / "seed_queue.py"),
            str(WORK / "queue"),
            "--applications",
            str(args.queue_applications),
            "--staff",
            "5",
        ],
        env,
        1800,
    )
    report["seed"]["queue_seconds"] = round(time.monotonic() - started, 1)
    bench.log(f"seeding: {args.certificates} certificates (bench/seed_verify.py)")
    (WORK / "verify").mkdir(exist_ok=True)
    # The seed makes the society's development signing keys, as bench/verify_run.py's does.
    out = bench.run(
        [
            bench.PYTHON,
            str(bench.BENCH / "seed_verify.py"),
            "seed",
            str(WORK / "verify"),
            "--certificates",
            str(args.certificates),
        ],
        {**env, "ENGCERT_REQUIRE_SECRETS": "false"},
        1800,
        capture=True,
    )
    report["seed"]["verify"] = json.loads(out.strip().splitlines()[-1])
    bench.log(f"seeding: {args.files} files through the storage API")
    started = time.monotonic()
    out = bench.run([bench.PYTHON, __file__, "files", str(args.files)], env, 1800, capture=True)
    report["seed"]["files"] = json.loads(out.strip().splitlines()[-1])
    report["seed"]["files"]["seconds"] = round(time.monotonic() - started, 1)
    with connect(args.database) as conn:
        report["database_bytes"] = conn.execute("select pg_database_size(current_database())").fetchone()[0]

    bench.log("manage.py backup")
    seconds, out = timed(env, "backup", "--output", str(archive), timeout=3600)
    report["backup"] = {"seconds": seconds, "archive_bytes": archive.stat().st_size, "output": out}
    bench.log(f"backup: {seconds} s, {archive.stat().st_size} bytes")

    restored_env = {
        **env,
        "ENGCERT_DB_NAME": args.restored_database,
        "ENGCERT_MEDIA_ROOT": str(restored_media),
    }
    bench.database_recreate(args.restored_database)
    bench.log(f"database {args.restored_database}: migrate")
    seconds, _ = timed(restored_env, "migrate", "-v0", timeout=900)
    report["restore"] = {"migrate_seconds": seconds}
    check_seconds, _ = timed(restored_env, "restore", str(archive), "--check", timeout=3600)
    report["restore"]["check_seconds"] = check_seconds
    bench.log("manage.py restore --no-input")
    seconds, out = timed(restored_env, "restore", str(archive), "--no-input", timeout=3600)
    report["restore"].update({"seconds": seconds, "output": out})
    bench.log(f"restore: {seconds} s")

    bench.log("comparing every table and every file")
    started = time.monotonic()
    report["compare"] = {
        "database": databases_compare(args.database, args.restored_database),
        "files": files_compare(source_media, restored_media),
    }
    report["compare"]["seconds"] = round(time.monotonic() - started, 1)

    bench.log("damaged copies: restore --check, then restore --no-input")
    before = report["compare"]["database"]["identical"] and report["compare"]["files"]["identical"]
    damage: dict[str, Any] = {}
    for kind, path in damaged_copies(archive).items():
        damage[kind] = {
            "check": refused(restored_env, "restore", str(path), "--check"),
            "restore": refused(restored_env, "restore", str(path), "--no-input"),
        }
        path.unlink()
    after_db = databases_compare(args.database, args.restored_database)["identical"]
    after_files = files_compare(source_media, restored_media)["identical"]
    report["damaged"] = {
        "copies": damage,
        "all_refused": all(
            run["exit"] != 0 and not run["traceback"] for runs in damage.values() for run in runs.values()
        ),
        "unchanged": before and after_db and after_files,
    }


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "files":
        print(json.dumps(files_seed(int(sys.argv[2]))))
        return
    if len(sys.argv) == 3 and sys.argv[1] == "render":  # the section again from a run's JSON
        text = markdown(json.loads(Path(sys.argv[2]).read_text(encoding="utf-8")))
        bench.results_section_write(text, heading="Backups", begin=BEGIN, end=END)
        print(text)
        return
    args = parse_args()
    started_at = datetime.now().astimezone()
    report: dict[str, Any] = {
        "started": started_at.isoformat(timespec="seconds"),
        "config": vars(args).copy(),
    }
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    try:
        drill(args, report)
    finally:
        bench.OUT.mkdir(parents=True, exist_ok=True)
        out = bench.OUT / f"drill-backup-{started_at:%Y%m%d-%H%M%S}.json"
        out.write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str), encoding="utf-8")
        if not args.keep:
            shutil.rmtree(WORK, ignore_errors=True)
            with connect("postgres") as conn:
                for name in (args.database, args.restored_database):
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    report["ok"] = (
        report["compare"]["database"]["identical"]
        and report["compare"]["files"]["identical"]
        and report["damaged"]["all_refused"]
        and report["damaged"]["unchanged"]
    )
    text = markdown(report)
    print(text)
    if not args.no_results_md:
        bench.results_section_write(text, heading="Backups", begin=BEGIN, end=END)
    sys.exit(0 if report["ok"] else 1)


def mib(n: float) -> str:
    return f"{n / 1048576:.1f} MiB"


def markdown(report: dict[str, Any]) -> str:
    db, files = report["compare"]["database"], report["compare"]["files"]
    backup, restore = report["backup"], report["restore"]
    rows = sum(row["rows"] for row in db["tables"])
    payload = report["database_bytes"] + files["bytes"]
    top = sorted(db["tables"], key=lambda row: -row["rows"])[:12]
    differing = [row["table"] for row in db["tables"] if not row["identical"]]
    seed = report["seed"]
    yes = {True: "yes", False: "**no**"}
    lines = [
        f"Drill {report['started']} with `bench/drill_backup.py` (`make drill-backup`), "
        f"{report['config']['database']} → {report['config']['restored_database']} on the shared PostgreSQL.",
        "",
        bench.machine_line(report["machine"], sharing="The drill and other people's work"),
        "",
        f"Seeded: {seed['rush'].get('applications', '?')} applications from bench/seed.py (drafts and an earlier "
        f"batch, through the domain functions), {report['config']['queue_applications']} from "
        f"bench/seed_queue.py, {seed['verify']['certificates']} certificates from bench/seed_verify.py; "
        f"{seed['files']['files']} files of 1–64 KiB of random bytes ({mib(seed['files']['bytes'])}) saved "
        "through the storage API into a private MEDIA_ROOT, beside the attachments bench/seed.py's "
        f"applications stored ({files['files']} files, {mib(files['bytes'])} in all). Database size "
        f"{mib(report['database_bytes'])} (pg_database_size, indexes included).",
        "",
        "| measure | value |",
        "|---|---|",
        f"| tables / rows / files | {len(db['tables'])} / {rows} / {files['files']} ({mib(files['bytes'])}) |",
        f"| `manage.py backup` | {backup['seconds']} s, archive {mib(backup['archive_bytes'])} |",
        f"| backup throughput | {rows / backup['seconds']:.0f} rows/s, "
        f"{mib(payload / backup['seconds'])}/s of database and files |",
        f"| new database migrated | {restore['migrate_seconds']} s |",
        f"| `manage.py restore --check` (every checksum) | {restore['check_seconds']} s |",
        f"| `manage.py restore --no-input` | {restore['seconds']} s |",
        f"| restore throughput | {rows / restore['seconds']:.0f} rows/s, "
        f"{mib(backup['archive_bytes'] / restore['seconds'])}/s of archive |",
        f"| tables with the same row count and MD5 of their rows | {len(db['tables']) - len(differing)} of "
        f"{len(db['tables'])}{' (differing: ' + ', '.join(differing) + ')' if differing else ''} |",
        f"| files with the same SHA-256 | {files['files_restored'] - len(files['differing'])} of {files['files']} "
        f"(missing {len(files['missing'])}, extra {len(files['extra'])}) |",
        f"| id sequences past the restored rows | {db['sequences']['checked'] - len(db['sequences']['behind'])} "
        f"of {db['sequences']['checked']} |",
        f"| **identical: database** | **{yes[db['identical']]}** |",
        f"| **identical: files** | **{yes[files['identical']]}** |",
    ]
    for kind, runs in report["damaged"]["copies"].items():
        lines.append(
            f"| damaged copy ({kind}): `restore --check` / `restore --no-input` | "
            f"exit {runs['check']['exit']} / exit {runs['restore']['exit']}"
            f"{' (a traceback)' if any(r['traceback'] for r in runs.values()) else ''}: "
            f"“{runs['check']['message']}” |"
        )
    lines += [
        f"| damaged copies refused, restored database and files unchanged | "
        f"{yes[report['damaged']['all_refused'] and report['damaged']['unchanged']]} |",
        "",
        "Largest tables (rows in the source; each restored with the same count and MD5):",
        "",
        "| table | rows | identical |",
        "|---|---:|:-:|",
        *[f"| {row['table']} | {row['rows']} | {yes[row['identical']]} |" for row in top],
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
