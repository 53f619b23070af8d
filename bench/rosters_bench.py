"""How long engcert takes to export and import a batch's roster of 10,000 applications.

    python bench/rosters_bench.py [N]       # N submitted applications, 10,000 by default

Runs against the database the environment configures (migrate it first). It adds a bench
society of its own with 20 units and one batch, and N submitted applications across the units
made in bulk (applicant, grade, field, unit, personal data with the document number encrypted
and its blind index, highest education, professional title), as the roster reads them. Then:
- export: every unit's roster of the batch, one workbook with a sheet per unit
  (`roster_export_all`, as the background job does), and the largest unit's alone;
- import: the N rows in one sheet, uploaded through `roster_import_start` (size and content
  checks, storage) and imported by `roster_job_execute` as the task worker does — every row
  read and checked, the rows written with their document numbers encrypted — then the
  reconciliation with the applications.
Files are stored in a temporary folder removed afterwards. One JSON object on stdout.
"""

from __future__ import annotations

import io
import json
import os
import secrets
import shutil
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "engcert.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from engcert.accounts.models import User  # noqa: E402
from engcert.applications.enums import AchievementKind, ApplicationState, Degree  # noqa: E402
from engcert.applications.models import Application  # noqa: E402
from engcert.applications.models.sections import Achievement, Education  # noqa: E402
from engcert.demo import builders  # noqa: E402
from engcert.organisations.enums import Role  # noqa: E402
from engcert.privacy.crypto import blind_index  # noqa: E402
from engcert.privacy.identity_documents import gb11643_check_character  # noqa: E402
from engcert.rosters.domain.export import (  # noqa: E402
    _sheet_rows,
    roster_applications,
    roster_export,
    roster_export_all,
    roster_rows,
)
from engcert.rosters.domain.jobs import roster_import_start, roster_job_execute  # noqa: E402
from engcert.rosters.domain.reconcile import roster_reconcile  # noqa: E402
from engcert.rosters.models import RosterImport  # noqa: E402

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英"
UNITS = 20
CHUNK = 2000


def _id_number(i: int, birth: date, male: bool) -> str:
    body = f"110101{birth:%Y%m%d}{10 + i % 90:02d}{1 if male else 2}"
    return body + gb11643_check_character(body)


def seed(count: int) -> tuple[object, list[object], object]:
    suffix = secrets.token_hex(3)
    society = builders.society_create(
        code=f"bench{suffix}", name="基准测试学会", short_name=f"B{suffix}".upper()
    )
    units = [
        builders.unit_create(society=society, code=f"u{suffix}{n:02d}", name=f"基准测试第{n + 1}工程有限公司")
        for n in range(UNITS)
    ]
    batch = builders.batch_create(society=society, code=f"b{suffix}")
    staff = builders.user_create(
        email=f"staff-{suffix}@bench.example",
        password="bench-only-password-42",  # noqa: S106 -- a bench-only user
        role=Role.STAFF,
        organisation=society,
    )
    grades = list(batch.grades.all())
    fields = list(batch.disciplines.all()) or list(society.disciplines.all())  # type: ignore[attr-defined]
    now = timezone.now()
    for start in range(0, count, CHUNK):
        stop = min(count, start + CHUNK)
        users = User.objects.bulk_create(
            [
                User(email=f"r{suffix}-{i}@bench.example", password="!", full_name="")  # noqa: S106 -- unusable password
                for i in range(start, stop)
            ]
        )
        rows = []
        for i, user in zip(range(start, stop), users, strict=True):
            male = i % 2 == 0
            birth = date(1970 + i % 30, 1 + (i // 30) % 12, 1 + (i // 360) % 28)
            number = _id_number(i, birth, male)
            rows.append(
                Application(
                    batch=batch,
                    applicant=user,
                    framework_version=batch.framework_version,
                    number=f"{society.short_name}-{batch.code}-{i:06d}".upper(),
                    state=ApplicationState.SUBMITTED,
                    grade=grades[i % len(grades)],
                    discipline=fields[i % len(fields)],
                    unit=units[i % UNITS],
                    simplified_requested=i % 7 == 0,
                    full_name=SURNAMES[i % 20]
                    + GIVEN[(i // 20) % len(GIVEN)]
                    + GIVEN[(i // 460) % len(GIVEN)],
                    gender="M" if male else "F",
                    birth_date=birth,
                    nationality="中国",
                    id_type="prc_id",
                    id_number=number,
                    id_number_index=blind_index(number),
                    phone=f"139{i:08d}",
                    email=user.email,
                    employer=units[i % UNITS].name,
                    department_position="工程技术部 高级工程师",
                    submitted_at=now - timedelta(seconds=count - i),
                    state_changed_at=now,
                )
            )
        applications = Application.objects.bulk_create(rows)
        Education.objects.bulk_create(
            [
                Education(
                    application=a,
                    degree=Degree.MASTER if n % 3 == 0 else Degree.BACHELOR,
                    institution="华北电力大学",
                    major="电气工程及其自动化",
                    start_date=date(2000, 9, 1),
                    end_date=date(2004, 7, 1),
                )
                for n, a in enumerate(applications)
            ]
        )
        Achievement.objects.bulk_create(
            [Achievement(application=a, kind=AchievementKind.TITLE, title="高级工程师") for a in applications]
        )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE")
    return batch, units, staff


def main(count: int) -> dict[str, object]:
    media = tempfile.mkdtemp(prefix="bench-rosters-")
    settings.MEDIA_ROOT = media
    try:
        t = time.perf_counter()
        batch, units, staff = seed(count)
        seed_seconds = time.perf_counter() - t

        t = time.perf_counter()
        every = roster_export_all(batch=batch)  # type: ignore[arg-type]
        export_all_seconds = time.perf_counter() - t

        t = time.perf_counter()
        roster_export(batch=batch, unit=units[0])  # type: ignore[arg-type]
        export_unit_seconds = time.perf_counter() - t

        # The N rows in one sheet: the roster a unit would send if it listed everyone.
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("名单")
        _sheet_rows(sheet, units[0], roster_rows(roster_applications(batch=batch)))  # type: ignore[arg-type]
        buffer = io.BytesIO()
        workbook.save(buffer)
        data = buffer.getvalue()

        t = time.perf_counter()
        job = roster_import_start(
            batch=batch,  # type: ignore[arg-type]
            unit=units[0],  # type: ignore[arg-type]
            uploaded=SimpleUploadedFile("roster.xlsx", data),
            only_valid=False,
            by=staff,  # type: ignore[arg-type]
        )
        job = roster_job_execute(job_id=job.pk)
        import_seconds = time.perf_counter() - t
        roster_import = RosterImport.objects.get(job=job)

        t = time.perf_counter()
        result = roster_reconcile(roster_import=roster_import)
        reconcile_seconds = time.perf_counter() - t
        return {
            "applications": count,
            "units": UNITS,
            "seed_seconds": round(seed_seconds, 1),
            "export_all_seconds": round(export_all_seconds, 2),
            "export_all_kib": round(len(every) / 1024, 1),
            "export_unit_rows": count // UNITS,
            "export_unit_seconds": round(export_unit_seconds, 3),
            "import_rows": roster_import.rows.count(),
            "import_status": job.status,
            "import_problems": len(job.problems),
            "import_file_kib": round(len(data) / 1024, 1),
            "import_seconds": round(import_seconds, 2),
            "reconcile_seconds": round(reconcile_seconds, 2),
            "reconcile_agreeing": result.agreeing,
            "reconcile_listed_not_applied": len(result.listed_not_applied),
        }
    finally:
        shutil.rmtree(media, ignore_errors=True)


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)))
