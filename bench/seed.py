"""Seed the benchmark database: one society, units, an open batch with complete drafts, and history.

Run by `bench/run.py` against a freshly migrated database:

    DJANGO_SETTINGS_MODULE=bench.settings python bench/seed.py base --applicants 2000 ...
    DJANGO_SETTINGS_MODULE=bench.settings python bench/seed.py drafts --from 0 --to 1000
    DJANGO_SETTINGS_MODULE=bench.settings python bench/seed.py history --from 0 --to 1500

`base` makes the organisations, batches and every user (in bulk, with one precomputed password
hash: hashing 5,000 passwords at Django's 1,000,000 PBKDF2 rounds would take 20 CPU-minutes).
`drafts` and `history` build applications through `builders.application_complete_draft`, so
every draft went through the same domain functions as a person's; they are split into ranges so
that run.py can build them in two processes. Users are addressed by email, so ranges are stable.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django

django.setup()

from allauth.account.models import EmailAddress  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from engcert.accounts.models import User  # noqa: E402
from engcert.applications.domain.application import application_submit  # noqa: E402
from engcert.applications.domain.transition import application_transition  # noqa: E402
from engcert.applications.enums import ApplicationState  # noqa: E402
from engcert.batches.models import Batch  # noqa: E402
from engcert.demo import builders  # noqa: E402
from engcert.organisations.enums import Role  # noqa: E402
from engcert.organisations.models import Organisation  # noqa: E402

PASSWORD = "engcert-bench-2026"  # noqa: S105 - the seeded bench users, on a throwaway database
CURRENT_BATCH = "2026-b4"
PREVIOUS_BATCH = "2025-b3"
UNITS = 24


def rush_email(index: int) -> str:
    return f"rush{index:05d}@bench.engcert"


def editor_email(index: int) -> str:
    return f"editor{index:05d}@bench.engcert"


def solo_email(index: int) -> str:
    return f"solo{index:05d}@bench.engcert"


def history_email(index: int) -> str:
    return f"past{index:05d}@bench.engcert"


def staff_email() -> str:
    return "staff@bench.engcert"


def _users_bulk(emails: list[str], password_hash: str) -> None:
    users = [
        User(email=email, password=password_hash, full_name=builders.person_for(i, employer="").full_name)
        for i, email in enumerate(emails)
    ]
    User.objects.bulk_create(users, batch_size=1000)
    ids = dict(User.objects.filter(email__in=emails).values_list("email", "pk"))
    EmailAddress.objects.bulk_create(
        [EmailAddress(user_id=ids[e], email=e, verified=True, primary=True) for e in emails],
        batch_size=1000,
    )


def seed_base(*, applicants: int, editors: int, history: int, solo: int) -> None:
    society = builders.society_create()
    builders.alliance_ensure()
    for n in range(UNITS):
        builders.unit_create(
            society=society, code=f"unit{n:02d}", name=f"第{n + 1}申报单位有限公司", name_en=f"Unit {n + 1}"
        )
    builders.user_create(
        email=staff_email(), password=PASSWORD, full_name="周敏", role=Role.STAFF, organisation=society
    )
    now = timezone.now()
    builders.batch_create(society=society, code=CURRENT_BATCH, closes_at=now + timedelta(hours=6))
    # The earlier batch is open while its history is built, then closed (see `close`).
    builders.batch_create(
        society=society,
        code=PREVIOUS_BATCH,
        name="第三批电气工程类工程会员",
        name_en="Third batch of electrical engineering members",
        opens_at=now - timedelta(days=400),
        closes_at=now + timedelta(days=1),
    )
    password_hash = make_password(PASSWORD)
    _users_bulk([rush_email(i) for i in range(applicants)], password_hash)
    _users_bulk([editor_email(i) for i in range(editors)], password_hash)
    _users_bulk([history_email(i) for i in range(history)], password_hash)
    _users_bulk([solo_email(i) for i in range(solo)], password_hash)


def _build(batch: Batch, email: str, index: int) -> object:
    units = list(Organisation.objects.filter(code__startswith="unit").order_by("code"))
    user = User.objects.get(email=email)
    unit = units[index % len(units)]
    person = builders.person_for(index, employer=unit.name)
    return builders.application_complete_draft(
        batch=batch,
        applicant=user,
        person=person,
        unit=unit,
        index=index,
        grade_code="PE",
        years_of_practice=9,
    ), user


def seed_drafts(*, start: int, stop: int, kind: str) -> None:
    batch = Batch.objects.get(code=CURRENT_BATCH)
    email, offset = {
        "rush": (rush_email, 0),
        "editor": (editor_email, 100_000),
        "solo": (solo_email, 300_000),
    }[kind]
    for i in range(start, stop):
        with transaction.atomic():
            _build(batch, email(i), offset + i)


# History: most earlier applications were submitted and then moved on by the society.
HISTORY_STEPS: list[list[ApplicationState]] = [
    [],
    [ApplicationState.REVIEW_PASSED],
    [ApplicationState.REVIEW_PASSED, ApplicationState.INTERVIEW_SCHEDULED],
    [ApplicationState.REJECTED],
]


def seed_history(*, start: int, stop: int) -> None:
    batch = Batch.objects.get(code=PREVIOUS_BATCH)
    staff = User.objects.get(email=staff_email())
    for i in range(start, stop):
        with transaction.atomic():
            application, user = _build(batch, history_email(i), 200_000 + i)
            application = application_submit(application=application, by=user)  # type: ignore[arg-type]
            for state in HISTORY_STEPS[i % len(HISTORY_STEPS)]:
                reason = "材料不符合要求。" if state == ApplicationState.REJECTED else ""
                application_transition(application=application, to_state=state, by=staff, reason=reason)


def close_previous() -> None:
    now = timezone.now()
    Batch.objects.filter(code=PREVIOUS_BATCH).update(
        closes_at=now - timedelta(days=30), roster_deadline=now - timedelta(days=35)
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("step", choices=["base", "drafts", "editors", "solo", "history", "close"])
    parser.add_argument("--applicants", type=int, default=2000)
    parser.add_argument("--editors", type=int, default=60)
    parser.add_argument("--history", type=int, default=3000)
    parser.add_argument("--solo", type=int, default=30)
    parser.add_argument("--from", dest="start", type=int, default=0)
    parser.add_argument("--to", dest="stop", type=int, default=0)
    args = parser.parse_args()
    started = time.monotonic()
    if args.step == "base":
        seed_base(applicants=args.applicants, editors=args.editors, history=args.history, solo=args.solo)
    elif args.step == "drafts":
        seed_drafts(start=args.start, stop=args.stop, kind="rush")
    elif args.step == "editors":
        seed_drafts(start=args.start, stop=args.stop, kind="editor")
    elif args.step == "solo":
        seed_drafts(start=args.start, stop=args.stop, kind="solo")
    elif args.step == "history":
        seed_history(start=args.start, stop=args.stop)
    elif args.step == "close":
        close_previous()
    print(f"seed {args.step} {args.start}-{args.stop}: {time.monotonic() - started:.1f}s", flush=True)


if __name__ == "__main__":
    main()
