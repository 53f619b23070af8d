"""How many certificates per second engcert issues: each one numbered, its QR payload signed,
its PDF rendered with the embedded CJK fonts, PAdES-signed with pyHanko, stored, and recorded
with its audit event, exactly as `certificate_issue` does for a member the alliance registered.

    python bench/certificates_issue.py [N]       # N certificates, 200 by default

Runs against the database the environment configures (run `manage.py migrate` on it first;
for a throw-away SQLite file: ENGCERT_SQLITE_PATH=/tmp/bench-certs.sqlite3). It adds a bench
society of its own with N registered members (never touching anyone else's rows) and stores the
PDFs in a temporary folder that is removed afterwards. One JSON object is printed on stdout.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "engcert.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from engcert.certificates.domain import certificate_issue, certificate_policy_get  # noqa: E402
from engcert.demo import builders  # noqa: E402
from engcert.frameworks.models import Grade  # noqa: E402
from engcert.organisations.models import Discipline  # noqa: E402
from engcert.registration.models import Registration  # noqa: E402

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英"


def main(count: int) -> dict[str, object]:
    media = tempfile.mkdtemp(prefix="bench-certificates-")
    settings.MEDIA_ROOT = media  # default storage reads it on first use, below
    try:
        suffix = secrets.token_hex(3)
        society = builders.society_create(code=f"bench{suffix}", name="基准测试学会", short_name="BENCH")
        certificate_policy_get(society)
        grade = Grade.objects.filter(code="PE").order_by("-pk").first()
        if grade is None:
            raise SystemExit("No grade PE: run `manage.py migrate` on this database first.")
        fields = list(Discipline.objects.filter(society=society, parent__isnull=False))
        now = timezone.now()
        registrations = Registration.objects.bulk_create(
            [
                Registration(
                    member_number=f"BENCH{suffix.upper()}{i:06d}",
                    full_name=SURNAMES[i % len(SURNAMES)]
                    + GIVEN[(i * 7) % len(GIVEN)]
                    + GIVEN[(i * 3) % len(GIVEN)],
                    full_name_en=f"Bench Member {i}",
                    society=society,
                    grade=grade,
                    discipline=fields[i % len(fields)] if fields else None,
                    registered_at=now,
                )
                for i in range(count)
            ]
        )
        # The first certificate pays for loading fonts and keys once per process: timed apart.
        started = time.perf_counter()
        certificate_issue(registration=registrations[0], by=None)
        first = time.perf_counter() - started
        started = time.perf_counter()
        for registration in registrations[1:]:
            certificate_issue(registration=registration, by=None)
        seconds = time.perf_counter() - started
        stored = sum(1 for _ in Path(media).rglob("*.pdf"))
        size = sum(p.stat().st_size for p in Path(media).rglob("*.pdf"))
    finally:
        shutil.rmtree(media, ignore_errors=True)
    rest = count - 1
    return {
        "bench": "certificates_issue",
        "database": connection.vendor,
        "certificates": count,
        "pdfs_stored": stored,
        "mean_pdf_kib": round(size / max(stored, 1) / 1024, 1),
        "first_certificate_seconds": round(first, 3),
        "seconds": round(seconds, 3),
        "certificates_per_second": round(rest / seconds, 2) if rest and seconds else None,
        "cpu_count": os.cpu_count(),
        "load_average_1min": round(os.getloadavg()[0], 2),
    }


if __name__ == "__main__":
    number = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    if number < 2:
        raise SystemExit("Issue at least 2 certificates.")
    print(json.dumps(main(number), ensure_ascii=False))
