"""Conflicts of interest between an examiner and a candidate (利益冲突回避).

An examiner must not assess a candidate when any of these holds:

- they work for the member unit that nominates the candidate (``SAME_UNIT``);
- they work for the candidate's current employer (``SAME_EMPLOYER``);
- an employer of the examiner, now or earlier, appears anywhere in the candidate's work
  history (``PAST_EMPLOYER``): an examiner who once worked for the candidate's former employer
  is caught too;
- the examiner declared a relation with the candidate (same identity-document blind index, or
  the same name when no number was given) or with an organisation the candidate works or worked
  for (``DECLARED_RELATION``);
- the examiner declared a conflict on the panel seat for this very file (``DECLARED_FOR_FILE``).

Employer names are compared by ``employer_key`` (width, case, spaces, punctuation and legal-form
suffixes ignored). The rules live in one pure function over plain profiles, ``profile_conflicts``;
``conflicts_for`` asks it about one pair, ``conflicts_for_many`` about every pair of two lists in a
fixed number of queries (the scheduler's case), joining on the keys rather than trying each pair.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from engcert.applications.models import Application, WorkEntry
from engcert.examiners.domain.employers import employer_key, person_name_key
from engcert.examiners.enums import ConflictReason, SeatStatus
from engcert.examiners.models import DeclaredRelation, Examiner, ExaminerEmployment, PanelSeat


@dataclass(frozen=True)
class Conflict:
    reason: ConflictReason
    detail: str

    @property
    def label(self) -> str:
        return str(self.reason.label)


@dataclass(frozen=True)
class RelationProfile:
    relation: str
    person_name: str = ""
    id_number_index: str = ""
    organisation: str = ""


@dataclass(frozen=True)
class ExaminerProfile:
    """What the conflict rules read about an examiner."""

    id: int
    employer: str
    unit_id: int | None = None
    past_employers: tuple[str, ...] = ()
    relations: tuple[RelationProfile, ...] = ()


@dataclass(frozen=True)
class CandidateProfile:
    """What the conflict rules read about a candidate's file."""

    id: int
    full_name: str = ""
    id_number_index: str = ""
    unit_id: int | None = None
    unit_names: tuple[str, ...] = ()
    employer: str = ""
    history_employers: tuple[str, ...] = ()
    # Examiners who declared a conflict on a seat of this file.
    declared_by: frozenset[int] = field(default_factory=frozenset)


_key = lru_cache(maxsize=65536)(employer_key)


def _candidate_employers(candidate: CandidateProfile) -> list[tuple[str, str, bool]]:
    """(key, name as written, is current) for every employer the candidate names, first mention wins."""
    seen: dict[str, tuple[str, str, bool]] = {}
    for name, current in [(candidate.employer, True)] + [(n, False) for n in candidate.history_employers]:
        key = _key(name)
        if key and key not in seen:
            seen[key] = (key, name, current)
    return list(seen.values())


def profile_conflicts(examiner: ExaminerProfile, candidate: CandidateProfile) -> list[Conflict]:
    """Every conflict between one examiner and one candidate, each with words for people."""
    conflicts: list[Conflict] = []
    unit_keys = {k for k in (_key(n) for n in candidate.unit_names) if k}
    examiner_key = _key(examiner.employer)
    reported: set[str] = set()

    if candidate.unit_id is not None and examiner.unit_id == candidate.unit_id:
        conflicts.append(
            Conflict(
                ConflictReason.SAME_UNIT,
                _("The examiner belongs to the candidate's nominating unit %(unit)s.")
                % {"unit": candidate.unit_names[0] if candidate.unit_names else ""},
            )
        )
        reported.update(unit_keys)
    elif examiner_key and examiner_key in unit_keys:
        conflicts.append(
            Conflict(
                ConflictReason.SAME_UNIT,
                _("The examiner works for %(employer)s, the candidate's nominating unit.")
                % {"employer": examiner.employer},
            )
        )
        reported.add(examiner_key)

    candidate_current = _key(candidate.employer)
    if examiner_key and examiner_key == candidate_current:
        conflicts.append(
            Conflict(
                ConflictReason.SAME_EMPLOYER,
                _("The examiner and the candidate both work for %(employer)s.")
                % {"employer": candidate.employer},
            )
        )
        reported.add(examiner_key)

    employers = _candidate_employers(candidate)
    by_key = {key: (name, current) for key, name, current in employers}
    examiner_employers = [(examiner.employer, True)] + [(n, False) for n in examiner.past_employers]
    for name, examiner_now in examiner_employers:
        key = _key(name)
        if not key or key in reported or key not in by_key:
            continue
        reported.add(key)
        candidate_name, candidate_now = by_key[key]
        if examiner_now:
            detail = _("The examiner works for %(employer)s, which appears in the candidate's work history.")
        elif candidate_now:
            detail = _("The examiner used to work for %(employer)s, the candidate's current employer.")
        else:
            detail = _(
                "The examiner used to work for %(employer)s, which appears in the candidate's work history."
            )
        conflicts.append(Conflict(ConflictReason.PAST_EMPLOYER, detail % {"employer": candidate_name}))

    name_key = person_name_key(candidate.full_name)
    organisation_keys = set(by_key) | unit_keys
    for relation in examiner.relations:
        if relation.id_number_index:
            same_person = relation.id_number_index == candidate.id_number_index
        else:
            same_person = bool(name_key) and person_name_key(relation.person_name) == name_key
        if same_person:
            conflicts.append(
                Conflict(
                    ConflictReason.DECLARED_RELATION,
                    _("The examiner declared a relation with %(person)s (%(relation)s).")
                    % {"person": relation.person_name or candidate.full_name, "relation": relation.relation},
                )
            )
        organisation_key = _key(relation.organisation)
        if organisation_key and organisation_key in organisation_keys:
            conflicts.append(
                Conflict(
                    ConflictReason.DECLARED_RELATION,
                    _(
                        "The examiner declared a relation with %(organisation)s (%(relation)s), "
                        "an employer of the candidate."
                    )
                    % {"organisation": relation.organisation, "relation": relation.relation},
                )
            )

    if examiner.id in candidate.declared_by:
        conflicts.append(
            Conflict(
                ConflictReason.DECLARED_FOR_FILE,
                _("The examiner declared a conflict of interest for this file."),
            )
        )
    return conflicts


def profile_conflict_map(
    examiners: Sequence[ExaminerProfile], candidates: Sequence[CandidateProfile]
) -> dict[tuple[int, int], list[Conflict]]:
    """Conflicts of every (candidate id, examiner id) pair that has any, found by joining on keys.

    Only pairs sharing a unit, an employer key, a declared name, number or organisation, or a
    declaration are handed to ``profile_conflicts``; the rest cannot conflict.
    """
    by_unit: dict[int, set[int]] = defaultdict(set)
    by_employer: dict[str, set[int]] = defaultdict(set)  # current, earlier and declared organisations
    by_person: dict[str, set[int]] = defaultdict(set)
    by_index: dict[str, set[int]] = defaultdict(set)
    for examiner in examiners:
        if examiner.unit_id is not None:
            by_unit[examiner.unit_id].add(examiner.id)
        for name in (examiner.employer, *examiner.past_employers):
            if key := _key(name):
                by_employer[key].add(examiner.id)
        for relation in examiner.relations:
            if key := _key(relation.organisation):
                by_employer[key].add(examiner.id)
            if relation.id_number_index:
                by_index[relation.id_number_index].add(examiner.id)
            elif key := person_name_key(relation.person_name):
                by_person[key].add(examiner.id)
    profiles = {examiner.id: examiner for examiner in examiners}
    found: dict[tuple[int, int], list[Conflict]] = {}
    for candidate in candidates:
        suspects: set[int] = set(candidate.declared_by) & profiles.keys()
        if candidate.unit_id is not None:
            suspects |= by_unit.get(candidate.unit_id, set())
        for name in (candidate.employer, *candidate.history_employers, *candidate.unit_names):
            if key := _key(name):
                suspects |= by_employer.get(key, set())
        if candidate.id_number_index:
            suspects |= by_index.get(candidate.id_number_index, set())
        if key := person_name_key(candidate.full_name):
            suspects |= by_person.get(key, set())
        for examiner_id in suspects:
            conflicts = profile_conflicts(profiles[examiner_id], candidate)
            if conflicts:
                found[(candidate.id, examiner_id)] = conflicts
    return found


# Django-facing: build the profiles from the database in a fixed number of queries.


def examiner_profiles(examiners: Iterable[Examiner]) -> list[ExaminerProfile]:
    examiners = list(examiners)
    ids = [examiner.pk for examiner in examiners]
    past: dict[int, list[str]] = defaultdict(list)
    for examiner_id, name in ExaminerEmployment.objects.filter(examiner_id__in=ids).values_list(
        "examiner_id", "employer"
    ):
        past[examiner_id].append(name)
    relations: dict[int, list[RelationProfile]] = defaultdict(list)
    for relation in DeclaredRelation.objects.filter(examiner_id__in=ids):
        relations[relation.examiner_id].append(
            RelationProfile(
                relation=relation.relation,
                person_name=relation.person_name,
                id_number_index=relation.id_number_index,
                organisation=relation.organisation,
            )
        )
    return [
        ExaminerProfile(
            id=examiner.pk,
            employer=examiner.employer,
            unit_id=examiner.unit_id,
            past_employers=tuple(past[examiner.pk]),
            relations=tuple(relations[examiner.pk]),
        )
        for examiner in examiners
    ]


def candidate_profiles(applications: Iterable[Application]) -> list[CandidateProfile]:
    """Profiles of the given applications; their units are read in the same query as the rows."""
    ids = [application.pk for application in applications]
    rows = (
        Application.objects.filter(pk__in=ids)
        .select_related("unit")
        .only("pk", "full_name", "id_number_index", "employer", "unit__name", "unit__name_en")
        .prefetch_related(
            Prefetch("work_entries", queryset=WorkEntry.objects.only("application_id", "employer"))
        )
    )
    declared: dict[int, set[int]] = defaultdict(set)
    for application_id, examiner_id in PanelSeat.objects.filter(
        panel__application_id__in=ids, status=SeatStatus.CONFLICT
    ).values_list("panel__application_id", "examiner_id"):
        declared[application_id].add(examiner_id)
    profiles = []
    for row in rows:
        unit_names = tuple(n for n in ((row.unit.name, row.unit.name_en) if row.unit else ()) if n)
        profiles.append(
            CandidateProfile(
                id=row.pk,
                full_name=row.full_name,
                id_number_index=row.id_number_index,
                unit_id=row.unit_id,
                unit_names=unit_names,
                employer=row.employer,
                history_employers=tuple(entry.employer for entry in row.work_entries.all()),
                declared_by=frozenset(declared[row.pk]),
            )
        )
    return profiles


def conflicts_for(*, examiner: Examiner, application: Application) -> list[Conflict]:
    """Every conflict of interest between this examiner and this candidate; empty when none."""
    (candidate,) = candidate_profiles([application])
    (profile,) = examiner_profiles([examiner])
    return profile_conflicts(profile, candidate)


def conflicts_for_many(
    *, examiners: Iterable[Examiner], applications: Iterable[Application]
) -> dict[tuple[int, int], list[Conflict]]:
    """``{(application id, examiner id): conflicts}`` for every conflicting pair, in five queries."""
    return profile_conflict_map(examiner_profiles(list(examiners)), candidate_profiles(list(applications)))
