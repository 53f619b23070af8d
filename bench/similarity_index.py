"""The similarity index at scale: seed N statements written by recombining the test corpus's
clauses with variation (so no two are near-duplicates), index them through `text_index` as the
task workers do, then time checks of new statements against them.

    python bench/similarity_index.py prepare N            # society, batch, N/5 applicants
    python bench/similarity_index.py seed N WORKER WORKERS
    python bench/similarity_index.py check N CHECKS

Runs against the database the environment configures; each step prints one JSON object.
"""

from __future__ import annotations

import json
import os
import random
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "engcert.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, reset_queries  # noqa: E402
from django.utils import timezone  # noqa: E402

from engcert.accounts.models import User  # noqa: E402
from engcert.applications.domain.application import application_submit  # noqa: E402
from engcert.applications.enums import ApplicationState  # noqa: E402
from engcert.applications.models import Application  # noqa: E402
from engcert.batches.models import Batch  # noqa: E402
from engcert.demo import builders  # noqa: E402
from engcert.organisations.models import Organisation  # noqa: E402
from engcert.similarity.domain import (  # noqa: E402
    SourceText,
    application_texts_index,
    candidates_find,
    text_compare,
    text_index,
)
from engcert.similarity.enums import TextSource  # noqa: E402
from engcert.similarity.fingerprint import fingerprint_of  # noqa: E402
from engcert.similarity.models import IndexedText, SimilarPair  # noqa: E402
from tests.similarity.corpus import CORPUS  # noqa: E402
from tests.similarity.edits import EDITS  # noqa: E402

SOCIETY = "simbench"
PER_APPLICANT = 5
CLAUSES = sorted({c for text in CORPUS for c in re.split("[，。；：]", text) if len(c) >= 6})
PLACES = [
    "沙特",
    "巴基斯坦",
    "越南",
    "孟加拉",
    "肯尼亚",
    "印尼",
    "老挝",
    "埃及",
    "智利",
    "哈萨克斯坦",
    "青海",
    "内蒙古",
    "新疆",
    "广东",
    "浙江",
    "四川",
    "云南",
    "山东",
]
VOLTAGES = ["35千伏", "66千伏", "110千伏", "220千伏", "330千伏", "500千伏", "750千伏", "1000千伏"]
OPENERS = ["本人", "我", "作为项目技术负责人，我", "在该项目中我", "工作期间我", "近年来我"]
# Words people use interchangeably about this work: each occurrence is swapped at random.
TERMS = [
    "变电站 换流站 开关站 升压站",
    "线路 电缆 母线 馈线",
    "调试 验收 检修 试验",
    "设计 施工 运维 改造",
    "组织 主持 负责 牵头",
    "方案 措施 计划 办法",
    "提出 制定 形成 确定",
    "公司 单位 院里 部门",
    "项目 工程 任务 课题",
    "发现 注意到 查明 找出",
    "分析 计算 评估 校核",
    "编制 编写 整理 起草",
    "保护 控制 监测 保障",
    "系统 装置 设备 平台",
]
TERM_CHOICES = {word: line.split() for line in TERMS for word in line.split()}
TERM_PATTERN = "|".join(sorted(TERM_CHOICES, key=len, reverse=True))
CLOSERS = [
    "这项工作得到了业主的认可",
    "相关经验已在公司内推广",
    "我从中积累了宝贵的经验",
    "工程按期投运",
    "未发生安全质量事故",
]


def statement(seed: int) -> str:
    """A plausible statement of 150-400 characters: ten or so clauses of the corpus in a new
    order, with the numbers, places and voltage levels changed."""
    rng = random.Random(seed)
    target = rng.randint(160, 380)
    text = rng.choice(OPENERS) + "在" + rng.choice(PLACES) + "的工程中，"
    for index, clause in enumerate(rng.sample(CLAUSES, 30)):
        clause = re.sub(r"\d+", lambda m: str(rng.randint(2, 9) * 10 ** (len(m.group()) - 1)), clause)
        clause = re.sub("|".join(VOLTAGES), lambda _m: rng.choice(VOLTAGES), clause)
        clause = re.sub("|".join(PLACES), lambda _m: rng.choice(PLACES), clause)
        clause = re.sub(TERM_PATTERN, lambda m: rng.choice(TERM_CHOICES[m.group()]), clause)
        text += clause + ("。" if index % 3 == 2 else "，")
        if len(text) >= target:
            break
    return text.rstrip("，。") + "，" + rng.choice(CLOSERS) + "。"


def society_get() -> Organisation:
    return Organisation.objects.get(code=SOCIETY)


def prepare(count: int) -> dict[str, object]:
    t0 = time.monotonic()
    society = builders.society_create(code=SOCIETY, name="相似度基准学会", short_name="SIMB")
    batch = builders.batch_create(society=society, code="sim-b1")
    version = batch.framework_version
    applicants = count // PER_APPLICANT + 1
    users = User.objects.bulk_create(
        [
            User(email=f"sim{n}@bench.engcert", full_name=f"申请人{n}", password="!")  # noqa: S106 -- unusable, as Django writes it
            for n in range(applicants)
        ],
        batch_size=2000,
    )
    now = timezone.now()
    Application.objects.bulk_create(
        [
            Application(
                batch=batch,
                applicant=user,
                framework_version=version,
                state=ApplicationState.SUBMITTED,
                number=f"SIMB-{n:06d}",
                full_name=user.full_name,
                id_number_index=f"bench{n:06d}",
                submitted_at=now,
            )
            for n, user in enumerate(users)
        ],
        batch_size=2000,
    )
    return {"applicants": applicants, "seconds": round(time.monotonic() - t0, 1)}


def seed(count: int, worker: int, workers: int) -> dict[str, object]:
    society = society_get()
    applications = {
        a.number: a for a in Application.objects.filter(batch__society=society).select_related("batch")
    }
    t0 = time.monotonic()
    flagged = 0
    for n in range(worker, count, workers):
        application = applications[f"SIMB-{n // PER_APPLICANT:06d}"]
        source = SourceText(TextSource.STATEMENT, 10_000_000 + n, "能力陈述", statement(n))
        flagged += len(text_index(application=application, society=society, source=source, threshold=0.5))
    seconds = time.monotonic() - t0
    indexed = len(range(worker, count, workers))
    return {"indexed": indexed, "flagged": flagged, "seconds": round(seconds, 1)}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(share * len(ordered)))], 1)


def check(count: int, checks: int) -> dict[str, object]:
    society = society_get()
    batch = Batch.objects.get(society=society, code="sim-b1")
    outsider = User.objects.create(email="sim-check@bench.engcert", full_name="新申请人", password="!")  # noqa: S106 -- unusable, as Django writes it
    timings, candidates, found = [], [], []
    # New statements nobody has written, then copies with edits of statements in the index.
    for n in range(checks):
        text = statement(count + 1_000_000 + n)
        t0 = time.perf_counter()
        fingerprint = fingerprint_of(text)
        pairs = text_compare(
            society=society,
            fingerprint=fingerprint,
            applicant_id=outsider.pk,
            id_number_index="",
            threshold=0.5,
        )
        timings.append((time.perf_counter() - t0) * 1000)
        candidates.append(
            len(
                candidates_find(
                    society=society, fingerprint=fingerprint, applicant_id=outsider.pk, id_number_index=""
                )
            )
        )
        found.append(len(pairs))
    copy_timings, copies_found = [], 0
    rng = random.Random(7)
    for n in rng.sample(range(count), 50):
        text = EDITS["all"](statement(n))
        t0 = time.perf_counter()
        pairs = text_compare(
            society=society,
            fingerprint=fingerprint_of(text),
            applicant_id=outsider.pk,
            id_number_index="",
            threshold=0.5,
        )
        copy_timings.append((time.perf_counter() - t0) * 1000)
        source_ids = set(
            IndexedText.objects.filter(pk__in=[p[0] for p in pairs]).values_list("source_id", flat=True)
        )
        copies_found += int(10_000_000 + n in source_ids)
    # The whole task after a submission: five statements and a project description of a real
    # application, indexed and compared against everything.
    task_timings = []
    for n in range(20):
        applicant = builders.user_create(
            email=f"sim-e2e{n}@bench.engcert",
            password="bench-only",  # noqa: S106
            full_name=f"端到端{n}",
        )
        unit = Organisation.objects.filter(code="sim-unit").first() or builders.unit_create(
            society=society, code="sim-unit", name="基准单位"
        )
        application = builders.application_complete_draft(
            batch=batch,
            applicant=applicant,
            person=builders.person_for(n, employer=unit.name),
            unit=unit,
            index=n,
        )
        for k, row in enumerate(application.statements.all()):
            row.text = statement(count + 2_000_000 + n * 10 + k)
            row.save(update_fields=["text"])
        project = application.projects.get()
        project.responsibilities = statement(count + 2_000_000 + n * 10 + 9)
        project.save(update_fields=["responsibilities"])
        application_submit(application=application, by=applicant)
        t0 = time.perf_counter()
        application_texts_index(application=application)
        task_timings.append((time.perf_counter() - t0) * 1000)
    reset_queries()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM similarity_bandkey")
        band_rows = cursor.fetchone()[0]
        cursor.execute("SELECT pg_size_pretty(pg_total_relation_size('similarity_bandkey'))")
        band_size = cursor.fetchone()[0]
    return {
        "texts": IndexedText.objects.filter(society=society).count(),
        "band_rows": band_rows,
        "band_table_size": band_size,
        "pairs_in_seed": SimilarPair.objects.filter(society=society).count(),
        "checks": checks,
        "check_ms": {
            "p50": percentile(timings, 0.5),
            "p95": percentile(timings, 0.95),
            "p99": percentile(timings, 0.99),
            "max": round(max(timings), 1),
        },
        "candidates": {"mean": round(statistics.mean(candidates), 2), "max": max(candidates)},
        "new_statements_flagged": sum(1 for f in found if f),
        "copies_checked": 50,
        "copies_found": copies_found,
        "copy_check_ms": {"p50": percentile(copy_timings, 0.5), "p95": percentile(copy_timings, 0.95)},
        "task_ms": {
            "p50": percentile(task_timings, 0.5),
            "p95": percentile(task_timings, 0.95),
            "max": round(max(task_timings), 1),
        },
    }


if __name__ == "__main__":
    step, *numbers = sys.argv[1:]
    values = [int(v) for v in numbers]
    result = {"prepare": prepare, "seed": seed, "check": check}[step](*values)
    print(json.dumps(result, ensure_ascii=False))
