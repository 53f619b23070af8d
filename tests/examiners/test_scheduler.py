"""The CP-SAT scheduler on plain data: every rule holds in what it returns, loads are balanced,
and when no schedule exists it says why in words that name the people concerned."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, timedelta

import pytest

from engcert.examiners.domain.findings import finding_message
from engcert.examiners.domain.scheduling import (
    CandidateSpec,
    ExaminerSpec,
    RoomSpec,
    ScheduleProblem,
    schedule_solve,
    schedule_violations,
)

MON = date(2031, 3, 3)
DAYS = (MON, MON + timedelta(days=1), MON + timedelta(days=2))
# Disciplines: 1 power systems, 6 generation with 61 thermal and 62 hydro, 7 transmission.
POWER, GENERATION, THERMAL, HYDRO, TRANSMISSION = 1, 6, 61, 62, 7


def candidate(i, field, *, parent=None, minutes=45, unavailable=()):
    return CandidateSpec(
        id=i,
        label=f"C{i:02d}",
        discipline=f"field {field}",
        qualifying=frozenset({field} | ({parent} if parent else set())),
        minutes=minutes,
        unavailable=frozenset(unavailable),
    )


def examiner(i, fields, days=DAYS):
    return ExaminerSpec(id=100 + i, label=f"E{i}", disciplines=frozenset(fields), days=frozenset(days))


ONE_ROOM = (RoomSpec(1, "Room 1", frozenset(DAYS)),)


def scheduling_problem(
    candidates,
    examiners,
    *,
    days=DAYS,
    rooms=ONE_ROOM,
    conflicts=(),
    panel_size=2,
    max_per_day=6,
    day_minutes=480,
) -> ScheduleProblem:
    """One room free on every day, eight-hour days of at most six interviews with ten minutes
    between them, unless the test says otherwise."""
    return ScheduleProblem(
        days=days,
        candidates=tuple(candidates),
        examiners=tuple(examiners),
        rooms=rooms,
        conflicts=frozenset(conflicts),
        panel_size=panel_size,
        max_per_day=max_per_day,
        day_minutes=day_minutes,
        break_minutes=10,
    )


def realistic() -> ScheduleProblem:
    candidates = (
        [candidate(i, POWER) for i in range(1, 9)]
        + [candidate(i, THERMAL, parent=GENERATION) for i in range(9, 13)]
        + [candidate(i, HYDRO, parent=GENERATION, minutes=20) for i in range(13, 16)]
        + [candidate(i, TRANSMISSION, unavailable=[DAYS[0], DAYS[1]]) for i in range(16, 19)]
        + [candidate(19, POWER, minutes=20, unavailable=[DAYS[2]])]
    )
    examiners = [
        examiner(1, {POWER}),
        examiner(2, {POWER, TRANSMISSION}, days=DAYS[:2]),
        examiner(3, {GENERATION}),  # the parent field covers thermal and hydro
        examiner(4, {THERMAL}, days=DAYS[1:]),
        examiner(5, {TRANSMISSION}, days=DAYS[2:]),
        examiner(6, {POWER}, days=DAYS[::2]),
        examiner(7, {HYDRO}),
        examiner(8, {TRANSMISSION, POWER}),
        examiner(9, {THERMAL, GENERATION}, days=DAYS[:1]),
    ]
    conflicts = {(1, 101), (2, 101), (9, 103), (16, 108), (17, 105), (13, 107)}
    return scheduling_problem(
        candidates,
        examiners,
        rooms=(
            RoomSpec(1, "Room 1", frozenset(DAYS)),
            RoomSpec(2, "Room 2", frozenset(DAYS[1:])),  # already taken on the first day
            RoomSpec(3, "Online", frozenset(DAYS)),
        ),
        conflicts=conflicts,
        max_per_day=4,
        day_minutes=240,
    )


def check_every_rule(problem: ScheduleProblem, sessions) -> None:
    """Read the plan as a person checking it would, rule by rule."""
    candidates = {c.id: c for c in problem.candidates}
    examiners = {e.id: e for e in problem.examiners}
    rooms = {r.id: r for r in problem.rooms}
    seen = Counter()
    per_day = defaultdict(list)
    rooms_per_day = Counter()
    for s in sessions:
        rooms_per_day[s.room_id, s.day] += 1
        assert s.day in rooms[s.room_id].days, "the room is free that day"
        assert len(set(s.examiner_ids)) == problem.panel_size
        assert len(s.interviews) <= problem.max_per_day
        for e in s.examiner_ids:
            assert s.day in examiners[e].days, "examiners sit only on their available days"
            per_day[e, s.day].append(s)
        end = 0
        for i in sorted(s.interviews, key=lambda i: i.offset_minutes):
            c = candidates[i.candidate_id]
            seen[c.id] += 1
            assert i.offset_minutes >= end, "one interview at a time in a room"
            end = i.offset_minutes + i.minutes
            assert i.minutes == c.minutes
            assert s.day not in c.unavailable
            assert any(examiners[e].disciplines & c.qualifying for e in s.examiner_ids)
            assert not any((c.id, e) in problem.conflicts for e in s.examiner_ids)
        assert end <= problem.day_minutes
    assert all(n == 1 for n in rooms_per_day.values()), "a room holds one panel a day"
    assert all(len(v) == 1 for v in per_day.values()), "nobody sits in two rooms on a day"
    assert seen == Counter({c.id: 1 for c in problem.candidates}), "everyone exactly once"


def test_a_realistic_small_batch_is_scheduled_within_every_rule():
    problem = realistic()
    result = schedule_solve(problem, time_limit=10, workers=2)
    assert result.feasible is True
    assert result.findings == []
    assert result.solver_status in ("OPTIMAL", "FEASIBLE")
    check_every_rule(problem, result.sessions)
    assert schedule_violations(problem, result.sessions) == []
    # The chair (first examiner) examines every candidate of the session's field.
    by_id = {e.id: e for e in problem.examiners}
    candidates = {c.id: c for c in problem.candidates}
    for s in result.sessions:
        chair = by_id[s.examiner_ids[0]]
        assert all(chair.disciplines & candidates[i.candidate_id].qualifying for i in s.interviews)
    loads = Counter(e for s in result.sessions for e in s.examiner_ids for _ in s.interviews)
    assert {e: n for e, n in result.loads.items() if n} == dict(loads)


def test_the_same_problem_gives_the_same_schedule():
    first = schedule_solve(realistic(), time_limit=10, workers=1)
    second = schedule_solve(realistic(), time_limit=10, workers=1)
    assert first.sessions == second.sessions


def test_loads_are_balanced_when_everyone_could_take_an_equal_share():
    problem = scheduling_problem(
        [candidate(i, POWER) for i in range(1, 13)],
        [examiner(i, {POWER}, days=DAYS[:2]) for i in range(1, 5)],
        days=DAYS[:2],
        rooms=(RoomSpec(1, "Room 1", frozenset(DAYS[:2])), RoomSpec(2, "Room 2", frozenset(DAYS[:2]))),
    )
    result = schedule_solve(problem, time_limit=10, workers=2)
    check_every_rule(problem, result.sessions)
    # 12 candidates × 2 examiners = 24 interviews to share among 4: six each, nobody more.
    assert sorted(result.loads.values()) == [6, 6, 6, 6]


def test_loads_favour_the_examiners_with_room_to_spare():
    # One examiner is free on both days, three only on one: the heaviest load stays as low as it can.
    problem = scheduling_problem(
        [candidate(i, POWER) for i in range(1, 7)],
        (
            examiner(1, {POWER}, days=DAYS[:2]),
            examiner(2, {POWER}, days=DAYS[:1]),
            examiner(3, {POWER}, days=DAYS[1:2]),
            examiner(4, {POWER}, days=DAYS[1:2]),
        ),
        days=DAYS[:2],
        rooms=(RoomSpec(1, "Room 1", frozenset(DAYS[:2])),),
    )
    result = schedule_solve(problem, time_limit=10, workers=2)
    check_every_rule(problem, result.sessions)
    assert max(result.loads.values()) <= 4
    assert sum(result.loads.values()) == 12


def message(result):
    return [finding_message(code=f.code, params=f.params) for f in result.findings]


def test_too_few_examiners_is_explained_and_nothing_is_proposed():
    problem = scheduling_problem(
        (candidate(1, POWER), candidate(2, POWER)),
        (examiner(1, {POWER}), examiner(2, {TRANSMISSION})),
        panel_size=3,
    )
    result = schedule_solve(problem, time_limit=5)
    assert result.feasible is False
    assert result.sessions == []
    assert message(result) == [
        f"On no day from {DAYS[0]} to {DAYS[-1]} are 3 examiners free to sit together (at most 2 on one "
        "day). Ask examiners for more available days or choose other dates."
    ]


def test_candidates_without_an_examiner_of_their_field_are_named():
    problem = scheduling_problem(
        (
            candidate(1, POWER),
            candidate(2, HYDRO, parent=GENERATION),
            candidate(3, HYDRO, parent=GENERATION),
        ),
        (examiner(1, {POWER}), examiner(2, {THERMAL}), examiner(3, {TRANSMISSION})),
    )
    result = schedule_solve(problem, time_limit=5)
    assert result.feasible is False
    assert message(result) == [
        f"Nobody in the pool who is free on these days examines field {HYDRO}, needed by 2 candidates: C02, C03."
    ]


def test_a_candidate_in_conflict_with_every_examiner_of_their_field_is_named():
    problem = scheduling_problem(
        (candidate(1, POWER), candidate(2, POWER)),
        (examiner(1, {POWER}), examiner(2, {POWER}), examiner(3, {TRANSMISSION})),
        conflicts={(2, 101), (2, 102)},
    )
    result = schedule_solve(problem, time_limit=5)
    assert result.feasible is False
    assert message(result) == [
        f"Every examiner of field {POWER} has a conflict of interest with 1 candidate: C02."
    ]


def test_a_candidate_who_cannot_come_on_any_workable_day_is_named():
    problem = scheduling_problem(
        (candidate(1, POWER, unavailable=DAYS[:2]), candidate(2, POWER)),
        (examiner(1, {POWER}, days=DAYS[:2]), examiner(2, {POWER}, days=DAYS[:2])),
    )
    result = schedule_solve(problem, time_limit=5)
    assert result.feasible is False
    assert message(result) == [
        "1 candidate cannot come on any day on which a panel free of conflicts with them, with an "
        "examiner of their field, can sit: C01."
    ]


def test_too_little_room_for_everyone_is_explained_with_the_numbers():
    problem = scheduling_problem(
        [candidate(i, POWER) for i in range(1, 10)],
        [examiner(i, {POWER}) for i in range(1, 7)],
        days=DAYS[:1],
    )
    result = schedule_solve(problem, time_limit=5)
    assert result.feasible is False
    assert message(result)[0] == (
        "The days chosen hold at most about 6 interviews (1 panel sittings on 1 days, 6 interviews each; "
        "1 room-days and 6 examiner-days available, 2 examiners a panel), but 9 candidates need one. Add "
        "days, rooms or examiners' available days."
    )


@pytest.mark.django_db
def test_a_scaled_down_bench_batch_is_scheduled_within_every_rule():
    from bench.scheduling import make_people, pure_problem

    people = make_people(candidates=120, examiners=30, days=6, rooms=3, online=2, seed=5)
    problem, _seconds = pure_problem(people, panel_size=3, per_day=6)
    result = schedule_solve(problem, time_limit=20, workers=2)
    assert result.feasible is True, result.findings
    check_every_rule(problem, result.sessions)


def test_when_the_fields_need_more_rooms_than_there_are_the_candidates_left_out_are_named():
    # Three fields, one room, one day: every panel's chair must examine its candidates' field.
    problem = scheduling_problem(
        (
            candidate(1, POWER),
            candidate(2, TRANSMISSION),
            candidate(3, THERMAL, parent=GENERATION),
        ),
        (
            examiner(1, {POWER}),
            examiner(2, {TRANSMISSION}),
            examiner(3, {THERMAL}),
            examiner(4, {HYDRO}),
        ),
        days=DAYS[:1],
    )
    result = schedule_solve(problem, time_limit=10, workers=2)
    assert result.feasible is False
    assert result.solver_status == "INFEASIBLE"
    (finding,) = result.findings
    assert (finding.code, finding.params["count"]) == ("unplaced", 2)
    assert message(result)[0].startswith("No arrangement fits 2 candidates in together with the others: C0")
