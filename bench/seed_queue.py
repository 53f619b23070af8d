"""Seed the work-queue benchmark: one batch late in its life with 50,000 applications.

    DJANGO_SETTINGS_MODULE=bench.settings python bench/seed_queue.py OUT_DIR --applications 50000 --staff 20

Unlike the rush (whose drafts go through the domain functions one by one), this builds rows in
bulk: the queue only reads, and 50,000 files through the domain would take an hour. What the
queue reads is made as the domain would have made it:
- each application has its applicant, number, grade, field, unit, personal data with the
  identity-document number encrypted and its blind index, submission time, state and the
  time of its last move, the eligibility concerns and simplified-assessment request;
- each has its audit trail (creation, submission, then every move along its road to the
  present state, a return and resubmission for some), chained by hash exactly as
  `audit_event_append` chains it, so `manage.py audit_verify` holds;
- 20 staff members of the society with an authenticator app (staff act only with a second
  factor) and a signed-in session each, as people who have been at work all morning.

Writes OUT_DIR/staff.json (sessions) and OUT_DIR/targets.json (names, numbers and document
numbers that exist, for the searches), then VACUUM ANALYZE. Deterministic (seeded random).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django

django.setup()

from allauth.account.models import EmailAddress  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from engcert.accounts.models import User  # noqa: E402
from engcert.applications.enums import ApplicationState as S  # noqa: E402
from engcert.applications.models import Application  # noqa: E402
from engcert.audit.domain import _digest  # noqa: E402
from engcert.audit.models import GENESIS_HASH, AuditChainHead, AuditEvent  # noqa: E402
from engcert.demo import builders  # noqa: E402
from engcert.organisations.enums import Role  # noqa: E402
from engcert.organisations.models import Discipline, Organisation  # noqa: E402
from engcert.privacy.crypto import blind_index  # noqa: E402

PASSWORD = "engcert-bench-2026"  # noqa: S105 - the seeded bench users, on a throwaway database
BATCH_CODE = "2026-q1"
UNITS = 24
CHUNK = 5000

# Where 50,000 files of a batch stand some months after its deadline (shares of the whole).
STATE_SHARES: list[tuple[S, float]] = [
    (S.SUBMITTED, 0.15),
    (S.RESUBMITTED, 0.03),
    (S.RETURNED, 0.05),
    (S.REVIEW_PASSED, 0.10),
    (S.INTERVIEW_SCHEDULED, 0.10),
    (S.INTERVIEWED, 0.08),
    (S.DELIBERATION, 0.05),
    (S.APPROVED, 0.03),
    (S.PUBLIC_NOTICE, 0.04),
    (S.OBJECTION, 0.005),
    (S.NOTICE_PASSED, 0.03),
    (S.WITH_ALLIANCE, 0.03),
    (S.REGISTERED, 0.02),
    (S.CERTIFICATE_ISSUED, 0.15),
    (S.REJECTED, 0.06),
    (S.NOT_APPROVED, 0.04),
    (S.WITHDRAWN, 0.035),
]
# The road from submission to each state (the moves after "submitted").
ROADS: dict[S, list[S]] = {
    S.SUBMITTED: [],
    S.RETURNED: [S.RETURNED],
    S.RESUBMITTED: [S.RETURNED, S.RESUBMITTED],
    S.REJECTED: [S.REJECTED],
    S.REVIEW_PASSED: [S.REVIEW_PASSED],
    S.INTERVIEW_SCHEDULED: [S.REVIEW_PASSED, S.INTERVIEW_SCHEDULED],
    S.INTERVIEWED: [S.REVIEW_PASSED, S.INTERVIEW_SCHEDULED, S.INTERVIEWED],
    S.DELIBERATION: [S.REVIEW_PASSED, S.INTERVIEW_SCHEDULED, S.INTERVIEWED, S.DELIBERATION],
}
ROADS[S.APPROVED] = [*ROADS[S.DELIBERATION], S.APPROVED]
ROADS[S.NOT_APPROVED] = [*ROADS[S.DELIBERATION], S.NOT_APPROVED]
ROADS[S.PUBLIC_NOTICE] = [*ROADS[S.APPROVED], S.PUBLIC_NOTICE]
ROADS[S.OBJECTION] = [*ROADS[S.PUBLIC_NOTICE], S.OBJECTION]
ROADS[S.NOTICE_PASSED] = [*ROADS[S.PUBLIC_NOTICE], S.NOTICE_PASSED]
ROADS[S.WITH_ALLIANCE] = [*ROADS[S.NOTICE_PASSED], S.WITH_ALLIANCE]
ROADS[S.REGISTERED] = [*ROADS[S.WITH_ALLIANCE], S.REGISTERED]
ROADS[S.CERTIFICATE_ISSUED] = [*ROADS[S.REGISTERED], S.CERTIFICATE_ISSUED]
ROADS[S.WITHDRAWN] = [S.REVIEW_PASSED, S.WITHDRAWN]
REASONS = {
    S.RETURNED: "请补充学位证书扫描件。",
    S.REJECTED: "学历不符合申请级别要求。",
    S.NOT_APPROVED: "综合审议未达到合格准则。",
    S.WITHDRAWN: "个人原因撤回申请。",
}

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = (  # noqa: SIM905 - given names read better as text than as a list of strings
    "伟 芳 娜 秀英 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 秀兰 "
    "霞 平 刚 桂英 建华 文 华 金凤 玉兰 斌 波 建国 建军 志强 志明 "
    "海燕 海涛 晓东 晓明 晓燕 红梅 国强 国华 俊杰 子豪 宇航 浩然 欣怡 "
    "梓涵 思远 博文 鹏 飞 辉 健 亮 林 峰 宁 凯 琳 颖 倩 婷 雪 慧 "
    "莉 佳 鑫 昊 瑞 振华 卫东 立新 永刚 春生 德明 文博 家豪 天宇 嘉怡 "
).split()


def _weighted_states(n: int, rng: random.Random) -> list[S]:
    states = [s for s, _w in STATE_SHARES]
    weights = [w for _s, w in STATE_SHARES]
    return rng.choices(states, weights=weights, k=n)


def _users(n: int, password_hash: str) -> list[int]:
    emails = [f"queue{i:06d}@bench.engcert" for i in range(n)]
    for start in range(0, n, CHUNK):
        part = emails[start : start + CHUNK]
        User.objects.bulk_create([User(email=e, password=password_hash, full_name="") for e in part])
    ids = dict(User.objects.filter(email__in=emails).values_list("email", "pk"))
    return [ids[e] for e in emails]


def _staff(society: Organisation, count: int) -> list[User]:
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    people = []
    for i in range(count):
        user = builders.user_create(
            email=f"queue-staff{i:02d}@bench.engcert",
            password=PASSWORD,
            full_name=f"工作人员{i + 1}",
            role=Role.STAFF,
            organisation=society,
        )
        TOTP.activate(user, generate_totp_secret())
        people.append(user)
    return people


def _session(user: User) -> str:
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return str(store.session_key)


def seed(out: Path, *, applications: int, staff_count: int) -> dict[str, Any]:
    rng = random.Random(20260301)
    started = time.monotonic()
    builders.alliance_ensure()
    society = builders.society_create()
    units = [
        builders.unit_create(
            society=society,
            code=f"qunit{n:02d}",
            name=f"第{n + 1}电力建设有限公司",
            name_en=f"Power Works {n + 1}",
        )
        for n in range(UNITS)
    ]
    now = timezone.now()
    batch = builders.batch_create(
        society=society,
        code=BATCH_CODE,
        name="第五批电气工程类工程会员",
        name_en="Fifth batch of electrical engineering members",
        opens_at=now - timedelta(days=200),
        closes_at=now + timedelta(days=1),
    )
    grades = {g.code: g for g in batch.grades.all()}
    fields = list(Discipline.objects.filter(society=society).order_by("position", "code"))
    staff = _staff(society, staff_count)
    password_hash = make_password(PASSWORD)
    user_ids = _users(applications, password_hash)
    EmailAddress.objects.bulk_create(
        [
            EmailAddress(user_id=pk, email=f"queue{i:06d}@bench.engcert", verified=True, primary=True)
            for i, pk in enumerate(user_ids)
        ],
        batch_size=CHUNK,
    )
    prefix = (society.short_name or society.code).upper()
    states = _weighted_states(applications, rng)
    unit_weights = [1 / (k + 1) ** 0.7 for k in range(UNITS)]  # a few large units, many small
    deadline = now - timedelta(days=120)
    targets: dict[str, list[Any]] = {"names": [], "numbers": [], "documents": []}
    head, _ = AuditChainHead.objects.get_or_create(key="main")
    prev_hash, position = head.last_hash or GENESIS_HASH, head.length
    total_events = 0
    t_apps = time.monotonic()
    for start in range(0, applications, CHUNK):
        rows: list[Application] = []
        roads: list[list[S]] = []
        for i in range(start, min(start + CHUNK, applications)):
            state = states[i]
            road = list(ROADS[state])
            # About one file in ten further along was returned once and sent back.
            if road and road[0] == S.REVIEW_PASSED and rng.random() < 0.1:
                road = [S.RETURNED, S.RESUBMITTED, *road]
            roads.append(road)
            male = rng.random() < 0.82
            birth = date(1965 + rng.randrange(35), 1 + rng.randrange(12), 1 + rng.randrange(28))
            name = rng.choice(SURNAMES) + rng.choice(GIVEN)
            document = builders.prc_id_number(
                birth=birth,
                male=male,
                region=f"{rng.choice([11, 13, 31, 32, 37, 42, 44, 51])}0101",
                sequence=i % 100,
            )
            grade = rng.choices(["AE", "PE", "SPE"], weights=[3, 5, 2])[0]
            simplified = rng.random() < 0.05
            submitted = deadline - timedelta(minutes=rng.randrange(60 * 24 * 60))
            changed = submitted + timedelta(minutes=len(road) * rng.randrange(60, 60 * 24 * 10))
            unit = rng.choices(units, weights=unit_weights)[0]
            rows.append(
                Application(
                    batch=batch,
                    applicant_id=user_ids[i],
                    framework_version=batch.framework_version,
                    number=f"{prefix}-{BATCH_CODE}-{i + 1:06d}".upper(),
                    state=state,
                    grade=grades[grade],
                    discipline=rng.choice(fields),
                    unit=unit,
                    simplified_requested=simplified,
                    assessment_path="simplified" if simplified and rng.random() < 0.5 else "full",
                    eligibility_unmet=["工作年限不足4年。"] if rng.random() < 0.08 else [],
                    eligibility_explanation="",
                    full_name=name,
                    gender="M" if male else "F",
                    birth_date=birth,
                    nationality="中国",
                    id_type="prc_id",
                    id_number=document,
                    id_number_index=blind_index(document),
                    phone=f"139{i:08d}"[:11],
                    email=f"queue{i:06d}@bench.engcert",
                    employer=unit.name,
                    department_position="工程技术部 工程师",
                    submitted_at=submitted,
                    state_changed_at=changed,
                )
            )
            if i % 97 == 0:
                targets["names"].append(name)
                targets["numbers"].append(rows[-1].number or "")
                targets["documents"].append([document, rows[-1].number or ""])
        with transaction.atomic():
            Application.objects.bulk_create(rows)
            created = {
                a.number: a.pk for a in Application.objects.filter(number__in=[r.number for r in rows])
            }
            events: list[AuditEvent] = []
            for row, road in zip(rows, roads, strict=True):
                pk = created[row.number]
                moves = [(S.DRAFT, S.SUBMITTED), *zip([S.SUBMITTED, *road], road, strict=False)]
                at = row.submitted_at or now
                chain = [("application.create", "", S.DRAFT.value, row.applicant_id, at - timedelta(days=3))]
                for k, (src, dst) in enumerate(moves):
                    actor = (
                        row.applicant_id
                        if dst in (S.SUBMITTED, S.RESUBMITTED, S.WITHDRAWN)
                        else staff[k % len(staff)].pk
                    )
                    chain.append(
                        ("application.transition", src.value, dst.value, actor, at + timedelta(hours=k * 30))
                    )
                for action, src_value, dst_value, actor_id, when in chain:
                    position += 1
                    event = AuditEvent(
                        chain="main",
                        position=position,
                        created_at=when,
                        actor_id=actor_id,
                        action=action,
                        subject_type="applications.application",
                        subject_id=str(pk),
                        application_id=pk,
                        from_state=src_value,
                        to_state=dst_value,
                        reason=REASONS.get(S(dst_value), "") if action == "application.transition" else "",
                        data={},
                        prev_hash=prev_hash,
                    )
                    event.hash = _digest(event.payload())
                    prev_hash = event.hash
                    events.append(event)
            AuditEvent.objects.bulk_create(events, batch_size=CHUNK)
            total_events += len(events)
            AuditChainHead.objects.filter(key="main").update(last_hash=prev_hash, length=position)
        print(f"  {min(start + CHUNK, applications)} applications, {total_events} events", flush=True)
    seconds_apps = time.monotonic() - t_apps
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    sessions = [{"email": u.email, "session": _session(u)} for u in staff]
    out.mkdir(parents=True, exist_ok=True)
    (out / "staff.json").write_text(json.dumps(sessions), encoding="utf-8")
    (out / "targets.json").write_text(
        json.dumps({"society": society.code, "batch": batch.pk, **targets}, ensure_ascii=False),
        encoding="utf-8",
    )
    by_state: dict[str, int] = {}
    for state in states:
        by_state[state.value] = by_state.get(state.value, 0) + 1
    return {
        "applications": applications,
        "audit_events": total_events,
        "staff": len(staff),
        "by_state": by_state,
        "seconds": round(time.monotonic() - started, 1),
        "seconds_applications": round(seconds_apps, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--applications", type=int, default=50_000)
    parser.add_argument("--staff", type=int, default=20)
    args = parser.parse_args()
    result = seed(Path(args.out), applications=args.applications, staff_count=args.staff)
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
