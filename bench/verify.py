"""Database-side steps of the benchmark; each prints one JSON object on stdout.

python bench/verify.py people OUT_DIR   # who: rush/editors.json (email, uid, signed-in session), solo.json
python bench/verify.py quiesce          # forget seeding's queued emails (sent long ago in reality)
python bench/verify.py tasks            # task queue by status
python bench/verify.py check N          # the rush's outcome against the database
"""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django

django.setup()

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django_tasks_db.models import DBTaskResult  # noqa: E402

from engcert.accounts.models import User  # noqa: E402
from engcert.applications.models import Application  # noqa: E402
from engcert.audit.models import AuditEvent  # noqa: E402
from engcert.batches.models import Batch  # noqa: E402

CURRENT_BATCH = "2026-b4"


def _signed_in_session(user: User) -> str:
    """A session as a sign-in leaves it: applicants at the deadline have been working on their
    drafts for days and are signed in already; signing in is measured on its own (solo)."""
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return str(store.session_key)


def people(out_dir: str) -> dict[str, object]:
    batch = Batch.objects.get(code=CURRENT_BATCH)
    rows = [
        (application.applicant.email, application.uid, application.applicant)
        for application in Application.objects.filter(batch=batch)
        .select_related("applicant")
        .order_by("applicant__email")
    ]
    rush = [
        {"email": e, "uid": str(u), "session": _signed_in_session(user)}
        for e, u, user in rows
        if e.startswith("rush")
    ]
    editors = [
        {"email": e, "uid": str(u), "session": _signed_in_session(user)}
        for e, u, user in rows
        if e.startswith("editor")
    ]
    solo = [{"email": e, "uid": str(u)} for e, u, _ in rows if e.startswith("solo")]
    Path(out_dir, "solo.json").write_text(json.dumps(solo), encoding="utf-8")
    Path(out_dir, "rush.json").write_text(json.dumps(rush), encoding="utf-8")
    Path(out_dir, "editors.json").write_text(json.dumps(editors), encoding="utf-8")
    return {"rush": len(rush), "editors": len(editors), "solo": len(solo)}


def quiesce() -> dict[str, object]:
    deleted, _ = DBTaskResult.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    counts = {
        "applications": Application.objects.count(),
        "audit_events": AuditEvent.objects.count(),
        "by_state": dict(Application.objects.values_list("state").annotate(n=Count("pk")).order_by()),
    }
    return {"deleted_seed_tasks": deleted, **counts}


def tasks() -> dict[str, object]:
    return dict(Counter(DBTaskResult.objects.values_list("status", flat=True)))


def check(expected: int) -> dict[str, object]:
    batch = Batch.objects.get(code=CURRENT_BATCH)
    rush = Application.objects.filter(batch=batch, applicant__email__startswith="rush")
    states = dict(rush.values_list("state").annotate(n=Count("pk")).order_by())
    submitted = rush.filter(state="submitted")
    transitions = AuditEvent.objects.filter(
        application__in=rush, action="application.transition", to_state="submitted"
    )
    per_application = Counter(transitions.values_list("application_id", flat=True))
    duplicated = sum(1 for n in per_application.values() if n > 1)
    without_event = submitted.exclude(pk__in=list(per_application)).count()
    failed_tasks = list(
        DBTaskResult.objects.filter(status="FAILED").values_list("exception_class_path", flat=True)[:5]
    )
    task_status = tasks()
    result = {
        "expected": expected,
        "rush_applications": rush.count(),
        "states": states,
        "submitted": submitted.count(),
        "submitted_at_set": submitted.exclude(submitted_at=None).count(),
        "transition_events": transitions.count(),
        "applications_with_event": len(per_application),
        "applications_with_duplicate_events": duplicated,
        "submitted_without_event": without_event,
        "tasks": task_status,
        "failed_task_examples": failed_tasks,
    }
    result["ok"] = (
        result["rush_applications"] == expected
        and result["submitted"] == expected
        and result["submitted_at_set"] == expected
        and result["transition_events"] == expected
        and duplicated == 0
        and without_event == 0
    )
    return result


def main() -> None:
    step = sys.argv[1]
    if step == "people":
        out = people(sys.argv[2])
    elif step == "quiesce":
        out = quiesce()
    elif step == "tasks":
        out = tasks()
    elif step == "check":
        out = check(int(sys.argv[2]))
    else:
        raise SystemExit(f"unknown step {step}")
    print(json.dumps(out, ensure_ascii=False, default=str))


if __name__ == "__main__":
    main()
