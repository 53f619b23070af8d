"""The scheduling bench through the database (``bench/scheduling.py --database``).

Writes the made-up people of ``scheduling.make_people`` into a fresh PostgreSQL database
(``engcert_bench_schedule`` by default, dropped and created again; never the working database),
then times what staff wait for: reading the problem from the tables (``schedule_problem_build``,
conflicts included) and, with ``--confirm``, saving the whole proposal (panels, seats,
interviews, transitions, audit events) the way the background task does.

Candidates are written row by row in bulk, already past the initial review, with their work
history: the bench is about the scheduler, not about filling in applications (the deadline-rush
bench does that through the domain functions).
"""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from bench.scheduling import UNITS, People

# Nobody signs in to the bench's database; the accounts only need a valid password hash.
BENCH_PASSWORD = "bench-password-not-for-use"  # noqa: S105


def database_create(name: str) -> None:
    import psycopg

    with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def seed(people: People, *, panel_size: int, per_day: int) -> dict[str, Any]:
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from engcert.accounts.models import User
    from engcert.applications.enums import ApplicationState
    from engcert.applications.models import Application, WorkEntry
    from engcert.demo import builders
    from engcert.examiners.enums import InterviewMode
    from engcert.examiners.models import (
        DeclaredRelation,
        EvaluationPolicy,
        Examiner,
        ExaminerAvailability,
        ExaminerEmployment,
        Room,
    )
    from engcert.organisations.enums import Role
    from engcert.organisations.models import Discipline, Membership

    builders.alliance_ensure()
    society = builders.society_create()
    batch = builders.batch_create(society=society)
    EvaluationPolicy.objects.update_or_create(
        society=society, defaults={"min_panel_size": panel_size, "max_interviews_per_day": per_day}
    )
    codes = {d.code: d for d in Discipline.objects.filter(society=society)}
    # The bench's ids (1..20 in FIELDS order) to the scope's codes: "06.1" is stored as "06.1".
    from bench.scheduling import FIELDS

    discipline_of = {i + 1: codes[code] for i, (code, _c, _e) in enumerate(FIELDS)}
    units = [builders.unit_create(society=society, code=f"u{i}", name=name) for i, name in enumerate(UNITS)]
    staff = builders.user_create(
        email="staff@bench.example", password=BENCH_PASSWORD, role=Role.STAFF, organisation=society
    )
    password = make_password(BENCH_PASSWORD)
    users = User.objects.bulk_create(
        [
            User(email=f"candidate{c['id']}@bench.example", full_name=c["name"], password=password)
            for c in people.candidates
        ]
        + [
            User(email=f"examiner{e['id']}@bench.example", full_name=e["name"], password=password)
            for e in people.examiners
        ]
    )
    candidate_users, examiner_users = users[: len(people.candidates)], users[len(people.candidates) :]
    now = timezone.now()
    applications = Application.objects.bulk_create(
        [
            Application(
                batch=batch,
                applicant=user,
                framework_version=batch.framework_version,
                state=ApplicationState.REVIEW_PASSED,
                number=f"BENCH-{c['id']:05d}",
                grade=batch.grades.get(code="PE"),
                discipline=discipline_of[c["discipline"]],
                unit=units[c["unit"]],
                employer=c["employer"],
                full_name=c["name"],
                id_number_index=c["id_index"],
                assessment_path="simplified" if c["simplified"] else "full",
                submitted_at=now,
            )
            for c, user in zip(people.candidates, candidate_users, strict=True)
        ]
    )
    WorkEntry.objects.bulk_create(
        [
            WorkEntry(
                application=a,
                employer=name,
                position="工程师",
                start_date=date(2005 + n, 1, 1),
                end_date=date(2006 + n, 1, 1),
            )
            for a, c in zip(applications, people.candidates, strict=True)
            for n, name in enumerate(c["history"])
        ]
    )
    from engcert.examiners.models import CandidateUnavailability

    CandidateUnavailability.objects.bulk_create(
        [
            CandidateUnavailability(application=a, date=d)
            for a, c in zip(applications, people.candidates, strict=True)
            for d in c["unavailable"]
        ]
    )
    examiners = Examiner.objects.bulk_create(
        [
            Examiner(
                society=society,
                user=user,
                employer=e["employer"],
                unit=units[e["unit"]] if e["unit"] is not None else None,
                term_starts=date(2025, 1, 1),
                term_ends=date(2035, 12, 31),
            )
            for e, user in zip(people.examiners, examiner_users, strict=True)
        ]
    )
    through = Examiner.disciplines.through
    through.objects.bulk_create(
        [
            through(examiner=x, discipline=discipline_of[d])
            for x, e in zip(examiners, people.examiners, strict=True)
            for d in e["disciplines"]
        ]
    )
    Membership.objects.bulk_create(
        [Membership(user=u, organisation=society, role=Role.EXAMINER) for u in examiner_users]
    )
    ExaminerEmployment.objects.bulk_create(
        [
            ExaminerEmployment(examiner=x, employer=name)
            for x, e in zip(examiners, people.examiners, strict=True)
            for name in e["past"]
        ]
    )
    DeclaredRelation.objects.bulk_create(
        [
            DeclaredRelation(examiner=x, **r)
            for x, e in zip(examiners, people.examiners, strict=True)
            for r in e["relations"]
        ]
    )
    ExaminerAvailability.objects.bulk_create(
        [
            ExaminerAvailability(examiner=x, date=d)
            for x, e in zip(examiners, people.examiners, strict=True)
            for d in e["days"]
        ]
    )
    rooms = Room.objects.bulk_create(
        [
            Room(
                society=society,
                name=r["name"],
                mode=InterviewMode.ONLINE if r["online"] else InterviewMode.IN_PERSON,
                location=f"https://meeting.example.com/j/{r['id']}" if r["online"] else "学会大楼",
            )
            for r in people.rooms
        ]
    )
    return {"batch": batch, "rooms": rooms, "staff": staff}


def database_problem(people: People, *, panel_size: int, per_day: int) -> tuple[Any, float, dict[str, Any]]:
    from engcert.examiners.domain.schedule_runs import ScheduleRequest, schedule_problem_build

    started = time.monotonic()
    seeded = seed(people, panel_size=panel_size, per_day=per_day)
    seed_seconds = time.monotonic() - started
    request = ScheduleRequest(
        first_day=people.days[0],
        last_day=people.days[-1],
        weekdays=(0, 1, 2, 3, 4),
        room_ids=tuple(r.pk for r in seeded["rooms"]),
        time_limit=25,
    )
    started = time.monotonic()
    problem = schedule_problem_build(batch=seeded["batch"], request=request)
    build_seconds = time.monotonic() - started
    return (
        problem,
        build_seconds,
        {"seed_seconds": round(seed_seconds, 1), "_seeded": seeded, "_request": request},
    )


def database_confirm(seeded: dict[str, Any], request: Any, result: Any, problem: Any) -> dict[str, Any]:
    """Save the proposal as a confirmed run would, and check the database afterwards."""
    from django.db.models import Count

    from engcert.applications.enums import ApplicationState
    from engcert.applications.models import Application
    from engcert.audit.domain import audit_chain_verify
    from engcert.examiners.domain.schedule_runs import _proposal, schedule_run_confirm
    from engcert.examiners.enums import ScheduleRunStatus
    from engcert.examiners.models import Interview, ScheduleRun

    run = ScheduleRun.objects.create(
        batch=seeded["batch"],
        params=request.as_json(),
        created_by=seeded["staff"],
        status=ScheduleRunStatus.PROPOSED,
    )
    run.proposal = _proposal(run, result.sessions, problem)
    run.save(update_fields=["proposal"])
    started = time.monotonic()
    run = schedule_run_confirm(run=run, by=seeded["staff"])
    seconds = time.monotonic() - started
    states = dict(Application.objects.values_list("state").annotate(n=Count("pk")).order_by())
    return {
        "confirm_seconds": round(seconds, 1),
        "confirm_report": {k: (len(v) if isinstance(v, list) else v) for k, v in run.confirm_report.items()},
        "states": states,
        "interviews": Interview.objects.count(),
        "scheduled_everyone": states.get(ApplicationState.INTERVIEW_SCHEDULED) == len(problem.candidates),
        "audit_chain_ok": audit_chain_verify().ok,
    }
