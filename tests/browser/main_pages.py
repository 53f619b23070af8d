"""Every main page of engcert, per role, on the demo that `make run` loads (load_demo).

The demo has a user per role and applications in every stage, so each page shows what its
people see on a working day: filled tables, forms with values, decisions recorded. The lists
name the person who opens the pages (None: a visitor who is not signed in) and the address of
each page, found from the demo's own records.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from engcert.accounts.models import User
from engcert.appeals.models import Appeal
from engcert.applications.models import Application
from engcert.applications.sections import SECTION_KEYS
from engcert.batches.models import Batch
from engcert.certificates.models import Certificate
from engcert.committee.models import AgendaItem, Meeting
from engcert.examiners.models import Examiner
from engcert.notices.models import Notice, NoticeEntry, Objection
from engcert.organisations.models import Organisation
from engcert.registration.models import AlliancePackage
from engcert.renewals.models import Renewal
from engcert.rosters.models import RosterImport
from engcert.similarity.models import SimilarPair

DEMO = "@demo.engcert"


@dataclass(frozen=True)
class MainPage:
    name: str  # what the page is, as a failure report names it
    path: str
    status: int = 200


@dataclass(frozen=True)
class Role:
    name: str
    email: str | None  # None: the public, not signed in
    pages: list[MainPage]


def _application_of(login: str) -> Application:
    return Application.objects.select_related("batch__society").get(applicant__email=login + DEMO)


def _referee_path(load_demo_output: str) -> str:
    """The referee's link is a secret the demo prints once; the page is reached only through it."""
    found = re.search(r"https?://[^/\s]+(/referee/\S+/)", load_demo_output)
    assert found is not None, load_demo_output
    return found.group(1)


def public_pages(*, load_demo_output: str) -> list[MainPage]:
    batch = Batch.objects.select_related("society").get(code="2026-b4")
    valid = Certificate.objects.filter(status="valid").order_by("number").first()
    revoked = Certificate.objects.filter(status="revoked").order_by("number").first()
    assert valid is not None and revoked is not None
    notice = Notice.objects.order_by("-pk").first()
    assert notice is not None
    entry = NoticeEntry.objects.filter(notice=notice).order_by("pk").first()
    assert entry is not None
    return [
        MainPage("home", reverse("home")),
        MainPage("sign-in", reverse("account_login")),
        MainPage("sign-up", reverse("account_signup")),
        MainPage("open calls", reverse("calls:list")),
        MainPage("a call", reverse("calls:detail", args=[batch.society.code, batch.code])),
        MainPage("public notices", reverse("notices:public_list")),
        MainPage("a public notice", reverse("notices:public_detail", args=[notice.uid])),
        MainPage("an objection's form", reverse("notices:object", args=[notice.uid, entry.uid])),
        MainPage("certificate verification", reverse("certificates:verify")),
        MainPage("a valid certificate", reverse("certificates:verify_number", args=[valid.number])),
        MainPage("a revoked certificate", reverse("certificates:verify_number", args=[revoked.number])),
        MainPage(
            "an unknown certificate",
            reverse("certificates:verify_number", args=["CSEE-0000-NOTHING"]),
            status=404,
        ),
        MainPage("public register, searched", reverse("certificates:register") + "?q=%E7%8E%8B"),
        MainPage("a referee's answer", _referee_path(load_demo_output)),
    ]


def applicant_pages() -> list[MainPage]:
    draft = _application_of("applicant")
    sections = [
        MainPage(f"form section {key}", reverse("applications:section", args=[draft.uid, key]))
        for key in SECTION_KEYS
    ]
    return [
        MainPage("my applications", reverse("applications:mine")),
        MainPage("my draft", reverse("applications:detail", args=[draft.uid])),
        *sections,
        MainPage("review before submitting", reverse("applications:review", args=[draft.uid])),
        MainPage("security", reverse("mfa_index")),
        MainPage("email addresses", reverse("account_email")),
    ]


def applicant_stage_pages() -> list[Role]:
    """Applicants whose files are further along: the status page at each telling stage."""

    def status(login: str, *extra: MainPage) -> Role:
        application = _application_of(login)
        page = MainPage(f"status: {login}", reverse("applications:detail", args=[application.uid]))
        return Role(f"applicant ({login})", login + DEMO, [page, *extra])

    returned = _application_of("returned")
    rejected = _application_of("rejected")
    return [
        status(
            "returned",
            MainPage("a returned section", reverse("applications:section", args=[returned.uid, "education"])),
        ),
        status("interview"),
        status("rejected", MainPage("appeal", reverse("appeals:lodge", args=[rejected.uid]))),
        status("objection"),
        status(
            "certified",
            MainPage("my certificates", reverse("certificates:mine")),
            MainPage("register listing", reverse("certificates:listing")),
            MainPage("CPD", reverse("cpd:mine")),
            MainPage("CPD: add an activity", reverse("cpd:add")),
        ),
        Role(
            "member (renewal)",
            "renewal" + DEMO,
            [MainPage("renewal", reverse("renewals:mine"))],
        ),
    ]


def unit_admin_pages() -> list[MainPage]:
    unit = Organisation.objects.get(code="sepco3")
    engineer = Application.objects.filter(unit=unit).order_by("pk").first()
    assert engineer is not None
    return [
        MainPage("unit workspace: the unit's engineers", reverse("units:engineers", args=[unit.code])),
        MainPage("an engineer's application", reverse("units:application", args=[unit.code, engineer.uid])),
        MainPage("the unit's profile", reverse("units:profile", args=[unit.code])),
        MainPage("the unit's invitations", reverse("units:invitations", args=[unit.code])),
    ]


def staff_pages() -> list[MainPage]:
    batch = Batch.objects.select_related("society").get(code="2026-b4")
    s = batch.society.code
    submitted = _application_of("submitted")
    resubmitted = _application_of("resubmitted")
    interviewed = _application_of("interviewed")
    interview = _application_of("interview")
    deliberation = _application_of("deliberation")
    meeting = Meeting.objects.get(items__application=deliberation)
    item = AgendaItem.objects.get(application=deliberation)
    notice = Notice.objects.order_by("-pk").first()
    objection = Objection.objects.first()
    package = AlliancePackage.objects.first()
    certificate = Certificate.objects.filter(status="valid").order_by("number").first()
    renewal = Renewal.objects.first()
    appeal = Appeal.objects.order_by("pk").first()
    roster_import = RosterImport.objects.first()
    pair = SimilarPair.objects.first()
    examiner = Examiner.objects.get(user__email="examiner" + DEMO)
    assert notice and objection and package and certificate and renewal and appeal and roster_import and pair
    return [
        MainPage("batches", reverse("staff:batches_of", args=[s])),
        MainPage("a batch", reverse("staff:batch_detail", args=[s, batch.pk])),
        MainPage("a batch's settings", reverse("staff:batch_edit", args=[s, batch.pk])),
        MainPage("the review queue", reverse("queue:queue", args=[s, batch.pk])),
        MainPage("the states diagram", reverse("queue:states")),
        MainPage("initial review", reverse("review:application", args=[s, submitted.uid])),
        MainPage("initial review: changes", reverse("review:changes", args=[s, resubmitted.uid])),
        MainPage("examiners", reverse("examiners:pool", args=[s])),
        MainPage("an examiner", reverse("examiners:examiner", args=[s, examiner.pk])),
        MainPage("examiner assignment", reverse("examiners:batch_panels", args=[s, batch.pk])),
        MainPage("a panel", reverse("examiners:panel", args=[s, batch.pk, interview.uid])),
        MainPage("interview scheduling", reverse("examiners:schedule_new", args=[s, batch.pk])),
        MainPage("a candidate's scores", reverse("scoring_staff:scores", args=[s, interviewed.uid])),
        MainPage("committee meetings", reverse("committee:meetings", args=[s])),
        MainPage("a committee meeting", reverse("committee:meeting", args=[s, meeting.pk])),
        MainPage("an agenda item", reverse("committee:item", args=[s, meeting.pk, item.pk])),
        MainPage("committee policy", reverse("committee:policy", args=[s])),
        MainPage("notices", reverse("notices:staff_list", args=[s])),
        MainPage("a notice", reverse("notices:staff_detail", args=[s, notice.uid])),
        MainPage("an objection", reverse("notices:staff_objection", args=[s, objection.uid])),
        MainPage("packages for the alliance", reverse("registration:society_packages", args=[s])),
        MainPage("a package", reverse("registration:society_package", args=[s, package.pk])),
        MainPage("certificates", reverse("certificates:staff_list", args=[s])),
        MainPage("a certificate", reverse("certificates:staff_detail", args=[s, certificate.number])),
        MainPage("certificate issuance", reverse("certificates:issue", args=[s])),
        MainPage("CPD compliance", reverse("cpd:staff_compliance", args=[s])),
        MainPage("CPD audits", reverse("cpd:staff_audits", args=[s])),
        MainPage("renewals", reverse("renewals:staff_list", args=[s])),
        MainPage("a renewal", reverse("renewals:staff_detail", args=[s, renewal.pk])),
        MainPage("appeals", reverse("appeals:staff_list", args=[s])),
        MainPage("an appeal", reverse("appeals:staff_detail", args=[s, appeal.pk])),
        MainPage("units", reverse("units:staff_units", args=[s])),
        MainPage("rosters", reverse("rosters:batch", args=[s, batch.pk])),
        MainPage(
            "a roster's reconciliation",
            reverse("rosters:reconciliation", args=[s, batch.pk, roster_import.pk]),
        ),
        MainPage("a batch's dashboard", reverse("dashboards:batch", args=[s, batch.pk])),
        MainPage("deadlines", reverse("deadlines:policy", args=[s])),
        MainPage("a batch's deadlines", reverse("deadlines:batch", args=[s, batch.pk])),
        MainPage("a copied statement", reverse("similarity:pair", args=[s, pair.pk])),
        MainPage("API clients", reverse("apiclients:society_list", args=[s])),
    ]


def busy_job_pages() -> list[MainPage]:
    """Background jobs staff follow on a progress page, caught while working: a reminder run, a
    certificate issuance and an export of the work queue (built directly: the tests' task
    backend would finish them at once)."""
    from engcert.certificates.models import IssuanceRun
    from engcert.deadlines.models import ReminderRun
    from engcert.review.models import QueueExport

    batch = Batch.objects.select_related("society").get(code="2026-b4")
    s = batch.society.code
    staff = User.objects.get(email="staff" + DEMO)
    now = timezone.now()
    # Their last sign of life is set ahead, so that they still count as working (not stopped)
    # however long the check takes to reach their pages.
    working = {"status": "running", "started_at": now, "heartbeat_at": now + timedelta(hours=1)}
    reminders = ReminderRun.objects.create(
        society=batch.society, started_by=staff, total=12, done=5, **working
    )
    issuance = IssuanceRun.objects.create(
        society=batch.society, batch=batch, requested_by=staff, total=3, done=1, **working
    )
    export = QueueExport.objects.create(
        society=batch.society, batch=batch, started_by=staff, total=22, done=9, **working
    )
    return [
        MainPage("a reminder run, sending", reverse("deadlines:run", args=[s, reminders.pk])),
        MainPage("a certificate issuance, issuing", reverse("certificates:issue_run", args=[s, issuance.pk])),
        MainPage("a queue export, working", reverse("queue:export", args=[s, batch.pk, export.pk])),
    ]


def examiner_pages() -> list[MainPage]:
    upcoming = _application_of("interview")
    interviewed = _application_of("interviewed")
    return [
        MainPage("my candidates", reverse("examiner:candidates")),
        MainPage(
            "a candidate, conflict of interest to declare", reverse("examiner:candidate", args=[upcoming.uid])
        ),
        MainPage("a submitted score sheet", reverse("scoring:sheet", args=[interviewed.uid])),
    ]


def second_examiner_sheet_open() -> Role:
    """The upcoming interview's second examiner declares no conflict, which opens the file and
    an empty score sheet to fill in at the interview."""
    from engcert.examiners.models import PanelSeat
    from engcert.scoring.domain.declarations import seat_declare

    upcoming = _application_of("interview")
    seat = PanelSeat.objects.get(panel__application=upcoming, examiner__user__email="examiner2" + DEMO)
    seat_declare(seat=seat, by=seat.examiner.user, conflict=False, note="")
    return Role(
        "examiner with a sheet to fill",
        "examiner2" + DEMO,
        [
            MainPage("a candidate's file", reverse("examiner:candidate", args=[upcoming.uid])),
            MainPage("a score sheet to fill", reverse("scoring:sheet", args=[upcoming.uid])),
        ],
    )


def committee_pages() -> list[MainPage]:
    deliberation = _application_of("deliberation")
    item = AgendaItem.objects.select_related("meeting").get(application=deliberation)
    return [
        MainPage("my meetings", reverse("committee:mine")),
        MainPage("a meeting", reverse("committee:member_meeting", args=[item.meeting.pk])),
        MainPage("a vote", reverse("committee:member_item", args=[item.meeting.pk, item.pk])),
    ]


def alliance_pages() -> list[MainPage]:
    package = AlliancePackage.objects.first()
    assert package is not None
    candidate = _application_of("with-alliance")
    return [
        MainPage("the verification queue", reverse("registration:packages")),
        MainPage("a package", reverse("registration:package", args=[package.pk])),
        MainPage(
            "a candidate to verify", reverse("registration:candidate", args=[package.pk, candidate.uid])
        ),
        MainPage("API clients", reverse("apiclients:alliance_list")),
    ]


def appeal_panel_pages() -> list[MainPage]:
    appeal = Appeal.objects.get(application__applicant__email="appeal-decided" + DEMO)
    return [
        MainPage("my appeals", reverse("appeals:panel_list")),
        MainPage("an appeal to review", reverse("appeals:panel_review", args=[appeal.uid])),
    ]


def every_role(*, load_demo_output: str) -> list[Role]:
    return [
        Role("the public", None, public_pages(load_demo_output=load_demo_output)),
        Role("applicant", "applicant" + DEMO, applicant_pages()),
        *applicant_stage_pages(),
        Role("unit administrator", "unit-a" + DEMO, unit_admin_pages()),
        Role("staff", "staff" + DEMO, staff_pages() + busy_job_pages()),
        Role("examiner", "examiner" + DEMO, examiner_pages()),
        second_examiner_sheet_open(),
        Role("committee member", "committee" + DEMO, committee_pages()),
        Role("alliance reviewer", "alliance" + DEMO, alliance_pages()),
        Role("appeal panel member", "appeal-panel1" + DEMO, appeal_panel_pages()),
    ]


def users_who_need_a_second_factor() -> list[User]:
    """The demo's people who act on others' files enrol an authenticator at first sign-in."""
    from engcert.accounts.second_factor import second_factor_required

    return [user for user in User.objects.filter(email__endswith=DEMO) if second_factor_required(user=user)]
