"""Seed the certificate-verification benchmark, and measure one verification in-process.

    DJANGO_SETTINGS_MODULE=bench.settings python bench/seed_verify.py seed OUT_DIR --certificates 50000
    DJANGO_SETTINGS_MODULE=bench.settings python bench/seed_verify.py page NUMBER

`seed`: one society (the demo's electrical engineering society, 24 units) with ``--certificates``
registered members, each with one certificate, written in bulk as `certificate_issue` leaves them
(number from the society's format with a random part, status-list index, the QR payload signed
with the society's Ed25519 key); about 94 % valid, 2 % each suspended, revoked and expired; a
third of the members listed in the public register. Writes OUT_DIR/targets.json: 5,000 known
numbers (with their QR payloads) and 500 well-formed numbers no certificate has; then VACUUM
ANALYZE. Deterministic (seeded random) but for the numbers' random parts and the signing key.

`page`: the verification page rendered in-process through the test client (warm, median of 20),
with its query count, to tell the database's share of a slow page from the template's.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from engcert.certificates.enums import CertificateSource, CertificateStatus  # noqa: E402
from engcert.certificates.keys import signing_material_for  # noqa: E402
from engcert.certificates.models import Certificate, RegisterListing  # noqa: E402
from engcert.certificates.numbering import NumberParts, number_render  # noqa: E402
from engcert.certificates.payload import certificate_claims, payload_sign  # noqa: E402
from engcert.demo import builders  # noqa: E402
from engcert.frameworks.models import Grade  # noqa: E402
from engcert.organisations.models import Discipline  # noqa: E402
from engcert.registration.models import Registration  # noqa: E402

CHUNK = 2000
KNOWN_TARGETS = 5000
UNKNOWN_TARGETS = 500
FORMAT = "{society}-{year}-{random:10}"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟"
GIVEN = "伟 芳 娜 秀英 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 霞 平 刚 建华 文 华 斌 波 建国 志强 海燕 晓东 国强 俊杰 宇航 浩然 博文".split()  # noqa: SIM905 - given names read better as text
STATUS_SHARES = [
    (CertificateStatus.VALID, 0.94),
    (CertificateStatus.SUSPENDED, 0.02),
    (CertificateStatus.REVOKED, 0.02),
    (CertificateStatus.EXPIRED, 0.02),
]


def seed(out: Path, certificates: int) -> dict[str, Any]:
    started = time.monotonic()
    rng = random.Random(20261205)
    society = builders.society_create()
    units = [
        builders.unit_create(society=society, code=f"bench-unit-{i:02d}", name=f"电力工程单位{i:02d}")
        for i in range(24)
    ]
    grades = list({grade.code: grade for grade in Grade.objects.order_by("pk")}.values())
    disciplines = list(Discipline.objects.filter(society=society, parent__isnull=False))
    material = signing_material_for(society.code, society.name)
    now = timezone.now()
    today = timezone.localdate()
    statuses = [status for status, _share in STATUS_SHARES]
    weights = [share for _status, share in STATUS_SHARES]
    numbers: set[str] = set()
    known: list[dict[str, str]] = []
    for start in range(0, certificates, CHUNK):
        count = min(CHUNK, certificates - start)
        registrations = []
        rows = []
        for i in range(start, start + count):
            name = rng.choice(SURNAMES) + rng.choice(GIVEN)
            grade = rng.choice(grades)
            discipline = rng.choice(disciplines)
            registrations.append(
                Registration(
                    member_number=f"CSEE-M-{i:06d}",
                    full_name=name,
                    email=f"member{i}@bench.example",
                    unit=rng.choice(units),
                    imported=True,
                    society=society,
                    grade=grade,
                    discipline=discipline,
                    registered_at=now - timedelta(days=rng.randint(30, 1700)),
                )
            )
        with transaction.atomic():
            Registration.objects.bulk_create(registrations)
            for offset, registration in enumerate(registrations):
                index = start + offset
                status = rng.choices(statuses, weights)[0]
                valid_from = today - timedelta(days=rng.randint(30, 1700))
                if status == CertificateStatus.EXPIRED:
                    valid_from = today - timedelta(days=5 * 365 + rng.randint(10, 300))
                while True:
                    number = number_render(
                        FORMAT,
                        NumberParts(
                            society=society.code, year=valid_from.year, grade=registration.grade.code
                        ),
                    )
                    if number not in numbers:
                        numbers.add(number)
                        break
                certificate = Certificate(
                    number=number,
                    society=society,
                    registration=registration,
                    term=1,
                    full_name=registration.full_name,
                    grade=registration.grade,
                    discipline=registration.discipline,
                    valid_from=valid_from,
                    valid_until=valid_from + timedelta(days=5 * 365),
                    status=status,
                    status_reason=""
                    if status in (CertificateStatus.VALID, CertificateStatus.EXPIRED)
                    else "基准测试",
                    status_changed_at=None if status == CertificateStatus.VALID else now,
                    status_index=index,
                    source=CertificateSource.IMPORTED,
                    key_id=material.key_id,
                    created_at=now,
                    issued_at=now,
                )
                certificate.qr_token = payload_sign(claims=certificate_claims(certificate), material=material)
                rows.append(certificate)
            Certificate.objects.bulk_create(rows)
            RegisterListing.objects.bulk_create(
                [
                    RegisterListing(registration=r, listed=True, show_unit=rng.random() < 0.5)
                    for r in registrations
                    if rng.random() < 1 / 3
                ]
            )
        known += [{"number": c.number, "p": c.qr_token} for c in rows]
    rng.shuffle(known)
    unknown = []
    while len(unknown) < UNKNOWN_TARGETS:
        number = number_render(FORMAT, NumberParts(society=society.code, year=2026, grade="PE"))
        if number not in numbers:
            unknown.append(number)
    (out / "targets.json").write_text(
        json.dumps({"known": known[:KNOWN_TARGETS], "unknown": unknown}, ensure_ascii=False), encoding="utf-8"
    )
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return {
        "seconds": round(time.monotonic() - started, 1),
        "certificates": Certificate.objects.count(),
        "by_status": {s: Certificate.objects.filter(status=s).count() for s in statuses},
        "listed": RegisterListing.objects.filter(listed=True).count(),
        "known_targets": min(KNOWN_TARGETS, len(known)),
        "unknown_targets": len(unknown),
        "sample": known[0]["number"],
    }


def page(number: str) -> dict[str, Any]:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans", REMOTE_ADDR="10.9.9.9")
    url = f"/verify/{number}/"
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    # Read now: the next request empties the connection's log.
    queries = list(captured.captured_queries)
    for _ in range(3):
        assert client.get(url).status_code == 200
    times = []
    for _ in range(20):
        began = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - began) * 1000)
    response = client.get(url)
    api_times = []
    for _ in range(20):
        began = time.perf_counter()
        api = client.get(f"/api/v1/certificates/{number}")
        api_times.append((time.perf_counter() - began) * 1000)
    assert api.status_code == 200
    return {
        "render_ms_median": round(statistics.median(times), 2),
        "api_ms_median": round(statistics.median(api_times), 2),
        "queries": len(queries),
        "sql_ms": round(sum(float(q["time"]) for q in queries) * 1000, 2),
        "bytes": len(response.content),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="step", required=True)
    seeding = sub.add_parser("seed")
    seeding.add_argument("out", type=Path)
    seeding.add_argument("--certificates", type=int, default=50_000)
    measuring = sub.add_parser("page")
    measuring.add_argument("number")
    args = parser.parse_args()
    if args.step == "seed":
        print(json.dumps(seed(args.out, args.certificates), ensure_ascii=False))
    else:
        print(json.dumps(page(args.number)))


if __name__ == "__main__":
    main()
