"""Seed the public-notice benchmark, check its objections afterwards, and measure one notice page.

    DJANGO_SETTINGS_MODULE=bench.settings python bench/seed_notice.py seed OUT_DIR --candidates 1000 --older 5
    DJANGO_SETTINGS_MODULE=bench.settings python bench/seed_notice.py check OUT_DIR/acknowledged.json
    DJANGO_SETTINGS_MODULE=bench.settings python bench/seed_notice.py page NOTICE_UID

`seed`: one society (24 units) with a batch whose committee approved ``--candidates`` people
(plus the batch's other files: not approved, rejected, withdrawn), and ``--older`` earlier
batches, each with a public notice that has closed (three of them ended within the 90 days the
public list shows, the others before). Applications are built in bulk as the domain would have
built them (names, units, grades, disciplines, submission, the audit trail of every move chained
by hash as ``audit_event_append`` chains it, so ``manage.py audit_verify`` holds); the older
notices and their rows are written in bulk as closed; the current notice is published through
``notice_publish`` by a staff member, so its 1,000 moves to "in public notice" and their audit
events are the domain's own. Writes OUT_DIR/targets.json (the notice, its entries) then VACUUM
ANALYZE. Deterministic (seeded random) but for the uids.

`check`: the objections acknowledged to the public (a JSON list of references) against the
database: each stored exactly once, with exactly one "objection received" audit event, its
evidence file on disk when it had one, no objection stored that was not acknowledged, and the
candidates objected to in "objection under investigation".

`page`: renders the notice page in-process, as the view does, and counts its queries and time
(warm, five times), to tell the database's share of a slow page from the template's.
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
from uuid import UUID

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django

django.setup()

from allauth.account.models import EmailAddress  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from engcert.accounts.models import User  # noqa: E402
from engcert.applications.enums import ApplicationState as S  # noqa: E402
from engcert.applications.models import Application  # noqa: E402
from engcert.audit.domain import _digest  # noqa: E402
from engcert.audit.models import GENESIS_HASH, AuditChainHead, AuditEvent  # noqa: E402
from engcert.batches.models import Batch  # noqa: E402
from engcert.demo import builders  # noqa: E402
from engcert.notices.domain.calendar import BEIJING, notice_period_compute  # noqa: E402
from engcert.notices.domain.notice import notice_publish  # noqa: E402
from engcert.notices.enums import NoticeStatus  # noqa: E402
from engcert.notices.models import Notice, NoticeEntry, NoticePolicy, Objection  # noqa: E402
from engcert.organisations.enums import Role  # noqa: E402
from engcert.organisations.models import Discipline, Organisation  # noqa: E402
from engcert.privacy.crypto import blind_index  # noqa: E402

PASSWORD = "engcert-bench-2026"  # noqa: S105 - the seeded bench users, on a throwaway database
CHUNK = 2000

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟"
    "谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (  # noqa: SIM905 - given names read better as text than as a list of strings
    "伟 芳 娜 秀英 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 秀兰 霞 平 刚 桂英 建华 文 华 金凤 玉兰 斌 波 "
    "建国 建军 志强 志明 海燕 海涛 晓东 晓明 晓燕 红梅 国强 国华 俊杰 子豪 宇航 浩然 欣怡 梓涵 思远 博文 "
    "鹏 飞 辉 健 亮 林 峰 宁 凯 琳 颖 倩 婷 雪 慧 莉 佳 鑫 昊 瑞 振华 卫东 立新 永刚 春生 德明 文博 家豪 "
    "天宇 嘉怡 云龙 雨辰 思琪 子轩 一鸣 若曦 泽宇 明轩 诗涵 梦瑶 承志 景行 维钧 少华 汉卿 铁军 秋实"
).split()
UNITS = [
    ("国网北京市电力公司", "State Grid Beijing Electric Power"),
    ("国网江苏省电力有限公司", "State Grid Jiangsu Electric Power"),
    ("国网浙江省电力有限公司", "State Grid Zhejiang Electric Power"),
    ("国网山东省电力公司", "State Grid Shandong Electric Power"),
    ("国网湖北省电力有限公司", "State Grid Hubei Electric Power"),
    ("国网四川省电力公司", "State Grid Sichuan Electric Power"),
    ("中国南方电网广东电网有限责任公司", "China Southern Power Grid Guangdong"),
    ("中国南方电网云南电网有限责任公司", "China Southern Power Grid Yunnan"),
    ("中国电力建设集团有限公司", "PowerChina"),
    ("中国能源建设集团有限公司", "China Energy Engineering"),
    ("中国华能集团有限公司", "China Huaneng Group"),
    ("中国大唐集团有限公司", "China Datang"),
    ("中国华电集团有限公司", "China Huadian"),
    ("国家电力投资集团有限公司", "State Power Investment"),
    ("中国长江三峡集团有限公司", "China Three Gorges"),
    ("中国电力科学研究院有限公司", "China Electric Power Research Institute"),
    ("南京南瑞集团公司", "NARI Group"),
    ("许继集团有限公司", "XJ Group"),
    ("特变电工股份有限公司", "TBEA"),
    ("中国西电集团有限公司", "China XD Group"),
    ("华北电力设计院有限公司", "North China Power Engineering"),
    ("西南电力设计院有限公司", "Southwest Electric Power Design Institute"),
    ("清华大学电机工程与应用电子技术系", "Tsinghua University, Electrical Engineering"),
    ("西安交通大学电气工程学院", "Xi'an Jiaotong University, Electrical Engineering"),
]
# The earlier batches: code, name, candidates listed, days since its notice ended.
OLDER = [
    ("2026-b4", "第四批电气工程类工程会员", 420, 25),
    ("2026-b3", "第三批电气工程类工程会员", 380, 60),
    ("2025-b2", "第二批电气工程类工程会员", 350, 85),
    ("2025-b1", "第一批电气工程类工程会员", 300, 150),
    ("2024-p1", "电气工程类工程会员试点批次", 200, 260),
]
# Where the current batch's other files stand once its committee has decided (per 1,000 approved).
CURRENT_OTHERS = {S.NOT_APPROVED: 90, S.REJECTED: 120, S.WITHDRAWN: 30}
# Where the candidates of a closed notice stand months later (shares).
OLDER_STATES = [
    (S.CERTIFICATE_ISSUED, 0.82),
    (S.REGISTERED, 0.08),
    (S.WITH_ALLIANCE, 0.07),
    (S.NOT_APPROVED, 0.03),
]

ROADS: dict[S, list[S]] = {
    S.REJECTED: [S.REJECTED],
    S.WITHDRAWN: [S.REVIEW_PASSED, S.WITHDRAWN],
}
ROADS[S.APPROVED] = [S.REVIEW_PASSED, S.INTERVIEW_SCHEDULED, S.INTERVIEWED, S.DELIBERATION, S.APPROVED]
ROADS[S.NOT_APPROVED] = [*ROADS[S.APPROVED][:-1], S.NOT_APPROVED]
ROADS[S.NOTICE_PASSED] = [*ROADS[S.APPROVED], S.PUBLIC_NOTICE, S.NOTICE_PASSED]
ROADS[S.WITH_ALLIANCE] = [*ROADS[S.NOTICE_PASSED], S.WITH_ALLIANCE]
ROADS[S.REGISTERED] = [*ROADS[S.WITH_ALLIANCE], S.REGISTERED]
ROADS[S.CERTIFICATE_ISSUED] = [*ROADS[S.REGISTERED], S.CERTIFICATE_ISSUED]
# Listed on a closed notice, then an objection upheld.
ROAD_UPHELD = [*ROADS[S.APPROVED], S.PUBLIC_NOTICE, S.OBJECTION, S.NOT_APPROVED]
REASONS = {
    S.REJECTED: "学历不符合申请级别要求。",
    S.NOT_APPROVED: "综合审议未达到合格准则。",
    S.WITHDRAWN: "个人原因撤回申请。",
}


class Seeder:
    def __init__(
        self, rng: random.Random, society: Organisation, units: list[Organisation], staff: User
    ) -> None:
        self.rng = rng
        self.society = society
        self.units = units
        self.unit_weights = [1 / (k + 1) ** 0.6 for k in range(len(units))]
        self.staff = staff
        self.fields = list(Discipline.objects.filter(society=society, parent__isnull=False))
        self.password_hash = make_password(PASSWORD)
        self.prefix = (society.short_name or society.code).upper()
        head, _ = AuditChainHead.objects.get_or_create(key="main")
        self.prev_hash, self.position = head.last_hash or GENESIS_HASH, head.length
        self.people = 0
        self.events = 0

    def users(self, n: int) -> list[int]:
        emails = [f"notice{self.people + i:06d}@bench.engcert" for i in range(n)]
        self.people += n
        User.objects.bulk_create([User(email=e, password=self.password_hash, full_name="") for e in emails])
        ids = dict(User.objects.filter(email__in=emails).values_list("email", "pk"))
        EmailAddress.objects.bulk_create(
            [EmailAddress(user_id=ids[e], email=e, verified=True, primary=True) for e in emails]
        )
        return [ids[e] for e in emails]

    def applications(self, batch: Batch, roads: list[list[S]], submitted_before: Any) -> list[Application]:
        """Applications of ``batch`` moved along ``roads`` (after submission), each with its audit trail."""
        rng = self.rng
        grades = {g.code: g for g in batch.grades.all()}
        user_ids = self.users(len(roads))
        rows: list[Application] = []
        for i, road in enumerate(roads):
            male = rng.random() < 0.82
            birth = date(1966 + rng.randrange(34), 1 + rng.randrange(12), 1 + rng.randrange(28))
            document = builders.prc_id_number(
                birth=birth,
                male=male,
                region=f"{rng.choice([11, 13, 31, 32, 37, 42, 44, 51])}0101",
                sequence=i % 100,
            )
            grade = grades[rng.choices(["AE", "PE", "SPE"], weights=[3, 5, 2])[0]]
            unit = rng.choices(self.units, weights=self.unit_weights)[0]
            submitted = submitted_before - timedelta(minutes=rng.randrange(60 * 24 * 30))
            listed = S.PUBLIC_NOTICE in road or road[-1] == S.APPROVED
            rows.append(
                Application(
                    batch=batch,
                    applicant_id=user_ids[i],
                    framework_version=batch.framework_version,
                    number=f"{self.prefix}-{batch.code}-{i + 1:06d}".upper(),
                    state=road[-1],
                    grade=grade,
                    # A few are awarded the grade below the one applied for.
                    awarded_grade=(grades["AE"] if grade.code == "PE" and rng.random() < 0.06 else grade)
                    if listed
                    else None,
                    discipline=rng.choice(self.fields),
                    unit=unit,
                    full_name=rng.choice(SURNAMES) + rng.choice(GIVEN),
                    gender="M" if male else "F",
                    birth_date=birth,
                    nationality="中国",
                    id_type="prc_id",
                    id_number=document,
                    id_number_index=blind_index(document),
                    phone=f"138{self.people - len(roads) + i:08d}"[:11],
                    email=f"notice{self.people - len(roads) + i:06d}@bench.engcert",
                    employer=unit.name,
                    department_position=rng.choice(
                        ["输变电工程部 高级工程师", "调度控制中心 工程师", "设计院 主任工程师"]
                    ),
                    submitted_at=submitted,
                    state_changed_at=submitted + timedelta(days=len(road) * 9),
                )
            )
        with transaction.atomic():
            Application.objects.bulk_create(rows, batch_size=CHUNK)
            created = {
                a.number: a
                for a in Application.objects.filter(batch=batch, number__in=[r.number for r in rows])
            }
            events: list[AuditEvent] = []
            for row, road in zip(rows, roads, strict=True):
                pk = created[row.number].pk
                at = row.submitted_at or timezone.now()
                chain = [("application.create", "", S.DRAFT.value, row.applicant_id, at - timedelta(days=5))]
                for k, (src, dst) in enumerate(
                    zip([S.DRAFT, S.SUBMITTED, *road][:-1], [S.SUBMITTED, *road], strict=True)
                ):
                    actor = row.applicant_id if dst in (S.SUBMITTED, S.WITHDRAWN) else self.staff.pk
                    chain.append(
                        ("application.transition", src.value, dst.value, actor, at + timedelta(days=k * 9))
                    )
                for action, src_value, dst_value, actor_id, when in chain:
                    self.position += 1
                    event = AuditEvent(
                        chain="main",
                        position=self.position,
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
                        prev_hash=self.prev_hash,
                    )
                    event.hash = _digest(event.payload())
                    self.prev_hash = event.hash
                    events.append(event)
            AuditEvent.objects.bulk_create(events, batch_size=CHUNK)
            self.events += len(events)
            AuditChainHead.objects.filter(key="main").update(last_hash=self.prev_hash, length=self.position)
        return [created[r.number] for r in rows]


def seed(out: Path, *, candidates: int, older: int) -> dict[str, Any]:
    rng = random.Random(20261125)
    started = time.monotonic()
    builders.alliance_ensure()
    society = builders.society_create()
    units = [
        builders.unit_create(society=society, code=f"nunit{n:02d}", name=name, name_en=name_en)
        for n, (name, name_en) in enumerate(UNITS)
    ]
    staff = builders.user_create(
        email="notice-staff@bench.engcert",
        password=PASSWORD,
        full_name="公示工作人员",
        role=Role.STAFF,
        organisation=society,
    )
    NoticePolicy.objects.update_or_create(
        society=society, defaults={"working_days": 5, "contact": "学会评价工作办公室 010-6834 5678"}
    )
    seeder = Seeder(rng, society, units, staff)
    now = timezone.now()
    old_notices = []
    for code, name, listed, ended_days_ago in OLDER[:older]:
        closes = now - timedelta(days=ended_days_ago + 150)
        batch = builders.batch_create(
            society=society,
            code=code,
            name=name,
            name_en="",
            opens_at=closes - timedelta(days=60),
            closes_at=closes,
        )
        states = rng.choices([s for s, _ in OLDER_STATES], weights=[w for _, w in OLDER_STATES], k=listed)
        roads = [ROAD_UPHELD if s == S.NOT_APPROVED else ROADS[s] for s in states]
        apps = seeder.applications(batch, roads, closes)
        ends_on = timezone.localdate(now - timedelta(days=ended_days_ago), BEIJING)
        starts_on = ends_on - timedelta(days=7)
        last_day, starts_at, ends_at = notice_period_compute(starts_on=starts_on, working_days=5)
        notice = Notice.objects.create(
            batch=batch,
            starts_on=starts_on,
            working_days=5,
            last_day=last_day,
            starts_at=starts_at,
            ends_at=ends_at,
            contact="学会评价工作办公室 010-6834 5678",
            status=NoticeStatus.CLOSED,
            published_by=staff,
            published_at=starts_at - timedelta(days=1),
            closed_at=ends_at + timedelta(minutes=5),
        )
        NoticeEntry.objects.bulk_create(
            [NoticeEntry(notice=notice, application=a, position=k) for k, a in enumerate(apps, start=1)]
        )
        old_notices.append(str(notice.uid))
        print(f"  older notice {code}: {listed} candidates, ended {ended_days_ago} days ago", flush=True)

    closes = now - timedelta(days=75)
    batch = builders.batch_create(
        society=society,
        code="2026-b5",
        name="第五批电气工程类工程会员",
        name_en="Fifth batch of electrical engineering members",
        opens_at=closes - timedelta(days=60),
        closes_at=closes,
    )
    roads = [ROADS[S.APPROVED]] * candidates
    for state, per_thousand in CURRENT_OTHERS.items():
        roads += [ROADS[state]] * (per_thousand * candidates // 1000)
    rng.shuffle(roads)
    seeder.applications(batch, roads, closes)
    print(f"  current batch: {len(roads)} applications, {candidates} approved", flush=True)
    t_publish = time.monotonic()
    notice = notice_publish(batch=batch, starts_on=timezone.localdate(now, BEIJING), by=staff, now=now)
    publish_seconds = round(time.monotonic() - t_publish, 1)
    print(f"  notice published through notice_publish in {publish_seconds} s", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    entries = list(notice.entries.order_by("position").values_list("uid", flat=True))
    out.mkdir(parents=True, exist_ok=True)
    (out / "targets.json").write_text(
        json.dumps(
            {"notice": str(notice.uid), "entries": [str(u) for u in entries], "older": old_notices},
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    return {
        "society": society.code,
        "notice": str(notice.uid),
        "listed": len(entries),
        "older_notices": len(old_notices),
        "older_listed": sum(row[2] for row in OLDER[:older]),
        "applications": Application.objects.count(),
        "audit_events": AuditEvent.objects.count(),
        "publish_seconds": publish_seconds,
        "seconds": round(time.monotonic() - started, 1),
    }


def check(acknowledged_path: Path) -> dict[str, Any]:
    from django.core.files.storage import default_storage

    acknowledged: list[str] = json.loads(acknowledged_path.read_text(encoding="utf-8"))
    wanted = set(acknowledged)
    stored = list(
        Objection.objects.values_list("reference", "evidence", "entry__application__state", "entry_id")
    )
    by_reference: dict[str, int] = {}
    for reference, *_ in stored:
        by_reference[reference] = by_reference.get(reference, 0) + 1
    events: dict[str, int] = {}
    for data in AuditEvent.objects.filter(action="notices.objection_received").values_list("data", flat=True):
        ref = (data or {}).get("reference", "")
        events[ref] = events.get(ref, 0) + 1
    with_evidence = [(ref, path) for ref, path, _state, _entry in stored if ref in wanted and path]
    missing_files = [ref for ref, path in with_evidence if not default_storage.exists(path)]
    entries = {entry for _ref, _path, _state, entry in stored}
    not_under_investigation = sum(
        1
        for state in Application.objects.filter(notice_entries__in=entries).values_list("state", flat=True)
        if state != S.OBJECTION
    )
    result = {
        "acknowledged": len(acknowledged),
        "acknowledged_distinct": len(wanted),
        "stored": len(stored),
        "acknowledged_stored_once": sum(1 for ref in wanted if by_reference.get(ref) == 1),
        "acknowledged_missing": sorted(ref for ref in wanted if ref not in by_reference)[:10],
        "stored_not_acknowledged": len([ref for ref in by_reference if ref not in wanted]),
        "with_evidence": len(with_evidence),
        "evidence_files_missing": len(missing_files),
        "audit_events_once": sum(1 for ref in wanted if events.get(ref) == 1),
        "candidates_objected_to": len(entries),
        "candidates_not_under_investigation": not_under_investigation,
    }
    result["ok"] = (
        result["acknowledged"]
        == result["acknowledged_distinct"]
        == result["acknowledged_stored_once"]
        == result["audit_events_once"]
        and result["stored"] == result["acknowledged"]
        and result["evidence_files_missing"] == 0
        and result["candidates_not_under_investigation"] == 0
    )
    return result


def page(uid: str, language: str = "zh-hans") -> dict[str, Any]:
    """The notice page rendered in-process as the view renders it: queries and time, warm."""
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import reset_queries
    from django.test import RequestFactory
    from django.test.utils import CaptureQueriesContext
    from django.utils import translation

    from engcert.notices.views.public import public_detail

    factory = RequestFactory()
    timings: list[float] = []
    queries = 0
    sql_ms = 0.0
    size = 0
    translation.activate(language)
    for _ in range(6):
        request = factory.get(f"/notices/{uid}/", HTTP_HOST="127.0.0.1")
        request.user = AnonymousUser()
        request.session = SessionStore()
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            t0 = time.perf_counter()
            response = public_detail(request, UUID(uid))
            timings.append((time.perf_counter() - t0) * 1000)
        queries = len(captured)
        sql_ms = sum(float(q["time"]) for q in captured.captured_queries) * 1000
        size = len(response.content)
    warm = sorted(timings[1:])
    return {
        "queries": queries,
        "sql_ms": round(sql_ms, 1),
        "render_ms_median": round(warm[len(warm) // 2], 1),
        "bytes": size,
        "statements": [q["sql"][:160] for q in captured.captured_queries],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    p_seed = sub.add_parser("seed")
    p_seed.add_argument("out")
    p_seed.add_argument("--candidates", type=int, default=1000)
    p_seed.add_argument("--older", type=int, default=5)
    p_check = sub.add_parser("check")
    p_check.add_argument("acknowledged")
    p_page = sub.add_parser("page")
    p_page.add_argument("uid")
    args = parser.parse_args()
    if args.command == "seed":
        result = seed(Path(args.out), candidates=args.candidates, older=args.older)
    elif args.command == "check":
        result = check(Path(args.acknowledged))
    else:
        result = page(args.uid)
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
