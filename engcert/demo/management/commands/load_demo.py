"""Load a demo: one society, units, a user per role and applications in every stage."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils import timezone

from engcert.accounts.models import User
from engcert.applications.domain.application import (
    application_create,
    application_submit,
    application_update,
    application_withdraw,
)
from engcert.applications.models import Application
from engcert.batches.models import Batch
from engcert.certificates.models import Certificate
from engcert.demo import (
    apiclients,
    appeals,
    builders,
    certificates,
    deliberation,
    evaluation,
    referees,
    similarity,
    units,
)
from engcert.organisations.enums import Role
from engcert.review.domain import initial_review_reject, international_title_verify
from engcert.rosters.demo import roster_demo_load

PASSWORD = "engcert-demo-2026"  # noqa: S105 -- printed for the demo on purpose

# Each demo applicant's application is walked along one of these paths after submission, through
# the functions staff, examiners, the committee, the public and the alliance use. A path that goes
# beyond the interview ends with the later stage the file reaches (see demo/deliberation.py).
RETURN_REASON = "请补充学位证书的清晰扫描件。"
INTERVIEWED = ["pass", "interview_held", "scores"]
PATHS: list[tuple[str, list[str]]] = [
    ("submitted", []),
    ("returned", ["return"]),
    ("resubmitted", ["return", "revise"]),
    ("review_passed", ["pass"]),
    ("simplified", ["title", "verify", "pass"]),
    ("rejected", ["reject"]),
    ("interview", ["pass", "interview_upcoming"]),
    ("interviewed", INTERVIEWED),
    ("deliberation", [*INTERVIEWED, "later:pending"]),
    ("approved", [*INTERVIEWED, "later:approved"]),
    ("not-approved", [*INTERVIEWED, "later:declined"]),
    ("notice", [*INTERVIEWED, "later:notice_now"]),
    ("objection", [*INTERVIEWED, "later:objected"]),
    ("notice-passed", [*INTERVIEWED, "later:notice_done"]),
    ("with-alliance", [*INTERVIEWED, "later:sent"]),
    ("alliance-returned", [*INTERVIEWED, "later:returned"]),
    ("registered", [*INTERVIEWED, "later:registered"]),
    ("certified", [*INTERVIEWED, "later:registered"]),
    ("suspended", [*INTERVIEWED, "later:registered"]),
    ("withdrawn", ["withdraw"]),
]
# Panels by position in the pool: the demo examiner (0) chairs the upcoming interview and sits
# on every other panel, so that signing in as the examiner shows each kind of work.
UPCOMING_PANEL = [0, 1]
HELD_PANEL = [1, 0]


def _interview_time(*, days: int, hour: int) -> datetime:
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


class Command(BaseCommand):
    help = "Load demo data (idempotent: does nothing if the demo society already has a batch)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--quiet", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        society = builders.society_create()
        if Batch.objects.filter(society=society).exists():
            if not options["quiet"]:
                self.stdout.write("Demo data is already loaded.")
            self._print_logins()
            return
        with transaction.atomic():
            self._load(society)
        self._print_logins()
        # Secrets engcert keeps only as hashes: shown this once.
        self.stdout.write(f"A referee's link to try (no sign-in needed): {self.referee_link}\n")
        self.stdout.write("API tokens (shown once; docs/api.md says how to use them):\n")
        self.stdout.write(f"  the society's membership system: {self.api_tokens.society}\n")
        self.stdout.write(f"  the alliance's verification system: {self.api_tokens.alliance}\n")

    def _load(self, society: Any) -> None:
        alliance = builders.alliance_ensure()
        unit_a = builders.unit_create(
            society=society,
            code="sepco3",
            name="山东电力建设第三工程有限公司",
            name_en="SEPCOIII Electric Power Construction",
        )
        unit_b = builders.unit_create(
            society=society,
            code="cpecc",
            name="中国电力工程顾问集团有限公司",
            name_en="China Power Engineering Consulting Group",
        )
        people = {
            "staff": builders.user_create(
                email="staff@demo.engcert",
                password=PASSWORD,
                full_name="周敏（学会工作人员）",
                role=Role.STAFF,
                organisation=society,
            ),
            "examiner": builders.user_create(
                email="examiner@demo.engcert",
                password=PASSWORD,
                full_name="吴强（考官）",
                role=Role.EXAMINER,
                organisation=society,
            ),
            "committee": builders.user_create(
                email="committee@demo.engcert",
                password=PASSWORD,
                full_name="郑华（审议委员）",
                role=Role.COMMITTEE,
                organisation=society,
            ),
            "alliance": builders.user_create(
                email="alliance@demo.engcert",
                password=PASSWORD,
                full_name="钱锋（联合体审核人员）",
                role=Role.ALLIANCE_REVIEWER,
                organisation=alliance,
            ),
            "unit_a": builders.user_create(
                email="unit-a@demo.engcert",
                password=PASSWORD,
                full_name="孙丽（申报单位联系人）",
                role=Role.UNIT_ADMIN,
                organisation=unit_a,
            ),
            "unit_b": builders.user_create(
                email="unit-b@demo.engcert",
                password=PASSWORD,
                full_name="冯涛（申报单位联系人）",
                role=Role.UNIT_ADMIN,
                organisation=unit_b,
            ),
        }
        admin = User.objects.filter(email="admin@demo.engcert").first()
        if admin is None:
            User.objects.create_superuser(
                email="admin@demo.engcert", password=PASSWORD, full_name="系统管理员"
            )
        builders.user_create(email="admin@demo.engcert", password=PASSWORD)

        batch = builders.batch_create(society=society)
        builders.batch_create(
            society=society,
            code="2022-b3",
            name="第三批电气工程类工程会员",
            name_en="Third batch of electrical engineering members",
            opens_at=batch.opens_at.replace(year=2022),
            closes_at=batch.opens_at.replace(year=2022, month=12, day=31),
            published=True,
        )
        # The demo applicant: a draft partly filled in, to continue from the browser.
        applicant = builders.user_create(email="applicant@demo.engcert", password=PASSWORD, full_name="王伟")
        draft = application_create(batch=batch, applicant=applicant)
        application_update(
            application=draft,
            by=applicant,
            values={"full_name": "王伟", "gender": "M", "nationality": "中国", "phone": "13800000001"},
        )

        pool = evaluation.pool_create(
            society=society,
            staff=people["staff"],
            demo_examiner=people["examiner"],
            password=PASSWORD,
            first_day=timezone.now(),
        )
        committee = [people["committee"]] + [
            builders.user_create(
                email=email, password=PASSWORD, full_name=name, role=Role.COMMITTEE, organisation=society
            )
            for email, name in (
                ("committee2@demo.engcert", "何静（审议委员）"),
                ("committee3@demo.engcert", "罗建国（审议委员）"),
            )
        ]
        later = deliberation.LaterStages()
        held = 0
        for index, (label, steps) in enumerate(PATHS):
            unit = unit_a if index % 2 == 0 else unit_b
            person = builders.person_for(index + 1, employer=unit.name)
            user = builders.user_create(
                email=f"{label}@demo.engcert", password=PASSWORD, full_name=person.full_name
            )
            application = builders.application_complete_draft(
                batch=batch,
                applicant=user,
                person=person,
                unit=unit,
                index=index + 1,
                grade_code=["AE", "PE", "SPE"][index % 3],
                years_of_practice=[3, 9, 12][index % 3],
            )
            if "title" in steps:
                builders.international_title_add(application=application, by=user)
            application_submit(application=application, by=user)
            staff = people["staff"]
            for step in steps:
                if step == "title":
                    continue  # taken before submission
                if step == "return":
                    evaluation.review_return(application=application, staff=staff, reason=RETURN_REASON)
                elif step == "revise":
                    builders.education_revise(application=application, by=user)
                    application_submit(application=application, by=user)
                elif step == "pass":
                    evaluation.review_pass(application=application, staff=staff)
                elif step == "verify":
                    title = application.international_titles.get()
                    international_title_verify(
                        application=application,
                        title=title,
                        by=staff,
                        verified=True,
                        note="已核对证书与登记号。",
                    )
                elif step == "reject":
                    initial_review_reject(
                        application=application, by=staff, reason="工作年限不满足申请级别要求。"
                    )
                elif step == "interview_upcoming":
                    evaluation.interview_arrange(
                        application=application,
                        staff=staff,
                        pool=pool,
                        seat_of=UPCOMING_PANEL,
                        at=_interview_time(days=7, hour=9),
                    )
                elif step == "interview_held":
                    held += 1
                    interview = evaluation.interview_arrange(
                        application=application,
                        staff=staff,
                        pool=pool,
                        seat_of=HELD_PANEL,
                        # Five interviews a day at most: the policy's day ends at 17:30.
                        at=_interview_time(days=7 + held // 5, hour=9 + held % 5),
                    )
                    evaluation.interview_backdate(interview=interview, days=20 - held)
                elif step == "scores":
                    evaluation.panel_scores_agree(application=application, pool=pool, seat_of=HELD_PANEL)
                elif step == "withdraw":
                    application_withdraw(
                        application=application, by=user, reason="因工作调动，本批次暂不申请。"
                    )
                else:
                    getattr(later, step.removeprefix("later:")).append(application)
        deliberation.committee_meetings(batch=batch, staff=people["staff"], members=committee, stages=later)
        deliberation.public_notices(batch=batch, staff=people["staff"], stages=later)
        deliberation.alliance_package(
            batch=batch, staff=people["staff"], reviewer=people["alliance"], stages=later
        )
        certificates.certificates_load(
            society=society,
            staff=people["staff"],
            password=PASSWORD,
            registered=later.registered,
            today=timezone.localdate(),
        )
        # Claims that can be trusted: copied statements, referees' answers, appeals.
        similarity.similarity_demo_load(batch=batch)
        self.referee_link = referees.referees_demo_load(society=society)
        appeals.appeals_demo_load(batch=batch, unit=unit_a, staff=people["staff"], password=PASSWORD)
        # The units' administrators: endorsements, a decline with its reason, invitations.
        units.units_demo_load(society=society, unit_a=unit_a, unit_b=unit_b, staff=people["staff"])
        # A roster unit A sent by email, imported and reconciled with the online applications.
        roster_demo_load(batch=batch, unit=unit_a, by=people["staff"])
        # The API's clients: one of the society's systems and one of the alliance's.
        self.api_tokens = apiclients.apiclients_demo_load(
            society=society, staff=people["staff"], alliance=alliance, reviewer=people["alliance"]
        )

    def _print_logins(self) -> None:
        rows = [
            ("applicant (申请人)", "applicant@demo.engcert"),
            ("applicant, submitted (已提交)", "submitted@demo.engcert"),
            ("applicant, returned (退回修改)", "returned@demo.engcert"),
            ("applicant, interview arranged (已安排面试)", "interview@demo.engcert"),
            ("applicant, in public notice with an objection (公示异议)", "objection@demo.engcert"),
            ("applicant, registered, certificate issued (证书已颁发)", "registered@demo.engcert"),
            *certificates.LOGINS,
            *appeals.LOGINS,
            ("unit administrator A (申报单位联系人) *", "unit-a@demo.engcert"),
            ("unit administrator B *", "unit-b@demo.engcert"),
            ("society staff (学会工作人员) *", "staff@demo.engcert"),
            ("examiner, chairs a panel (考官) *", "examiner@demo.engcert"),
            ("examiner, second panel member *", "examiner2@demo.engcert"),
            ("committee member, a vote to cast (审议委员) *", "committee@demo.engcert"),
            ("alliance reviewer (联合体审核人员) *", "alliance@demo.engcert"),
            ("site administrator *", "admin@demo.engcert"),
        ]
        self.stdout.write(f"\nDemo logins (password for all: {PASSWORD})")
        for role, email in rows:
            self.stdout.write(f"  {role:<58} {email}")
        self.stdout.write("  * sets up an authenticator app (TOTP) at first sign-in\n")
        count = Application.objects.count()
        self.stdout.write(f"Applications in the demo: {count}\n")
        self.stdout.write(
            f"Certificates in the demo: {Certificate.objects.count()}; the earlier members were imported "
            f"from a list like docs/samples/{certificates.SAMPLE_FILE_NAME}\n"
        )
