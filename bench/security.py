"""`make security`: sqlmap against engcert's main forms and its API, on loopback, as in production.

Steps: a fresh PostgreSQL database (engcert_security) with the demo; gunicorn on 127.0.0.1:8101
with the production settings (per-client limits lifted, see bench/security_settings.py); sessions
of the demo's staff and applicant and an API token (bench/security_prepare.py); then sqlmap
(Debian's package) over each target below. A table on stdout (target, parameters tested, result),
sqlmap's own files under var/security/, and the "Security scan" section of bench/RESULTS.md.
Exits 1 if any parameter is injectable or a target could not be tested.

sqlmap's choices, and why:
- --level 2: every GET and POST parameter and the URI markers (*), and the cookies too (level 2
  adds them: the session and CSRF cookies are parameters an attacker controls); level 3 would add
  the User-Agent and Referer headers, which engcert never puts in a query.
- --risk 1: no heavy time-based queries and no OR-based payloads, which on an UPDATE could
  change every row of the scanned database.
- --technique BEUSTQ (all of them) with --dbms PostgreSQL: the time-based and stacked tests cost
  time only where a parameter really reaches the database unescaped, and telling sqlmap the
  database skips the payloads of the twenty others; --time-sec 3 keeps a delay distinguishable
  on a busy machine.
- --flush-session: every run tests again instead of replaying what an earlier run found.
- A target with a path parameter marks it with *, and then sqlmap tests only what is marked, so
  its query parameters carry a * too.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import secrets
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import PYTHON, VENV_BIN, Processes, bench_key, database_recreate, wait_healthy  # noqa: E402

RESULTS = ROOT / "bench" / "RESULTS.md"
HEADING = "## Security scan"


@dataclass
class Target:
    name: str
    path: str
    data: str = ""
    cookie: str = ""
    headers: str = ""
    csrf_url: str = ""
    # Filled in by the run.
    tested: list[str] = field(default_factory=list)
    injectable: list[str] = field(default_factory=list)
    discarded: list[str] = field(default_factory=list)
    result: str = ""
    seconds: float = 0.0


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--port", type=int, default=int(os.environ.get("SECURITY_PORT", 8101)))
    p.add_argument("--database", default=os.environ.get("SECURITY_DB_NAME", "engcert_security"))
    p.add_argument("--level", type=int, default=2)
    p.add_argument("--risk", type=int, default=1)
    p.add_argument("--technique", default="BEUSTQ")
    p.add_argument("--threads", type=int, default=4)
    p.add_argument("--only", help="comma-separated target names")
    p.add_argument(
        "--reuse-database",
        action="store_true",
        help="scan the database and signing material of the previous run instead of building them again",
    )
    p.add_argument("--no-results-md", action="store_true", help="do not rewrite bench/RESULTS.md")
    return p.parse_args()


def log(message: str) -> None:
    print(f"[{datetime.now():%H:%M:%S}] {message}", flush=True)


def scan_env(args: argparse.Namespace, work: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ENGCERT_", "DJANGO_"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench.security_settings",
            "PYTHONPATH": str(ROOT),
            "ENGCERT_DB": "postgres",
            "ENGCERT_DB_NAME": args.database,
            "ENGCERT_DEBUG": "false",
            "ENGCERT_REQUIRE_SECRETS": "true",
            "ENGCERT_SECRET_KEY": secrets.token_urlsafe(64),
            # Fixed, public keys for this throwaway database, so that --reuse-database can read it.
            "ENGCERT_FIELD_KEYS": "scan1:" + bench_key("security-field"),
            "ENGCERT_INDEX_KEY": bench_key("security-index"),
            "ENGCERT_DATA_DIR": str(work / "data"),
            "ENGCERT_MEDIA_ROOT": str(work / "media"),
            "ENGCERT_SIGNING_DIR": str(work / "signing"),
            "ENGCERT_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "ENGCERT_CACHE_BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "ENGCERT_CACHE_LOCATION": "engcert_cache",
            "ENGCERT_SITE_URL": f"http://127.0.0.1:{args.port}",
            "ENGCERT_LOG_LEVEL": "WARNING",
        }
    )
    return env


def run(cmd: list[str], env: dict[str, str], timeout: int) -> str:
    result = subprocess.run(cmd, cwd=ROOT, env=env, timeout=timeout, text=True, capture_output=True)
    if result.returncode != 0:
        sys.stderr.write(result.stdout[-4000:] + result.stderr[-4000:])
        raise SystemExit(f"failed ({result.returncode}): {' '.join(cmd)}")
    return result.stdout


def targets_for(ids: dict[str, str]) -> list[Target]:
    csrf_cookie = "".join(secrets.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(32))
    staff = f"sessionid={ids['staff_session']}; csrftoken={csrf_cookie}; django_language=en"
    applicant = f"sessionid={ids['applicant_session']}; csrftoken={csrf_cookie}; django_language=en"
    anonymous = f"csrftoken={csrf_cookie}; django_language=en"
    bearer = f"Authorization: Bearer {ids['api_token']}"
    society, batch, certificate = ids["society"], ids["batch"], ids["certificate"]
    section = f"/applications/{ids['application']}/edit/personal/"
    objection = f"/notices/{ids['notice']}/candidates/{ids['notice_entry']}/object/"
    return [
        Target("verify form", "/verify/?number=CSEE-2026-T0000001X", cookie=anonymous),
        Target("verify page", f"/verify/{certificate}*/?p=eyJhbGciOiJFZERTQSJ9.e30.c2ln*", cookie=anonymous),
        Target("verify API", f"/api/v1/certificates/{certificate}*?p=eyJhbGciOiJFZERTQSJ9.e30.c2ln*"),
        Target(
            "register search", "/register/?q=Wang&unit=Power&discipline=1&grade=PE&page=1", cookie=anonymous
        ),
        Target("register API", "/api/v1/register?q=Wang&unit=Power&discipline=&grade=PE&society=csee&page=1"),
        Target(
            "sign-in form",
            "/accounts/login/",
            data="csrfmiddlewaretoken=x&login=nobody%40example.org&password=wrong-password-123",
            cookie=anonymous,
            csrf_url="/accounts/login/",
        ),
        Target(
            "staff queue filters",
            f"/staff/{society}/batches/{batch}/queue/?q=Wang&stage=submitted&grade=1&discipline=1&unit=1"
            "&path=full&flag=overdue&sort=submitted",
            cookie=staff,
        ),
        Target(
            "application section",
            section,
            data=(
                "csrfmiddlewaretoken=x&full_name=Wang&full_name_en=Wang+Wei&gender=M&birth_date=1985-03-02"
                "&nationality=China&id_type=passport&id_number=E12345678&phone=13800000001"
                "&email=applicant%40demo.engcert&address=Beijing&employer=Power&department_position=Engineer"
                "&action=save"
            ),
            cookie=applicant,
            csrf_url=section,
        ),
        Target(
            "sign-up form",
            "/accounts/signup/",
            data=(
                "csrfmiddlewaretoken=x&full_name=Wang+Wei&email=new-person%40example.org"
                "&password1=a-Long-pass-2026&password2=a-Long-pass-2026"
            ),
            cookie=anonymous,
            csrf_url="/accounts/signup/",
        ),
        Target(
            "objection form",
            objection,
            data=(
                "csrfmiddlewaretoken=x&name=Li+Ming&phone=13800000002&email=li%40example.org"
                f"&statement=The+project+dates+do+not+match.&website=&shown={ids['objection_shown']}"
            ),
            cookie=anonymous,
            csrf_url=objection,
        ),
        Target(
            "API batches",
            f"/api/v1/batches?status=published&open=true&society={society}&page=1&page_size=20",
            headers=bearer,
        ),
        Target(
            "API candidates",
            f"/api/v1/batches/{batch}*/candidates?state=submitted*&page=1*&page_size=20*",
            headers=bearer,
        ),
        Target("API candidate", f"/api/v1/candidates/{ids['candidate']}*", headers=bearer),
    ]


TESTED = re.compile(
    r"(?:^|\] )(?:\(custom\) )?(\w+) parameter '([^']+)' does not seem to be injectable", re.M
)
FOUND = re.compile(
    r"(?:^|\] )(?:\(custom\) )?(\w+) parameter '([^']+)' (?:is|appears to be) '.*' injectable", re.M
)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def answer_problem(target: Target, base: str) -> str:
    """Why the target's page does not answer its cookie or token ("" when it does): a scan of a
    sign-in redirect or a 403 would test nothing behind it."""
    page = target.csrf_url or target.path.replace("*", "")
    request = urllib.request.Request(base + page)  # noqa: S310 - http://127.0.0.1 only
    if target.cookie:
        request.add_header("Cookie", target.cookie)
    if target.headers:
        name, _, value = target.headers.partition(": ")
        request.add_header(name, value)
    location = ""
    try:
        with urllib.request.build_opener(_NoRedirect).open(request, timeout=120) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        status, location = error.code, error.headers.get("Location", "")
    # The verification form redirects to the certificate's page: a redirect is fine unless it
    # sends the visitor to sign in or to set up a second factor.
    if status == 200 or (300 <= status < 400 and "/accounts/" not in location):
        return ""
    return f"GET {page} answered {status} {location}".strip()


def sqlmap(target: Target, args: argparse.Namespace, base: str, out: Path) -> None:
    problem = answer_problem(target, base)
    if problem:
        target.result = f"NOT TESTED ({problem})"
        return
    command = [
        "sqlmap",
        "-u",
        base + target.path,
        "--batch",
        "--flush-session",
        f"--level={args.level}",
        f"--risk={args.risk}",
        f"--technique={args.technique}",
        "--dbms=PostgreSQL",
        "--time-sec=3",
        # sqlmap refetches the CSRF token before each request, one request at a time.
        f"--threads={1 if target.csrf_url else args.threads}",
        "--timeout=60",
        "--retries=2",
        f"--output-dir={out}",
        "--disable-coloring",
    ]
    if target.data:
        command += ["--data", target.data]
    if target.cookie:
        command += ["--cookie", target.cookie]
    if target.headers:
        command += ["--headers", target.headers]
    if target.csrf_url:
        command += ["--csrf-token=csrfmiddlewaretoken", f"--csrf-url={base}{target.csrf_url}"]
    started = time.monotonic()
    result = subprocess.run(command, capture_output=True, text=True, timeout=1800)
    target.seconds = round(time.monotonic() - started, 1)
    text = result.stdout + result.stderr
    safe_name = target.name.replace(" ", "-")
    (out / f"{safe_name}.log").write_text(text, encoding="utf-8")
    tested = {f"{where} {name}" for where, name in TESTED.findall(text)}
    suspected = {f"{where} {name}" for where, name in FOUND.findall(text)}
    # sqlmap first says a parameter "appears to be injectable", then checks that itself and may
    # conclude "false positive or unexploitable" and "does not seem to be injectable": only what
    # survives its check (and ends in "identified the following injection point") is injectable.
    target.discarded = sorted(suspected & tested)
    target.injectable = sorted(suspected - tested)
    target.tested = sorted(tested | suspected)
    if target.injectable or "identified the following injection point" in text:
        target.result = "INJECTABLE"
    elif "all tested parameters do not appear to be injectable" in text and target.tested:
        target.result = "not injectable"
    else:
        target.result = "NOT TESTED (see log)"


def marker_names(path: str) -> list[str]:
    """What each * of a target's path marks, in order: sqlmap calls them "URI #1*", "URI #2*"..."""
    route, _, query = path.partition("?")
    segments = route.split("/")
    names = [f"path after /{segments[i - 1]}/" for i, segment in enumerate(segments) if "*" in segment]
    return names + [f"GET {pair.split('=')[0]}" for pair in query.split("&") if "*" in pair]


def tested_names(target: Target) -> list[str]:
    names = marker_names(target.path)

    def named(parameter: str) -> str:
        found = re.fullmatch(r"URI #(\d+)\*", parameter)
        if found and int(found[1]) <= len(names):
            return f"{parameter} ({names[int(found[1]) - 1]})"
        return parameter

    return [named(parameter) for parameter in target.tested]


def table(targets: list[Target]) -> str:
    lines = [
        "| target | parameters tested | result | seconds |",
        "|---|---|---|---:|",
    ]
    for t in targets:
        tested = ", ".join(tested_names(t)) or "none"
        result = t.result + (f": {', '.join(t.injectable)}" if t.injectable else "")
        if t.discarded:
            result += f" (sqlmap's false-positive check discarded a first hint on {', '.join(t.discarded)})"
        lines.append(f"| {t.name} (`{t.path.split('?')[0]}`) | {tested} | {result} | {t.seconds} |")
    return "\n".join(lines)


def results_section(targets: list[Target], args: argparse.Namespace, seconds: float, version: str) -> str:
    clean = all(t.result == "not injectable" for t in targets)
    machine = f"{platform.machine()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}"
    parameters = sum(len(t.tested) for t in targets)
    return "\n".join(
        [
            HEADING,
            "",
            f"`make security`, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, on {machine} (shared with other work);",
            f"sqlmap {version} (Debian's package) against gunicorn on 127.0.0.1:{args.port}, PostgreSQL",
            f"database `{args.database}` with the demo, production settings with the per-client limits",
            "lifted (bench/security_settings.py). Options: `--batch --flush-session "
            f"--level {args.level} --risk {args.risk} --technique {args.technique} --dbms PostgreSQL "
            "--time-sec 3`; why these, in bench/security.py. Signed in as the demo's society staff (with an",
            "authenticator) and applicant; the API with a bearer token of the society's client; POST forms",
            "with their CSRF token fetched from the page before each request.",
            "",
            f"**Result: {'nothing injectable' if clean else 'SEE BELOW'}** — {len(targets)} targets, "
            f"{parameters} parameters, {seconds / 60:.1f} minutes in all.",
            "",
            table(targets),
            "",
        ]
    )


def write_results(section: str) -> None:
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    start = text.find(HEADING + "\n")
    if start == -1:
        text = text.rstrip("\n") + "\n\n" + section
    else:
        end = text.find("\n## ", start + len(HEADING))
        text = text[:start] + section.rstrip("\n") + "\n" + ("" if end == -1 else "\n" + text[end + 1 :])
    RESULTS.write_text(text, encoding="utf-8")


def build(args: argparse.Namespace, env: dict[str, str]) -> None:
    log(f"fresh database {args.database}, migrations and the demo")
    database_recreate(args.database)
    run([PYTHON, "manage.py", "migrate", "--no-input", "-v0"], env, 900)
    run([PYTHON, "manage.py", "createcachetable"], env, 120)
    # The demo issues certificates; without signing material (a production site mounts its own)
    # the production profile refuses, so the demo alone runs without that requirement and
    # creates development material in the scan's own folder, which the server then uses.
    run([PYTHON, "manage.py", "load_demo"], {**env, "ENGCERT_REQUIRE_SECRETS": "false"}, 900)


def main() -> int:
    args = parse_args()
    if shutil.which("sqlmap") is None:
        raise SystemExit(
            "sqlmap is not installed: sudo apt-get install sqlmap (make security does it as root)"
        )
    version = subprocess.run(["sqlmap", "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    work = ROOT / "var" / "security"
    if args.reuse_database:
        shutil.rmtree(work / "sqlmap", ignore_errors=True)
    elif work.exists():
        shutil.rmtree(work)
    (work / "sqlmap").mkdir(parents=True)
    env = scan_env(args, work)
    started = time.monotonic()
    if not args.reuse_database:
        build(args, env)
    ids = json.loads(
        run([PYTHON, str(ROOT / "bench" / "security_prepare.py")], env, 300).strip().splitlines()[-1]
    )

    processes = Processes()
    base = f"http://127.0.0.1:{args.port}"
    try:
        log(f"gunicorn on {base}")
        gunicorn = [str(VENV_BIN / "gunicorn"), "engcert.wsgi", "--bind", f"127.0.0.1:{args.port}"]
        gunicorn += ["--workers", "3", "--timeout", "120"]
        processes.start(gunicorn, env, work / "gunicorn.log")
        wait_healthy(f"{base}/healthz", seconds=120)
        targets = targets_for(ids)
        if args.only:
            chosen = {name.strip() for name in args.only.split(",")}
            targets = [t for t in targets if t.name in chosen]
        for target in targets:
            log(f"sqlmap: {target.name} ({target.path.split('?')[0]})")
            sqlmap(target, args, base, work / "sqlmap")
            log(
                f"  {target.result}: {', '.join(target.tested) or 'no parameter tested'} in {target.seconds}s"
            )
    finally:
        processes.stop()

    seconds = time.monotonic() - started
    print()
    print(table(targets))
    section = results_section(targets, args, seconds, version)
    (work / "summary.md").write_text(section, encoding="utf-8")
    if not args.no_results_md:
        write_results(section)
    clean = all(t.result == "not injectable" for t in targets)
    log(f"{'nothing injectable' if clean else 'INJECTABLE OR UNTESTED TARGETS'} ({seconds / 60:.1f} min)")
    return 0 if clean else 1


if __name__ == "__main__":
    sys.exit(main())
