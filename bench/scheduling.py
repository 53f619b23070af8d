"""Bench: the interview scheduler on a society-sized batch (1,000 candidates, 150 examiners).

    .venv/bin/python bench/scheduling.py                  # 1,000 × 150, panels of 3, 15 days
    .venv/bin/python bench/scheduling.py --candidates 300 --examiners 50 --days 5 --seed 2
    .venv/bin/python bench/scheduling.py --database       # through the database and the Django wrapper

The people are made up but shaped like a real electrical-engineering batch: the 附件2 scope with
its six generation sub-fields, candidates spread unevenly over the fields (power systems,
transmission and substations crowd; power markets are rare), 24 nominating units, work histories
that name earlier employers, examiners from units, universities and institutes with earlier
employers of their own and a few declared relations, examiners free on about half of the days,
some candidates unable to come on a day or three, one shortened interview in ten.

Conflicts are found by the real rules (``profile_conflict_map``) over those profiles; the plan is
checked rule by rule by ``schedule_violations``. With ``--database`` the same people are written to
a fresh database (``manage.py`` settings; run it against a scratch PostgreSQL or SQLite database)
and the Django-facing wrapper builds the problem from the tables and solves it, so the figure
includes reading the data. Prints one JSON line with the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sys
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "engcert.settings")

# (code, weight of candidates, weight of examiners); children of 06 are 06.1 … 06.6.
FIELDS: list[tuple[str, float, float]] = [
    ("01", 16, 16),
    ("02", 5, 6),
    ("03", 5, 5),
    ("04", 6, 6),
    ("05", 2, 3),
    ("06", 2, 8),
    ("06.1", 6, 4),
    ("06.2", 4, 3),
    ("06.3", 2, 2),
    ("06.4", 4, 3),
    ("06.5", 3, 2),
    ("06.6", 1, 1),
    ("07", 10, 9),
    ("08", 10, 9),
    ("09", 6, 6),
    ("10", 4, 4),
    ("11", 4, 4),
    ("12", 8, 7),
    ("13", 2, 2),
    ("14", 1, 2),
]

UNITS = [
    "中国电建集团山东电力建设第三工程有限公司",
    "中国电力工程顾问集团有限公司",
    "中国能源建设集团广东省电力设计研究院有限公司",
    "国网经济技术研究院有限公司",
    "南方电网科学研究院有限责任公司",
    "中国电建集团华东勘测设计研究院有限公司",
    "中国电建集团成都勘测设计研究院有限公司",
    "中国葛洲坝集团股份有限公司",
    "特变电工股份有限公司",
    "许继集团有限公司",
    "平高集团有限公司",
    "中国西电集团有限公司",
    "国电南瑞科技股份有限公司",
    "上海电气集团股份有限公司",
    "东方电气集团东方电机有限公司",
    "哈尔滨电气集团有限公司",
    "中国核电工程有限公司",
    "中广核工程有限公司",
    "中国电建集团西北勘测设计研究院有限公司",
    "中国能源建设集团江苏省电力设计院有限公司",
    "国网冀北电力有限公司",
    "国网浙江省电力有限公司",
    "广东电网有限责任公司",
    "中国电建集团湖北工程有限公司",
]
OTHER_EMPLOYERS = [
    "华北电力大学",
    "清华大学",
    "西安交通大学",
    "华中科技大学",
    "浙江大学",
    "中国电力科学研究院有限公司",
    "国网能源研究院有限公司",
    "电力规划设计总院",
    "中国电机工程学会",
    "ABB (China) Ltd.",
    "Siemens Energy Co., Ltd.",
    "GE Vernova China",
]
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂英华建国志红文斌辉鹏飞宇浩然"


def variant(name: str, rng: random.Random) -> str:
    """The same employer as people write it: with or without the legal form, full-width brackets."""
    roll = rng.random()
    if roll < 0.15:
        return name.replace("有限公司", "公司")
    if roll < 0.25:
        return name.replace("有限公司", "") + "（有限公司）"
    if roll < 0.3:
        return " ".join(name)
    return name


@dataclass
class People:
    disciplines: dict[str, int]
    parents: dict[int, int | None]
    candidates: list[dict[str, Any]]
    examiners: list[dict[str, Any]]
    days: list[date]
    rooms: list[dict[str, Any]]


def make_people(*, candidates: int, examiners: int, days: int, rooms: int, online: int, seed: int) -> People:
    rng = random.Random(seed)
    discipline_ids = {code: i + 1 for i, (code, _c, _e) in enumerate(FIELDS)}
    parents = {
        discipline_ids[code]: (discipline_ids[code.split(".")[0]] if "." in code else None)
        for code, _c, _e in FIELDS
    }
    codes = [code for code, _c, _e in FIELDS]
    weights_c = [c for _code, c, _e in FIELDS]
    weights_e = [e for _code, _c, e in FIELDS]
    first = date(2027, 3, 1)
    interview_days: list[date] = []
    day = first
    while len(interview_days) < days:
        if day.weekday() < 5:
            interview_days.append(day)
        day += timedelta(days=1)

    unit_weights = [1 / (i + 1) ** 0.6 for i in range(len(UNITS))]
    people_c = []
    used_names: set[str] = set()
    for i in range(candidates):
        unit = rng.choices(range(len(UNITS)), unit_weights)[0]
        name = rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")
        used_names.add(name)
        history = [variant(UNITS[unit], rng)]
        if rng.random() < 0.35:
            history.append(rng.choice(UNITS + OTHER_EMPLOYERS[:6]))
        if rng.random() < 0.1:
            history.append(rng.choice(UNITS))
        unavailable = set()
        if rng.random() < 0.3:
            unavailable = set(rng.sample(interview_days, k=rng.randint(1, 3)))
        people_c.append(
            {
                "id": i + 1,
                "name": name,
                "unit": unit,
                "employer": variant(UNITS[unit], rng),
                "history": history,
                "discipline": discipline_ids[rng.choices(codes, weights_c)[0]],
                "simplified": rng.random() < 0.1,
                "unavailable": sorted(unavailable),
                "id_index": f"idx{i}",
            }
        )
    people_e = []
    for j in range(examiners):
        held = set()
        for _ in range(rng.choices([1, 2, 3], [0.45, 0.4, 0.15])[0]):
            held.add(discipline_ids[rng.choices(codes, weights_e)[0]])
        if j < len(codes):
            held.add(discipline_ids[codes[j]])  # every field has at least one examiner
        in_unit = rng.random() < 0.4
        unit = rng.randrange(len(UNITS)) if in_unit else None
        employer = variant(UNITS[unit], rng) if unit is not None else rng.choice(OTHER_EMPLOYERS)
        past = rng.sample(UNITS + OTHER_EMPLOYERS, k=rng.choices([0, 1, 2], [0.5, 0.35, 0.15])[0])
        relations = []
        if rng.random() < 0.06:
            relations.append({"person_name": rng.choice(sorted(used_names)), "relation": "亲属"})
        if rng.random() < 0.04:
            relations.append({"organisation": rng.choice(UNITS), "relation": "兼职顾问"})
        share = rng.uniform(0.35, 0.75)
        available = sorted(d for d in interview_days if rng.random() < share)
        people_e.append(
            {
                "id": j + 1,
                "name": rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                "disciplines": sorted(held),
                "unit": unit,
                "employer": employer,
                "past": past,
                "relations": relations,
                "days": available,
            }
        )
    room_list = [{"id": k + 1, "name": f"第{k + 1}会议室", "online": False} for k in range(rooms)]
    room_list += [{"id": rooms + k + 1, "name": f"线上{k + 1}", "online": True} for k in range(online)]
    return People(discipline_ids, parents, people_c, people_e, interview_days, room_list)


def pure_problem(people: People, *, panel_size: int, per_day: int) -> tuple[Any, float]:
    from engcert.examiners.domain.conflicts import (
        CandidateProfile,
        ExaminerProfile,
        RelationProfile,
        profile_conflict_map,
    )
    from engcert.examiners.domain.scheduling import CandidateSpec, ExaminerSpec, RoomSpec, ScheduleProblem

    started = time.monotonic()
    candidate_profiles = [
        CandidateProfile(
            id=c["id"],
            full_name=c["name"],
            id_number_index=c["id_index"],
            unit_id=c["unit"] + 1000,
            unit_names=(UNITS[c["unit"]],),
            employer=c["employer"],
            history_employers=tuple(c["history"]),
        )
        for c in people.candidates
    ]
    examiner_profiles = [
        ExaminerProfile(
            id=e["id"],
            employer=e["employer"],
            unit_id=e["unit"] + 1000 if e["unit"] is not None else None,
            past_employers=tuple(e["past"]),
            relations=tuple(RelationProfile(**r) for r in e["relations"]),
        )
        for e in people.examiners
    ]
    conflicts = profile_conflict_map(examiner_profiles, candidate_profiles)
    problem = ScheduleProblem(
        days=tuple(people.days),
        candidates=tuple(
            CandidateSpec(
                id=c["id"],
                label=f"{c['id']:04d} {c['name']}",
                discipline=str(c["discipline"]),
                qualifying=frozenset(
                    d for d in (c["discipline"], people.parents[c["discipline"]]) if d is not None
                ),
                minutes=20 if c["simplified"] else 45,
                unavailable=frozenset(c["unavailable"]),
            )
            for c in people.candidates
        ),
        examiners=tuple(
            ExaminerSpec(
                id=e["id"],
                label=e["name"],
                disciplines=frozenset(e["disciplines"]),
                days=frozenset(e["days"]),
            )
            for e in people.examiners
        ),
        rooms=tuple(RoomSpec(id=r["id"], label=r["name"], days=frozenset(people.days)) for r in people.rooms),
        conflicts=frozenset(conflicts),
        panel_size=panel_size,
        max_per_day=per_day,
        day_minutes=510,
        break_minutes=10,
    )
    return problem, time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--candidates", type=int, default=1000)
    parser.add_argument("--examiners", type=int, default=150)
    parser.add_argument("--days", type=int, default=15)
    parser.add_argument("--rooms", type=int, default=8, help="rooms for interviews in person")
    parser.add_argument("--online", type=int, default=6, help="online meeting rooms")
    parser.add_argument("--panel-size", type=int, default=3)
    parser.add_argument("--per-day", type=int, default=6)
    parser.add_argument("--time-limit", type=float, default=25.0)
    parser.add_argument("--workers", type=int, default=0, help="CP-SAT workers (0: one per core, at most 8)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database", action="store_true", help="through the database and the Django wrapper")
    parser.add_argument(
        "--database-name", default="engcert_bench_schedule", help="scratch PostgreSQL database"
    )
    parser.add_argument(
        "--confirm", action="store_true", help="with --database: also save the whole proposal"
    )
    args = parser.parse_args()

    if args.database:
        from bench.scheduling_db import database_create

        os.environ["ENGCERT_DB"] = "postgres"
        os.environ["ENGCERT_DB_NAME"] = args.database_name
        database_create(args.database_name)
    import django

    django.setup()
    from engcert.examiners.domain.scheduling import schedule_solve, schedule_violations

    people = make_people(
        candidates=args.candidates,
        examiners=args.examiners,
        days=args.days,
        rooms=args.rooms,
        online=args.online,
        seed=args.seed,
    )
    figures: dict[str, Any] = {
        "candidates": args.candidates,
        "examiners": args.examiners,
        "days": args.days,
        "rooms": args.rooms + args.online,
        "panel_size": args.panel_size,
        "per_day": args.per_day,
        "machine": f"{os.cpu_count()} cores ({platform.processor() or platform.machine()}), Python {platform.python_version()}",
    }
    extra: dict[str, Any] = {}
    if args.database:
        from django.core.management import call_command

        from bench.scheduling_db import database_problem

        call_command("migrate", verbosity=0)
        problem, build_seconds, extra = database_problem(
            people, panel_size=args.panel_size, per_day=args.per_day
        )
        figures["seed_seconds"] = extra["seed_seconds"]
    else:
        problem, build_seconds = pure_problem(people, panel_size=args.panel_size, per_day=args.per_day)
    figures["conflicting_pairs"] = len(problem.conflicts)
    figures["build_seconds"] = round(build_seconds, 2)
    started = time.monotonic()
    result = schedule_solve(problem, time_limit=args.time_limit, workers=args.workers or None)
    figures["solve_seconds"] = round(time.monotonic() - started, 2)
    figures["status"] = result.solver_status
    figures["feasible"] = result.feasible
    figures["stats"] = result.stats
    if result.feasible:
        loads = [n for n in result.loads.values()]
        figures["sessions"] = len(result.sessions)
        figures["load_max"] = max(loads)
        figures["load_min"] = min(loads)
        figures["violations"] = schedule_violations(problem, result.sessions)
        if args.database and args.confirm:
            from bench.scheduling_db import database_confirm

            figures.update(database_confirm(extra["_seeded"], extra["_request"], result, problem))
    else:
        figures["findings"] = [{"code": f.code, **f.params} for f in result.findings]
    print(json.dumps(figures, ensure_ascii=False, default=str))


if __name__ == "__main__":
    main()
