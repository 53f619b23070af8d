"""The world the permission matrix asks about: the demo (one society with an application in every
stage, its examiners, committee, notices, the alliance's package, certificates, CPD, referees,
appeals, units, rosters and API clients), plus the few objects the demo leaves out (background
jobs, an audit draw, a unit administrator's request ...), another society with its staff, and a
signed-in person with no role. Built once per module: loading the demo is the slow part."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from io import StringIO

from django.core.files.base import ContentFile
from django.core.management import call_command
from django.test import Client, TestCase
from django.utils import timezone

from engcert.accounts.models import User
from engcert.apiclients.domain import IssuedToken, api_client_create
from engcert.apiclients.enums import ApiScope
from engcert.apiclients.models import ApiClient, ApiToken
from engcert.appeals.models import Appeal, AppealEvidence
from engcert.applications.models import Application, Attachment
from engcert.batches.models import Batch
from engcert.certificates.models import Certificate, IssuanceRun
from engcert.committee.models import AgendaItem, Meeting
from engcert.cpd.domain import audit_draw_make
from engcert.cpd.models import AuditDraw, AuditSelection, CpdActivity
from engcert.deadlines.domain.runs import reminder_run_start
from engcert.deadlines.models import ReminderRun
from engcert.demo import builders
from engcert.demo.management.commands.load_demo import Command as LoadDemo
from engcert.examiners.domain.pool import declared_relation_add, examiner_employment_add
from engcert.examiners.domain.schedule_runs import ScheduleRequest, schedule_run_create
from engcert.examiners.models import (
    CandidateUnavailability,
    DeclaredRelation,
    Examiner,
    ExaminerEmployment,
    Interview,
    Panel,
    PanelSeat,
    Room,
    ScheduleRun,
)
from engcert.notices.models import CalendarDay, Notice, NoticeEntry, Objection
from engcert.organisations.enums import OrganisationKind, Role
from engcert.organisations.models import Membership, Organisation
from engcert.privacy.deletion import deletion_request_create
from engcert.privacy.models import DeletionRequest
from engcert.referees.models import RefereeClaim, RefereeRequest
from engcert.registration.models import AlliancePackage, PackageItem
from engcert.renewals.models import Renewal
from engcert.review.exports_queue_jobs import queue_export_start
from engcert.review.models import QueueExport
from engcert.rosters.domain.jobs import roster_export_all_start
from engcert.rosters.models import RosterImport, RosterJob
from engcert.similarity.models import SimilarPair
from engcert.units.domain import unit_admin_invitation_token_issue, unit_admin_request_create
from engcert.units.models import AdminInvitation, AdminRequest
from tests.conftest import enrol_totp

# Who asks. "applicant" is the person whose application (or certificate, CPD log, appeal ...)
# the page is about; "other_applicant" is another applicant of the same batch.
PERSONAS = (
    "anonymous",
    "applicant",
    "other_applicant",
    "unit_admin",
    "staff",
    "examiner",
    "committee",
    "reviewer",
    "outsider",
    "other_staff",
)


@dataclass
class MatrixWorld:
    society: Organisation
    other_society: Organisation
    alliance: Organisation
    unit: Organisation
    batch: Batch
    people: dict[str, User]
    # Applications in the stages the pages need.
    draft: Application
    review_passed: Application
    returned: Application
    submitted: Application
    simplified: Application
    interview: Application
    interviewed: Application
    rejected: Application
    certified: Application
    appealed: Application
    # Everything else, one of each.
    attachment: Attachment
    interview_row: Interview
    panel: Panel
    seat: PanelSeat
    examiner_row: Examiner
    employment: ExaminerEmployment
    relation: DeclaredRelation
    room: Room
    unavailable: CandidateUnavailability
    schedule_run: ScheduleRun
    meeting: Meeting
    agenda_item: AgendaItem
    notice: Notice
    notice_entry: NoticeEntry
    objection: Objection
    calendar_day: CalendarDay
    package: AlliancePackage
    package_item: PackageItem
    certificate: Certificate
    issuance_run: IssuanceRun
    cpd_activity: CpdActivity
    audit_draw: AuditDraw
    audit_selection: AuditSelection
    renewal: Renewal
    referee_request: RefereeRequest
    referee_link: str
    referee_claim: RefereeClaim
    similar_pair: SimilarPair
    appeal: Appeal
    decided_appeal: Appeal
    appeal_evidence: AppealEvidence
    api_client: ApiClient
    api_token: ApiToken
    alliance_api_client: ApiClient
    alliance_api_token: ApiToken
    admin_request: AdminRequest
    admin_membership: Membership
    admin_invitation_token: str
    roster_job: RosterJob
    roster_import: RosterImport
    queue_export: QueueExport
    reminder_run: ReminderRun
    deletion_request: DeletionRequest
    tokens: dict[str, str] = field(default_factory=dict)
    clients: dict[str, Client] = field(default_factory=dict)

    def client_for(self, persona: str, *, applicant: User | None = None) -> Client:
        """One signed-in client per person, reused across the matrix (sessions are cheap to keep)."""
        user = self.people.get(persona)
        if persona == "applicant" and applicant is not None:
            user = applicant
        elif persona == "other_applicant" and user == applicant:
            user = self.people["another_applicant"]
        key = "anonymous" if user is None else f"user:{user.pk}"
        if key not in self.clients:
            client = Client()
            if user is not None:
                client.force_login(user)
            self.clients[key] = client
        return self.clients[key]


def _user(email: str) -> User:
    return User.objects.get(email=email)


def _application_of(email: str) -> Application:
    return Application.objects.get(applicant__email=email)


def _token(*, organisation: Organisation, scopes: list[ApiScope], by: User, expires_on: date | None) -> str:
    _client, issued = api_client_create(
        organisation=organisation,
        name=f"matrix {organisation.code} {'-'.join(scopes)} {expires_on}",
        scopes=[scope.value for scope in scopes],
        expires_on=expires_on,
        by=by,
    )
    assert isinstance(issued, IssuedToken)
    return issued.raw


def matrix_world_build() -> MatrixWorld:
    """Background jobs run when their transaction commits: here, when the build is done."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        world = _build()
    # The invitation's email (sent on commit) issued its own link: take a fresh one after it.
    invitation = AdminInvitation.objects.order_by("pk").first()
    assert invitation is not None
    world.admin_invitation_token = unit_admin_invitation_token_issue(invitation=invitation)
    return world


def _build() -> MatrixWorld:
    loader = LoadDemo()
    # The demo's emails go out when its transaction commits, and re-issue links (an invitation's):
    # let them run before the matrix takes its own links.
    with TestCase.captureOnCommitCallbacks(execute=True):
        call_command(loader, "--quiet", stdout=StringIO())
    society = Organisation.objects.get(kind=OrganisationKind.SOCIETY)
    alliance = Organisation.objects.get(kind=OrganisationKind.ALLIANCE)
    batch = Application.objects.get(applicant__email="submitted@demo.engcert").batch
    people = {
        "applicant": _user("certified@demo.engcert"),
        "other_applicant": _user("submitted@demo.engcert"),
        "unit_admin": _user("unit-a@demo.engcert"),
        "staff": _user("staff@demo.engcert"),
        "examiner": _user("examiner@demo.engcert"),
        "committee": _user("committee@demo.engcert"),
        "reviewer": _user("alliance@demo.engcert"),
        "outsider": builders.user_create(email="outsider@matrix.example", password="x", full_name="路人"),
    }
    other_society = builders.society_create(
        code="ches", name="中国水利学会", name_en="Chinese Hydraulic Engineering Society", short_name="CHES"
    )
    people["other_staff"] = builders.user_create(
        email="staff@ches.example",
        password="x",
        full_name="外学会工作人员",
        role=Role.STAFF,
        organisation=other_society,
    )
    people["appeal_panel"] = _user("appeal-panel1@demo.engcert")
    # A second applicant for pages whose applicant is the world's "other applicant".
    people["another_applicant"] = _user("resubmitted@demo.engcert")
    for user in people.values():
        enrol_totp(user)
    staff = people["staff"]
    unit = Organisation.objects.get(code="sepco3")

    interview = _application_of("interview@demo.engcert")
    interviewed = _application_of("interviewed@demo.engcert")
    interview_row = Interview.objects.filter(application=interview).latest("pk")
    panel = Panel.objects.get(application=interview)
    examiner_row = Examiner.objects.get(user=people["examiner"])
    room = Room.objects.filter(society=society).order_by("pk").first()
    assert room is not None
    certified = _application_of("certified@demo.engcert")
    certificate = Certificate.objects.filter(registration__application=certified).latest("pk")
    registration = certificate.registration
    cpd_activity = CpdActivity.objects.filter(registration=registration).order_by("pk").first()
    if cpd_activity is None:
        cpd_activity = CpdActivity.objects.create(
            registration=registration,
            activity_type="training",
            date=timezone.localdate() - timedelta(days=10),
            hours=8,
            title="继电保护新技术培训",
        )
    today = timezone.localdate()
    # A complete draft with its files (the demo's own draft is only begun).
    draft = builders.application_complete_draft(
        batch=batch,
        applicant=builders.user_create(email="draft@matrix.example", password="x", full_name="赵磊"),
        person=builders.person_for(70, employer=unit.name),
        unit=unit,
        index=70,
    )
    # Evidence files, which the demo's CPD log and objection do without.
    cpd_activity.evidence.save("培训证明.pdf", ContentFile(builders.TINY_PDF), save=False)
    cpd_activity.evidence_name, cpd_activity.evidence_type = "培训证明.pdf", "application/pdf"
    cpd_activity.evidence_size = len(builders.TINY_PDF)
    cpd_activity.save()
    objection = Objection.objects.get()
    objection.evidence.save("项目合同.pdf", ContentFile(builders.TINY_PDF), save=False)
    objection.evidence_name, objection.evidence_content_type = "项目合同.pdf", "application/pdf"
    objection.evidence_size = len(builders.TINY_PDF)
    objection.save()
    audit_draw = audit_draw_make(society=society, year=today.year, by=staff, seed="matrix")
    audit_selection = AuditSelection.objects.filter(draw=audit_draw).order_by("pk").first()
    if audit_selection is None:
        audit_selection = AuditSelection.objects.create(draw=audit_draw, registration=registration, rank=1)
    renewal = Renewal.objects.order_by("pk").first()
    assert renewal is not None
    referee_request = RefereeRequest.objects.order_by("pk").first()
    assert referee_request is not None
    referee_claim = RefereeClaim.objects.filter(request__application=referee_request.application).order_by(
        "pk"
    )[0]
    appeal = Appeal.objects.get(application__applicant__email="appeal-waiting@demo.engcert")
    api_client = ApiClient.objects.get(organisation=society)
    alliance_api_client = ApiClient.objects.get(organisation=alliance)
    requester = builders.user_create(
        email="would-be-admin@matrix.example", password="x", full_name="申请管理员"
    )
    admin_request = unit_admin_request_create(unit=unit, user=requester, position="人力资源部 主管", note="")
    invitation = AdminInvitation.objects.order_by("pk").first()
    assert invitation is not None
    schedule_run = schedule_run_create(
        batch=batch,
        request=ScheduleRequest(
            first_day=today + timedelta(days=30),
            last_day=today + timedelta(days=34),
            weekdays=(0, 1, 2, 3, 4),
            room_ids=(room.pk,),
        ),
        by=staff,
        inline=True,
    )
    package = AlliancePackage.objects.get()
    world = MatrixWorld(
        society=society,
        other_society=other_society,
        alliance=alliance,
        unit=unit,
        batch=batch,
        people=people,
        draft=draft,
        review_passed=_application_of("review_passed@demo.engcert"),
        returned=_application_of("returned@demo.engcert"),
        submitted=_application_of("submitted@demo.engcert"),
        simplified=_application_of("simplified@demo.engcert"),
        interview=interview,
        interviewed=interviewed,
        rejected=_application_of("rejected@demo.engcert"),
        certified=certified,
        appealed=appeal.application,
        attachment=Attachment.objects.filter(application=draft).order_by("pk")[0],
        interview_row=interview_row,
        panel=panel,
        seat=PanelSeat.objects.filter(panel=panel).order_by("pk")[0],
        examiner_row=examiner_row,
        employment=examiner_employment_add(
            examiner=examiner_row, employer="国网山东省电力公司", start_date=None, end_date=None, by=staff
        ),
        relation=declared_relation_add(
            examiner=examiner_row, relation="former_colleague", by=staff, person_name="张三"
        ),
        room=room,
        unavailable=CandidateUnavailability.objects.create(
            application=_application_of("review_passed@demo.engcert"), date=today + timedelta(days=40)
        ),
        schedule_run=schedule_run,
        meeting=Meeting.objects.filter(batch=batch).order_by("pk")[0],
        agenda_item=AgendaItem.objects.filter(meeting__batch=batch).order_by("pk")[0],
        notice=Notice.objects.filter(batch=batch).order_by("pk")[0],
        notice_entry=NoticeEntry.objects.filter(notice__batch=batch).order_by("pk")[0],
        objection=objection,
        calendar_day=CalendarDay.objects.order_by("pk")[0],
        package=package,
        package_item=PackageItem.objects.filter(package=package).order_by("pk")[0],
        certificate=certificate,
        # Every member of the demo's batch has their certificate already: a finished run, as one
        # the staff started earlier would be.
        issuance_run=IssuanceRun.objects.create(
            society=society, batch=batch, status="done", requested_by=staff, finished_at=timezone.now()
        ),
        cpd_activity=cpd_activity,
        audit_draw=audit_draw,
        audit_selection=audit_selection,
        renewal=renewal,
        referee_request=referee_request,
        referee_link=loader.referee_link,
        referee_claim=referee_claim,
        similar_pair=SimilarPair.objects.order_by("pk")[0],
        appeal=appeal,
        decided_appeal=Appeal.objects.get(application__applicant__email="appeal-decided@demo.engcert"),
        appeal_evidence=AppealEvidence.objects.filter(appeal=appeal).order_by("pk")[0],
        api_client=api_client,
        api_token=ApiToken.objects.filter(client=api_client).order_by("pk")[0],
        alliance_api_client=alliance_api_client,
        alliance_api_token=ApiToken.objects.filter(client=alliance_api_client).order_by("pk")[0],
        admin_request=admin_request,
        admin_membership=Membership.objects.get(user=people["unit_admin"], role=Role.UNIT_ADMIN),
        admin_invitation_token=unit_admin_invitation_token_issue(invitation=invitation),
        roster_job=roster_export_all_start(batch=batch, by=staff),
        roster_import=RosterImport.objects.get(),
        queue_export=queue_export_start(batch=batch, filters="", by=staff),
        reminder_run=reminder_run_start(society=society, by=staff),
        # An applicant who withdrew asks the society to erase their data.
        deletion_request=deletion_request_create(person=_user("withdrawn@demo.engcert"))[0],
    )
    world.tokens = {
        "society": loader.api_tokens.society,
        "alliance": loader.api_tokens.alliance,
        "batches_only": _token(
            organisation=society, scopes=[ApiScope.BATCHES_READ], by=staff, expires_on=None
        ),
        "evaluations_only": _token(
            organisation=society, scopes=[ApiScope.EVALUATIONS_READ], by=staff, expires_on=None
        ),
        "other_society": _token(
            organisation=other_society,
            scopes=[ApiScope.BATCHES_READ, ApiScope.EVALUATIONS_READ],
            by=people["other_staff"],
            expires_on=None,
        ),
    }
    return world
