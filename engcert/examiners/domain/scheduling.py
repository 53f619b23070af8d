"""Assigning panels and interview slots with OR-Tools CP-SAT.

The unit of the plan is a **session**: one panel of ``panel_size`` examiners sitting in one room
for one day and interviewing up to ``max_per_day`` candidates one after another. An examiner sits
in at most one session a day, so nobody is ever in two places at once and the daily cap is the
session's size; a room holds one session a day, so it never holds two interviews at once.

A single model over every candidate × session would hold hundreds of thousands of variables for
a thousand candidates, so the work is split in two, both solved by CP-SAT:

1. **Days.** Which day each candidate is interviewed and which examiners sit on which day, with
   the counts that make a day workable: enough sessions for its candidates (by number and by
   minutes), enough examiners of each discipline, at least one examiner of the candidate's
   discipline and ``panel_size`` examiners free of conflicts with them sitting that day. The
   objective balances the examiners' loads (the maximum first, then the spread).
2. **Sessions**, day by day: which sitting examiners form which panel and which candidate goes
   to which panel, exactly: each panel holds an examiner of every one of its candidates'
   disciplines and nobody in conflict with any of them; loads follow the plan of step 1.

When a day cannot place someone the plan of step 1 allowed (the counts of step 1 are necessary,
not sufficient), that candidate is barred from that day and step 1 is solved again; a few rounds
settle it. Everything here is pure: plain dataclasses in, plain dataclasses out, no database.

Before any solving, ``schedule_precheck`` looks for the reasons a plan cannot exist and names
them in plain words (candidates without any examiner of their discipline, or whose every
examiner is in conflict with them, or who cannot attend on any workable day; days with too
little room), so that staff learn *why* rather than "infeasible".
"""

from __future__ import annotations

import os
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ortools.sat.python import cp_model


@dataclass(frozen=True)
class CandidateSpec:
    id: int
    label: str
    discipline: str
    # Discipline ids an examiner must hold one of: the candidate's discipline and its parent field.
    qualifying: frozenset[int]
    minutes: int
    unavailable: frozenset[date] = frozenset()


@dataclass(frozen=True)
class ExaminerSpec:
    id: int
    label: str
    disciplines: frozenset[int]
    # Days the examiner can sit: declared available, active and within their term, not already busy.
    days: frozenset[date]


@dataclass(frozen=True)
class RoomSpec:
    id: int
    label: str
    days: frozenset[date]  # days the room is free


@dataclass(frozen=True)
class ScheduleProblem:
    days: tuple[date, ...]
    candidates: tuple[CandidateSpec, ...]
    examiners: tuple[ExaminerSpec, ...]
    rooms: tuple[RoomSpec, ...]
    conflicts: frozenset[tuple[int, int]]  # (candidate id, examiner id)
    panel_size: int
    max_per_day: int
    day_minutes: int
    break_minutes: int


@dataclass(frozen=True)
class Finding:
    """One reason, in data: ``code`` names the sentence, ``params`` fill it (see ``findings.py``)."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PlannedInterview:
    candidate_id: int
    offset_minutes: int  # from the start of the interview day
    minutes: int


@dataclass(frozen=True)
class PlannedSession:
    day: date
    room_id: int
    examiner_ids: tuple[int, ...]  # the chair first
    interviews: tuple[PlannedInterview, ...]


@dataclass
class ScheduleResult:
    feasible: bool
    solver_status: str
    sessions: list[PlannedSession] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    loads: dict[int, int] = field(default_factory=dict)
    seconds: float = 0.0
    stats: dict[str, Any] = field(default_factory=dict)


Progress = Callable[[str, int, int], None]

# How many names a finding lists before it says "and N more".
NAMES_SHOWN = 12


def _names(labels: Sequence[str]) -> dict[str, Any]:
    shown = sorted(labels)[:NAMES_SHOWN]
    return {"names": shown, "more": max(0, len(labels) - len(shown)), "count": len(labels)}


def _day(value: date) -> str:
    return value.isoformat()


class _Index:
    """Look-ups both steps share, computed once."""

    def __init__(self, problem: ScheduleProblem) -> None:
        self.p = problem
        self.rooms_on = {t: sum(1 for r in problem.rooms if t in r.days) for t in problem.days}
        self.examiners_on: dict[date, list[ExaminerSpec]] = {
            t: [e for e in problem.examiners if t in e.days] for t in problem.days
        }
        self.conflicted: dict[int, set[int]] = defaultdict(set)
        for candidate_id, examiner_id in problem.conflicts:
            self.conflicted[candidate_id].add(examiner_id)
        # Candidates grouped by what qualifies an examiner for them.
        self.groups: dict[frozenset[int], list[CandidateSpec]] = defaultdict(list)
        for c in problem.candidates:
            self.groups[c.qualifying].append(c)
        self.qualified: dict[frozenset[int], list[ExaminerSpec]] = {
            q: [e for e in problem.examiners if e.disciplines & q] for q in self.groups
        }
        self.session_minutes = problem.day_minutes + problem.break_minutes
        self.candidate = {c.id: c for c in problem.candidates}
        self.examiner = {e.id: e for e in problem.examiners}
        usable = {t for t in problem.days if self.sessions_possible(t) > 0}
        # Interviews an examiner could sit in at most: a full session on each usable free day.
        self.capacity = {e.id: problem.max_per_day * len(e.days & usable) for e in problem.examiners}

    def sessions_possible(self, t: date) -> int:
        return min(self.rooms_on[t], len(self.examiners_on[t]) // self.p.panel_size)

    def workable_days(self, c: CandidateSpec) -> list[date]:
        """Days on which this candidate could be interviewed, judged one candidate at a time."""
        conflicted = self.conflicted.get(c.id, set())
        days = []
        for t in self.p.days:
            if t in c.unavailable or self.sessions_possible(t) == 0:
                continue
            free = [e for e in self.examiners_on[t] if e.id not in conflicted]
            if len(free) >= self.p.panel_size and any(e.disciplines & c.qualifying for e in free):
                days.append(t)
        return days


def schedule_precheck(problem: ScheduleProblem) -> list[Finding]:
    """Reasons no plan can exist, found without solving; empty when none is obvious."""
    findings: list[Finding] = []
    index = _Index(problem)
    if not problem.candidates:
        return [Finding("no_candidates")]
    if not problem.days:
        return [Finding("no_days")]
    if not problem.rooms or not any(index.rooms_on.values()):
        return [Finding("no_rooms", {"first": _day(problem.days[0]), "last": _day(problem.days[-1])})]
    usable = [t for t in problem.days if index.sessions_possible(t) > 0]
    if not usable:
        return [
            Finding(
                "no_panel_days",
                {
                    "first": _day(problem.days[0]),
                    "last": _day(problem.days[-1]),
                    "panel_size": problem.panel_size,
                    "most": max(len(index.examiners_on[t]) for t in problem.days),
                },
            )
        ]

    too_long = [c.label for c in problem.candidates if c.minutes > problem.day_minutes]
    if too_long:
        findings.append(Finding("interview_too_long", {**_names(too_long), "minutes": problem.day_minutes}))

    without: dict[str, list[str]] = defaultdict(list)
    all_conflicted: dict[str, list[str]] = defaultdict(list)
    no_day: list[str] = []
    for q, group in index.groups.items():
        qualified = index.qualified[q]
        for c in group:
            if not qualified:
                without[c.discipline].append(c.label)
                continue
            free = [e for e in qualified if e.id not in index.conflicted.get(c.id, set())]
            if not free:
                all_conflicted[c.discipline].append(c.label)
            elif not index.workable_days(c):
                no_day.append(c.label)
    for discipline, labels in sorted(without.items()):
        findings.append(Finding("no_discipline_examiner", {"discipline": discipline, **_names(labels)}))
    for discipline, labels in sorted(all_conflicted.items()):
        findings.append(Finding("all_examiners_conflicted", {"discipline": discipline, **_names(labels)}))
    if no_day:
        findings.append(Finding("no_workable_day", _names(no_day)))

    # Capacity of the whole range, by number of interviews and by minutes.
    sessions = sum(index.sessions_possible(t) for t in problem.days)
    by_count = sessions * problem.max_per_day
    needed_minutes = sum(c.minutes + problem.break_minutes for c in problem.candidates)
    by_minutes = sessions * index.session_minutes
    if by_count < len(problem.candidates) or by_minutes < needed_minutes:
        examiner_days = sum(len(index.examiners_on[t]) for t in problem.days)
        findings.append(
            Finding(
                "capacity",
                {
                    "candidates": len(problem.candidates),
                    "possible": min(
                        by_count,
                        by_minutes // (needed_minutes // len(problem.candidates) or 1),
                    ),
                    "sessions": sessions,
                    "days": len(usable),
                    "room_days": sum(index.rooms_on.values()),
                    "examiner_days": examiner_days,
                    "panel_size": problem.panel_size,
                    "per_day": problem.max_per_day,
                },
            )
        )
    # Capacity of each discipline: sessions that can hold an examiner of it.
    for q, group in sorted(index.groups.items(), key=lambda item: item[1][0].discipline):
        if not index.qualified[q]:
            continue
        capacity = sum(
            min(index.sessions_possible(t), sum(1 for e in index.examiners_on[t] if e.disciplines & q))
            for t in problem.days
        )
        if capacity * problem.max_per_day < len(group):
            findings.append(
                Finding(
                    "discipline_capacity",
                    {
                        "discipline": group[0].discipline,
                        "candidates": len(group),
                        "possible": capacity * problem.max_per_day,
                        "examiners": len(index.qualified[q]),
                    },
                )
            )
    return findings


def _status_name(solver: cp_model.CpSolver, status: Any) -> str:
    return str(solver.status_name(status))


def _solver(seconds: float, workers: int) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.5, seconds)
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = 17  # the same problem gives the same plan
    return solver


Group = tuple[frozenset[int], int]  # (qualifying disciplines, interview minutes)


@dataclass
class _DayPlan:
    """Step 1's answer: who comes on which day, who chairs, and the loads it planned."""

    candidates: dict[date, list[CandidateSpec]]
    chairs: dict[date, dict[int, int]]  # day → chair → candidates planned for their session
    member_load: dict[tuple[int, date], int]
    values: dict[tuple[Any, ...], int]  # every variable by meaning, to hint the next solve
    status: str


def _fair_level(index: _Index) -> int:
    """The load every examiner would carry if the work were shared out evenly (water-filling):
    the smallest level L with sum(min(capacity, L)) >= the batch's examiner-interviews."""
    p = index.p
    demand = p.panel_size * len(p.candidates)
    capacities = [index.capacity[e.id] for e in p.examiners if index.capacity[e.id]]
    low, high = 0, p.max_per_day * len(p.days)
    while low < high:
        middle = (low + high) // 2
        if sum(min(c, middle) for c in capacities) >= demand:
            high = middle
        else:
            low = middle + 1
    return low


@dataclass
class _Session:
    day: date
    chair: ExaminerSpec
    candidates: list[CandidateSpec]
    members: list[ExaminerSpec] = field(default_factory=list)

    def minutes(self, break_minutes: int) -> int:
        return sum(c.minutes + break_minutes for c in self.candidates)


def _greedy_values(index: _Index, options: dict[int, list[date]]) -> dict[tuple[Any, ...], int]:
    """A quick plan for step 1 in the model's own terms, handed to CP-SAT as its starting point.

    Candidates with the fewest workable days go first. Each joins an open session of a chair of
    their discipline free of conflicts with them where one has room, on the day that keeps
    sessions fullest (fewer sessions fit in the rooms); otherwise opens a session under the least
    loaded suitable examiner. Then each session takes its other members, the least loaded first.
    """
    p = index.p
    K, P = p.max_per_day, p.panel_size
    load: dict[int, int] = defaultdict(int)
    busy: dict[date, set[int]] = defaultdict(set)  # examiners chairing or seated that day
    sessions: dict[date, list[_Session]] = defaultdict(list)

    def room_left(t: date) -> bool:
        open_now = len(sessions[t])
        return open_now < index.rooms_on[t] and P * (open_now + 1) <= len(index.examiners_on[t])

    for c in sorted(p.candidates, key=lambda c: (len(options[c.id]), c.id)):
        conflicted = index.conflicted.get(c.id, set())
        best: tuple[tuple[int, int], _Session] | None = None
        for t in options[c.id]:
            for s in sessions[t]:
                if (
                    len(s.candidates) < K
                    and s.minutes(p.break_minutes) + c.minutes + p.break_minutes <= index.session_minutes
                    and s.chair.disciplines & c.qualifying
                    and s.chair.id not in conflicted
                ):
                    rank = (K - len(s.candidates), load[s.chair.id])
                    if best is None or rank < best[0]:
                        best = (rank, s)
        if best is not None:
            best[1].candidates.append(c)
            load[best[1].chair.id] += 1
            continue
        opening: tuple[tuple[int, int], date, ExaminerSpec] | None = None
        for t in options[c.id]:
            if not room_left(t):
                continue
            for e in index.examiners_on[t]:
                if e.id in busy[t] or e.id in conflicted or not e.disciplines & c.qualifying:
                    continue
                rank = (load[e.id], -len(index.examiners_on[t]))
                if opening is None or rank < opening[0]:
                    opening = (rank, t, e)
        if opening is None:
            continue
        _rank, t, e = opening
        sessions[t].append(_Session(t, e, [c]))
        busy[t].add(e.id)
        load[e.id] += 1

    values: dict[tuple[Any, ...], int] = {}
    for t, today in sessions.items():
        for s in sorted(today, key=lambda s: -len(s.candidates)):
            blocked = set().union(*(index.conflicted.get(c.id, set()) for c in s.candidates))
            pool = sorted(
                (e for e in index.examiners_on[t] if e.id not in busy[t] and e.id not in blocked),
                key=lambda e: (load[e.id], e.id),
            )
            for f in pool[: P - 1]:
                busy[t].add(f.id)
                load[f.id] += len(s.candidates)
                values["m", f.id, t] = 1
                values["ml", f.id, t] = len(s.candidates)
            values["o", s.chair.id, t] = 1
            for c in s.candidates:
                values["v", c.id, t] = 1
                key = ("n", c.qualifying, c.minutes, s.chair.id, t)
                values[key] = values.get(key, 0) + 1
    for e in p.examiners:
        values["L", e.id] = load[e.id]
        for t in p.days:
            for kind in ("o", "m", "ml"):
                values.setdefault((kind, e.id, t), 0)
    for c in p.candidates:
        for t in options[c.id]:
            values.setdefault(("v", c.id, t), 0)
    return values


class _DaysModel:
    """Step 1 as a CP-SAT model: candidates to days, chairs and member seats per day, loads.

    A session is keyed by its chair, an examiner of its candidates' discipline and free of
    conflicts with them, so sessions are never interchangeable (no symmetry to search through).
    Candidates of one discipline and interview length are counted per chair rather than placed
    one by one; step 2 places them.
    """

    def __init__(self, index: _Index, barred: set[tuple[int, date]], *, optional: bool = False) -> None:
        """``optional``: a candidate may stay unplaced (variable ``("u", id)``); used only to find
        out whom no plan can hold, once the full model is proven infeasible."""
        p = index.p
        K, P = p.max_per_day, p.panel_size
        self.index = index
        model = self.model = cp_model.CpModel()
        self.keys: dict[tuple[Any, ...], cp_model.IntVar] = {}
        self.options = {
            c.id: [t for t in index.workable_days(c) if (c.id, t) not in barred] for c in p.candidates
        }
        self.empty = [c for c in p.candidates if not self.options[c.id]]
        by_day: dict[date, list[CandidateSpec]] = defaultdict(list)
        for c in p.candidates:
            choices = []
            for t in self.options[c.id]:
                choices.append(self._bool(("v", c.id, t)))
                by_day[t].append(c)
            if optional:
                choices.append(self._bool(("u", c.id)))
            if choices:
                model.add_exactly_one(choices)
        self.by_day = by_day
        load_terms: dict[int, list[Any]] = defaultdict(list)
        for t, here in by_day.items():
            examiners = index.examiners_on[t]
            groups: dict[Group, list[CandidateSpec]] = defaultdict(list)
            for c in here:
                groups[c.qualifying, c.minutes].append(c)
            chaired: dict[int, list[tuple[cp_model.IntVar, int]]] = defaultdict(list)
            for (q, minutes), members in groups.items():
                counts = []
                for e in examiners:
                    if e.disciplines & q:
                        n = self._int(("n", q, minutes, e.id, t), min(K, len(members)))
                        counts.append(n)
                        chaired[e.id].append((n, minutes))
                model.add(sum(counts) == sum(self.keys["v", c.id, t] for c in members))
            for e in examiners:
                chair = self._bool(("o", e.id, t))
                member = self._bool(("m", e.id, t))
                member_load = self._int(("ml", e.id, t), K)
                model.add(chair + member <= 1)
                if chaired[e.id]:
                    chair_load = sum(n for n, _minutes in chaired[e.id])
                    model.add(chair_load <= K * chair)
                    model.add(chair_load >= chair)
                    model.add(
                        sum((minutes + p.break_minutes) * n for n, minutes in chaired[e.id])
                        <= index.session_minutes
                    )
                    load_terms[e.id].extend(n for n, _minutes in chaired[e.id])
                else:
                    model.add(chair == 0)
                model.add(member_load <= K * member)
                model.add(member_load >= member)
                load_terms[e.id].append(member_load)
            chairs = [self.keys["o", e.id, t] for e in examiners]
            model.add(sum(chairs) <= index.rooms_on[t])
            model.add(sum(self.keys["m", e.id, t] for e in examiners) == (P - 1) * sum(chairs))
            model.add(
                sum(self.keys["ml", e.id, t] for e in examiners)
                == (P - 1) * sum(self.keys["v", c.id, t] for c in here)
            )
            # A candidate whose discipline has examiners in conflict with them needs a chair who is not.
            for c in here:
                conflicted = index.conflicted.get(c.id, set())
                qualified = [e for e in examiners if e.disciplines & c.qualifying]
                if any(e.id in conflicted for e in qualified):
                    model.add(
                        sum(self.keys["o", e.id, t] for e in qualified if e.id not in conflicted)
                        >= self.keys["v", c.id, t]
                    )
        horizon = K * len(p.days) + 1
        self.horizon = horizon
        self.loads: dict[int, cp_model.IntVar] = {}
        for e in p.examiners:
            if load_terms[e.id]:
                self.loads[e.id] = self._int(("L", e.id), horizon)
                model.add(self.loads[e.id] == sum(load_terms[e.id]))
        self.level = _fair_level(index)

    def _bool(self, key: tuple[Any, ...]) -> cp_model.IntVar:
        self.keys[key] = var = self.model.new_bool_var(str(len(self.keys)))
        return var

    def _int(self, key: tuple[Any, ...], upper: int) -> cp_model.IntVar:
        self.keys[key] = var = self.model.new_int_var(0, upper, str(len(self.keys)))
        return var

    def balance(self) -> None:
        """Minimise the heaviest load, then the gap to the lightest of those who could carry a fair
        share; between plans as balanced, the one with fewer panel sittings (examiners travel less)."""
        loads = list(self.loads.values())
        if not loads:
            return
        heaviest = self.model.new_int_var(0, self.horizon, "heaviest")
        lightest = self.model.new_int_var(0, self.horizon, "lightest")
        self.model.add_max_equality(heaviest, loads)
        able = [v for e, v in self.loads.items() if self.index.capacity[e] >= self.level] or loads
        self.model.add_min_equality(lightest, able)
        sittings = [var for key, var in self.keys.items() if key[0] == "o"]
        gap_weight = len(sittings) + 1
        load_weight = gap_weight * (self.horizon + 1)
        self.model.minimize(load_weight * heaviest + gap_weight * (heaviest - lightest) + sum(sittings))

    def hint(self, values: dict[tuple[Any, ...], int]) -> None:
        self.model.clear_hints()  # type: ignore[no-untyped-call]
        for key, var in self.keys.items():
            if key in values:
                self.model.add_hint(var, values[key])

    def solve(self, seconds: float, workers: int) -> _DayPlan | str:
        """The plan, or the solver's status name when it found none."""
        solver = _solver(seconds, workers)
        status = solver.solve(self.model)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return _status_name(solver, status)
        values = {key: int(solver.value(var)) for key, var in self.keys.items()}
        plan = _DayPlan(defaultdict(list), defaultdict(dict), {}, values, _status_name(solver, status))
        index = self.index
        for (kind, *rest), value in values.items():
            if not value:
                continue
            if kind == "v":
                candidate_id, t = rest
                plan.candidates[t].append(index.candidate[candidate_id])
            elif kind == "n":
                _q, _minutes, examiner_id, t = rest
                plan.chairs[t][examiner_id] = plan.chairs[t].get(examiner_id, 0) + value
            elif kind == "ml":
                examiner_id, t = rest
                plan.member_load[examiner_id, t] = value
        return plan


def _seat_candidates(
    index: _Index, t: date, plan: _DayPlan, seconds: float, workers: int
) -> tuple[list[_Session], list[CandidateSpec], str]:
    """Step 2a: the day's candidates to the day's chairs, as step 1 counted them where possible."""
    p = index.p
    K = p.max_per_day
    here = plan.candidates.get(t, [])
    chairs = [index.examiner[e] for e in sorted(plan.chairs.get(t, {}))]
    model = cp_model.CpModel()
    x: dict[tuple[int, int], cp_model.IntVar] = {}
    for c in here:
        conflicted = index.conflicted.get(c.id, set())
        for e in chairs:
            if e.disciplines & c.qualifying and e.id not in conflicted:
                x[c.id, e.id] = model.new_bool_var("")
    dropped = {c.id: model.new_bool_var("") for c in here}
    for c in here:
        model.add_exactly_one([*(x[c.id, e.id] for e in chairs if (c.id, e.id) in x), dropped[c.id]])
    deviations = []
    for e in chairs:
        seated = [(c, x[c.id, e.id]) for c in here if (c.id, e.id) in x]
        model.add(sum(b for _c, b in seated) <= K)
        model.add(sum((c.minutes + p.break_minutes) * b for c, b in seated) <= index.session_minutes)
        deviation = model.new_int_var(0, K, "")
        model.add_abs_equality(deviation, sum(b for _c, b in seated) - plan.chairs[t][e.id])
        deviations.append(deviation)
    model.minimize((K * len(chairs) + 1) * sum(dropped.values()) + sum(deviations))
    solver = _solver(seconds, workers)
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return [], list(here), _status_name(solver, status)
    sessions = []
    for e in chairs:
        chosen = [c for c in here if (c.id, e.id) in x and solver.boolean_value(x[c.id, e.id])]
        if chosen:
            sessions.append(_Session(t, e, chosen))
    lost = [c for c in here if solver.boolean_value(dropped[c.id])]
    return sessions, lost, _status_name(solver, status)


def _seat_members(
    index: _Index,
    t: date,
    sessions: list[_Session],
    plan: _DayPlan,
    seconds: float,
    workers: int,
    elsewhere: dict[int, int] | None = None,
) -> tuple[list[_Session], list[CandidateSpec], str]:
    """Step 2b: the other panel members, free of conflicts with every candidate of their session,
    each in one session at most. ``elsewhere``: each examiner's load on the other days (as placed
    so far, as planned for the days still to come); the heaviest total is kept as low as the
    sessions' sizes allow, then loads as close to step 1's plan as they can be."""
    p = index.p
    K, P = p.max_per_day, p.panel_size
    chairs = {s.chair.id for s in sessions}
    pool = [e for e in index.examiners_on[t] if e.id not in chairs]
    model = cp_model.CpModel()
    w: dict[tuple[int, int], cp_model.IntVar] = {}
    for k, s in enumerate(sessions):
        blocked = set().union(*(index.conflicted.get(c.id, set()) for c in s.candidates))
        for f in pool:
            if f.id not in blocked:
                w[f.id, k] = model.new_bool_var("")
    failed = [model.new_bool_var("") for _ in sessions]
    for k, _s in enumerate(sessions):
        seats = [w[f.id, k] for f in pool if (f.id, k) in w]
        model.add(sum(seats) == (P - 1) * (1 - failed[k]))
    elsewhere = elsewhere or {}
    ceiling = K * (len(p.days) + 1)
    heaviest = model.new_int_var(0, ceiling, "heaviest")
    for s in sessions:
        model.add(heaviest >= elsewhere.get(s.chair.id, 0) + len(s.candidates))
    deviations = []
    for f in pool:
        mine = [(k, w[f.id, k]) for k in range(len(sessions)) if (f.id, k) in w]
        if not mine:
            continue
        model.add_at_most_one(b for _k, b in mine)
        load = sum(len(sessions[k].candidates) * b for k, b in mine)
        model.add(heaviest >= elsewhere.get(f.id, 0) + load)
        deviation = model.new_int_var(0, K, "")
        model.add_abs_equality(deviation, load - plan.member_load.get((f.id, t), 0))
        deviations.append(deviation)
    spread = K * len(pool) + 1
    model.minimize(spread * (ceiling + 1) * sum(failed) + spread * heaviest + sum(deviations))
    solver = _solver(seconds, workers)
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return [], [c for s in sessions for c in s.candidates], _status_name(solver, status)
    kept, lost = [], []
    for k, s in enumerate(sessions):
        if solver.boolean_value(failed[k]):
            lost.extend(s.candidates)
            continue
        s.members = [f for f in pool if (f.id, k) in w and solver.boolean_value(w[f.id, k])]
        kept.append(s)
    return kept, lost, _status_name(solver, status)


def _repair(index: _Index, c: CandidateSpec, sessions: list[_Session], barred: set[tuple[int, date]]) -> bool:
    """Place a candidate the plan could not hold, by hand as a person would: join a session
    with room whose chair is of their discipline and free of conflicts with them (changing a
    member who is in conflict for one who is free that day), or open a session in a free room.
    Every rule of the model still holds afterwards."""
    p = index.p
    P = p.panel_size
    conflicted = index.conflicted.get(c.id, set())
    days = [t for t in index.workable_days(c) if (c.id, t) not in barred]
    busy: dict[date, set[int]] = defaultdict(set)
    load: dict[int, int] = defaultdict(int)
    for s in sessions:
        for e in (s.chair, *s.members):
            busy[s.day].add(e.id)
            load[e.id] += len(s.candidates)

    def free_examiners(t: date, blocked: set[int]) -> list[ExaminerSpec]:
        return sorted(
            (e for e in index.examiners_on[t] if e.id not in busy[t] and e.id not in blocked),
            key=lambda e: (load[e.id], e.id),
        )

    def fits(s: _Session) -> bool:
        return (
            s.day in days
            and len(s.candidates) < p.max_per_day
            and s.minutes(p.break_minutes) + c.minutes + p.break_minutes <= index.session_minutes
            and bool(s.chair.disciplines & c.qualifying)
            and s.chair.id not in conflicted
        )

    candidates = sorted(
        (s for s in sessions if fits(s)), key=lambda s: (len(s.candidates), s.day, s.chair.id)
    )
    for s in candidates:
        if not conflicted & {m.id for m in s.members}:
            s.candidates.append(c)
            return True
    for s in candidates:
        blocked = conflicted.union(*(index.conflicted.get(o.id, set()) for o in s.candidates))
        clashing = [m for m in s.members if m.id in conflicted]
        replacements = free_examiners(s.day, blocked)[: len(clashing)]
        if len(replacements) == len(clashing):
            s.members = [m for m in s.members if m.id not in conflicted] + replacements
            s.candidates.append(c)
            return True
    for t in days:
        if sum(1 for s in sessions if s.day == t) >= index.rooms_on[t]:
            continue
        pool = free_examiners(t, conflicted)
        chairs = [e for e in pool if e.disciplines & c.qualifying]
        if chairs and len(pool) >= P:
            chair = chairs[0]
            members = [e for e in pool if e.id != chair.id][: P - 1]
            sessions.append(_Session(t, chair, [c], members))
            return True
    return False


def _polish(index: _Index, sessions: list[_Session]) -> int:
    """Even out the loads after the solve: hand a seat of the most loaded examiner to someone
    lighter who is free that day and may sit there (a chair's seat only to an examiner of every
    candidate's discipline; nobody in conflict with a candidate of the session), while that
    lowers the heaviest load. Returns the number of seats handed over."""
    load: dict[int, int] = defaultdict(int)
    busy: dict[date, set[int]] = defaultdict(set)
    for s in sessions:
        for e in (s.chair, *s.members):
            load[e.id] += len(s.candidates)
            busy[s.day].add(e.id)
    moves = 0
    improved = True
    while improved:
        improved = False
        for heavy_id in sorted(load, key=lambda e: -load[e]):
            for s in sorted(sessions, key=lambda s: -len(s.candidates)):
                seated = [e.id for e in (s.chair, *s.members)]
                if heavy_id not in seated:
                    continue
                size = len(s.candidates)
                blocked = set().union(*(index.conflicted.get(c.id, set()) for c in s.candidates))
                is_chair = s.chair.id == heavy_id
                for e in sorted(index.examiners_on[s.day], key=lambda e: (load[e.id], e.id)):
                    if load[e.id] + size >= load[heavy_id]:
                        break
                    if e.id in busy[s.day] or e.id in blocked:
                        continue
                    if is_chair and not all(e.disciplines & c.qualifying for c in s.candidates):
                        continue
                    if is_chair:
                        s.chair = e
                    else:
                        s.members = [e if m.id == heavy_id else m for m in s.members]
                    busy[s.day].discard(heavy_id)
                    busy[s.day].add(e.id)
                    load[heavy_id] -= size
                    load[e.id] += size
                    moves += 1
                    improved = True
                    break
                if improved:
                    break
            if improved:
                break
    return moves


def default_workers() -> int:
    return max(1, min(8, os.cpu_count() or 1))


def schedule_solve(
    problem: ScheduleProblem,
    *,
    time_limit: float = 25.0,
    workers: int | None = None,
    progress: Progress | None = None,
    max_rounds: int = 4,
) -> ScheduleResult:
    """Plan every candidate's panel and slot, or say in findings why it cannot be done."""
    started = time.monotonic()
    workers = workers or default_workers()
    report = progress or (lambda step, done, total: None)

    def left() -> float:
        return time_limit - (time.monotonic() - started)

    def stop(status: str, *findings: Finding) -> ScheduleResult:
        return ScheduleResult(
            False, status, findings=list(findings), seconds=time.monotonic() - started, stats=stats
        )

    stats: dict[str, Any] = {"rounds": 0, "steps": []}
    report("checking", 0, 1)
    findings = schedule_precheck(problem)
    if findings:
        return stop("NOT_SOLVED", *findings)
    index = _Index(problem)
    barred: set[tuple[int, date]] = set()
    values: dict[tuple[Any, ...], int] = {}
    sessions: list[_Session] = []
    statuses: list[str] = []
    for round_number in range(1, max_rounds + 1):
        stats["rounds"] = round_number
        report("days", round_number, max_rounds)
        days_model = _DaysModel(index, barred)
        if days_model.empty:
            return stop("INFEASIBLE", Finding("unplaced", _names([c.label for c in days_model.empty])))
        # A quick plan by hand to start from (later rounds start from the previous round's answer);
        # CP-SAT then looks for better-balanced loads while the time step 2 does not need lasts.
        days_model.hint(values or _greedy_values(index, days_model.options))
        days_model.balance()
        reserve = 0.4 * len(problem.days) + 1.0
        outcome = days_model.solve(max(1.0, min(left() - reserve, time_limit * 0.45)), workers)
        stats["steps"].append(
            {
                "step": "days",
                "status": getattr(outcome, "status", outcome),
                "seconds": round(time.monotonic() - started, 2),
                "planned_max": max(
                    (v for k, v in getattr(outcome, "values", {}).items() if k[0] == "L"), default=0
                ),
            }
        )
        if not isinstance(outcome, _DayPlan):
            if outcome == "INFEASIBLE":
                return stop("INFEASIBLE", _who_cannot_be_placed(index, barred, max(1.0, left()), workers))
            return stop(outcome, Finding("timeout", {"seconds": round(time_limit)}))
        plan = outcome
        values = plan.values
        statuses = [plan.status]

        sessions = []
        lost: list[tuple[CandidateSpec, date]] = []
        todo = [t for t in problem.days if plan.candidates.get(t)]
        # Loads as placed on the days done so far, and as planned by step 1 for every day.
        placed_load: dict[int, int] = {}
        planned_load: dict[tuple[int, date], int] = dict(plan.member_load)
        for day, chairs in plan.chairs.items():
            for examiner_id, count in chairs.items():
                planned_load[examiner_id, day] = planned_load.get((examiner_id, day), 0) + count
        for number, t in enumerate(todo, start=1):
            report("sessions", number, len(todo))
            # A day's models are small: one worker each, and a second at most (the first good answer
            # is nearly always the best; proving it can take long and changes nothing).
            share = min(1.0, max(0.2, left() / (len(todo) - number + 1) / 2))
            seated, dropped, status_a = _seat_candidates(index, t, plan, share, 1)
            elsewhere = dict(placed_load)
            for (examiner_id, day), load in planned_load.items():
                if day > t:
                    elsewhere[examiner_id] = elsewhere.get(examiner_id, 0) + load
            seated, unseated, status_b = _seat_members(index, t, seated, plan, share, 1, elsewhere)
            for session in seated:
                for examiner in (session.chair, *session.members):
                    placed_load[examiner.id] = placed_load.get(examiner.id, 0) + len(session.candidates)
            statuses += [status_a, status_b]
            sessions.extend(seated)
            lost.extend((c, t) for c in (*dropped, *unseated))
        still = []
        for c, t in lost:
            barred.add((c.id, t))
            if not _repair(index, c, sessions, barred):
                still.append(c)
        stats["steps"].append(
            {
                "step": "sessions",
                "lost": len(lost),
                "repaired": len(lost) - len(still),
                "seconds": round(time.monotonic() - started, 2),
            }
        )
        if not still:
            stats["polish_moves"] = _polish(index, sessions)
            break
        if round_number == max_rounds or left() < 2:
            return stop("FEASIBLE", Finding("unplaced", _names([c.label for c in still])))

    planned: list[PlannedSession] = []
    for t in problem.days:
        today = sorted((s for s in sessions if s.day == t), key=lambda s: (s.chair.label, s.chair.id))
        rooms = [r for r in problem.rooms if t in r.days]
        for room, s in zip(rooms, today, strict=False):
            planned.append(_session(problem, t, room.id, s))
    loads = {e.id: 0 for e in problem.examiners if index.capacity[e.id]}
    for sitting in planned:
        for examiner_id in sitting.examiner_ids:
            loads[examiner_id] = loads.get(examiner_id, 0) + len(sitting.interviews)
    overall = "OPTIMAL" if all(s == "OPTIMAL" for s in statuses) else "FEASIBLE"
    stats["fair_level"] = _fair_level(index)
    return ScheduleResult(
        True, overall, sessions=planned, loads=loads, seconds=time.monotonic() - started, stats=stats
    )


def _who_cannot_be_placed(
    index: _Index, barred: set[tuple[int, date]], seconds: float, workers: int
) -> Finding:
    """Once no plan holds everyone, the largest plan that holds most: its left-overs are named."""
    model = _DaysModel(index, barred, optional=True)
    values = _greedy_values(index, model.options)
    placed = {key[1] for key, value in values.items() if key[0] == "v" and value}
    values.update({("u", c.id): int(c.id not in placed) for c in index.p.candidates})
    model.hint(values)
    model.model.minimize(sum(var for key, var in model.keys.items() if key[0] == "u"))
    outcome = model.solve(min(seconds, 10.0), workers)
    if isinstance(outcome, _DayPlan):
        left_out = [
            index.candidate[key[1]].label for key, value in outcome.values.items() if key[0] == "u" and value
        ]
        if left_out:
            return Finding("unplaced", _names(left_out))
    return Finding("no_arrangement")


def _session(problem: ScheduleProblem, t: date, room_id: int, s: _Session) -> PlannedSession:
    interviews = []
    offset = 0
    for c in sorted(s.candidates, key=lambda c: (-c.minutes, c.label, c.id)):
        interviews.append(PlannedInterview(candidate_id=c.id, offset_minutes=offset, minutes=c.minutes))
        offset += c.minutes + problem.break_minutes
    members = sorted(s.members, key=lambda e: (e.label, e.id))
    return PlannedSession(
        day=t,
        room_id=room_id,
        examiner_ids=(s.chair.id, *(e.id for e in members)),
        interviews=tuple(interviews),
    )


def schedule_violations(problem: ScheduleProblem, sessions: Iterable[PlannedSession]) -> list[str]:
    """Every rule a plan breaks, in plain English for tests and logs; empty for a valid plan.

    Independent of the solver: it reads the plan as a person checking it by hand would.
    """
    problems: list[str] = []
    candidates = {c.id: c for c in problem.candidates}
    examiners = {e.id: e for e in problem.examiners}
    rooms = {r.id: r for r in problem.rooms}
    seen: dict[int, int] = defaultdict(int)
    sitting: dict[tuple[int, date], int] = defaultdict(int)
    room_days: dict[tuple[int, date], int] = defaultdict(int)
    for s in sessions:
        room_days[s.room_id, s.day] += 1
        if s.day not in rooms[s.room_id].days:
            problems.append(f"room {s.room_id} is not free on {s.day}")
        if len(set(s.examiner_ids)) < problem.panel_size:
            problems.append(f"session {s.day} room {s.room_id} has {len(s.examiner_ids)} examiners")
        if len(s.interviews) > problem.max_per_day:
            problems.append(f"session {s.day} room {s.room_id} holds {len(s.interviews)} interviews")
        for examiner_id in s.examiner_ids:
            sitting[examiner_id, s.day] += 1
            if s.day not in examiners[examiner_id].days:
                problems.append(f"examiner {examiner_id} is not available on {s.day}")
        end = 0
        for i in sorted(s.interviews, key=lambda i: i.offset_minutes):
            if i.offset_minutes < end:
                problems.append(f"interviews overlap in {s.day} room {s.room_id}")
            end = i.offset_minutes + i.minutes
            c = candidates[i.candidate_id]
            seen[c.id] += 1
            if s.day in c.unavailable:
                problems.append(f"candidate {c.id} cannot attend on {s.day}")
            if not any(examiners[e].disciplines & c.qualifying for e in s.examiner_ids):
                problems.append(f"candidate {c.id} has no examiner of their discipline")
            for examiner_id in s.examiner_ids:
                if (c.id, examiner_id) in problem.conflicts:
                    problems.append(f"candidate {c.id} meets examiner {examiner_id} despite a conflict")
        if end > problem.day_minutes:
            problems.append(f"session {s.day} room {s.room_id} runs past the end of the day")
    for key, n in sitting.items():
        if n > 1:
            problems.append(f"examiner {key[0]} sits in {n} rooms on {key[1]}")
    for key, n in room_days.items():
        if n > 1:
            problems.append(f"room {key[0]} holds {n} panels on {key[1]}")
    for c in problem.candidates:
        if seen[c.id] != 1:
            problems.append(f"candidate {c.id} is interviewed {seen[c.id]} times")
    return problems
