"""The permission matrix: for every page of engcert, who may open it and what everyone else gets.

Read a row as: the personas in ``allowed`` get that answer to GET; every other persona is
refused, the anonymous visitor with a redirect to sign in, a signed-in person with 404 (they
must not learn the object exists) unless ``refused`` says 403 (they may see it but not act).
A state-changing page (``post``) refuses an empty POST from each refused persona the same way,
before any validation. A page that only takes POST (``get``) answers GET with 405.

"applicant" is the person the page is about (see args.OWNER); "other_applicant" another
applicant of the same batch."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from tests.project.permission_matrix.world import PERSONAS


@dataclass(frozen=True)
class Goes:
    """A redirect to the named page (its view name, e.g. "applications:detail")."""

    to: str


Outcome = int | Goes
LOGIN = Goes("account_login")
SIGNED_IN = tuple(p for p in PERSONAS if p != "anonymous")


@dataclass(frozen=True)
class Page:
    allowed: Mapping[str, Outcome]
    refused: Mapping[str, Outcome] = field(default_factory=dict)
    post: bool = False
    get: Outcome | None = None  # every persona's GET, for a page that only takes POST
    anonymous_get: Outcome | None = None
    # People outside the ten personas whom the page is for (an appeal's panel member).
    extra: Mapping[str, Outcome] = field(default_factory=dict)

    def expected_get(self, persona: str) -> Outcome:
        if persona == "anonymous" and self.anonymous_get is not None:
            return self.anonymous_get
        if self.get is not None and persona != "anonymous":
            return self.get
        if persona in self.allowed:
            return self.allowed[persona]
        return self.refusal(persona)

    def refusal(self, persona: str) -> Outcome:
        if persona in self.refused:
            return self.refused[persona]
        return LOGIN if persona == "anonymous" else 404

    def refused_personas(self) -> list[str]:
        return [p for p in PERSONAS if p not in self.allowed]


def everyone(outcome: Outcome = 200) -> Page:
    """A public page: the same answer for everyone, signed in or not."""
    return Page(allowed=dict.fromkeys(PERSONAS, outcome))


def signed_in(outcome: Outcome = 200, **special: Outcome) -> Page:
    """Anyone signed in (the page shows them their own things, or none)."""
    return Page(allowed={**dict.fromkeys(SIGNED_IN, outcome), **special})


def staff(outcome: Outcome = 200, *, post: bool = False, **refused: Outcome) -> Page:
    """The society's staff only."""
    return Page(allowed={"staff": outcome}, refused=refused, post=post)


def staff_post(*, anonymous_get: Outcome | None = None) -> Page:
    """A change only the society's staff make, by POST."""
    return Page(allowed={"staff": 405}, post=True, get=405, anonymous_get=anonymous_get)


def only(allowed: Mapping[str, Outcome], *, post: bool = False, **refused: Outcome) -> Page:
    return Page(allowed=allowed, refused=refused, post=post)


def post_only(allowed: tuple[str, ...], *, anonymous_get: Outcome | None = None, **refused: Outcome) -> Page:
    return Page(
        allowed=dict.fromkeys(allowed, 405), refused=refused, post=True, get=405, anonymous_get=anonymous_get
    )


# Pages that belong to the framework rather than to engcert: signing in and out (allauth), the
# language switch, the API's own document pages. Their expectations are for a visitor and for a
# signed-in applicant.
MATRIX: dict[str, Page] = {
    "home": everyone(),
    "healthz": everyone(),
    # Switching language answers everyone with a redirect back (home when no page is named).
    "set_language": everyone(Goes("home")),
    "set_language (shadowed)": everyone(Goes("home")),
    # Certificates.
    "certificates:staff_list": staff(),
    "certificates:issue": staff(post=True),
    "certificates:issue_run": staff(),
    "certificates:issue_run_progress": staff(),
    "certificates:issue_run_resume": staff_post(),
    "certificates:policy": staff(post=True),
    "certificates:mine": signed_in(),
    "certificates:pdf": only({"applicant": 200, "staff": 200}),
    "certificates:verify": everyone(),
    "certificates:keys": everyone(),
    "certificates:keys_json": everyone(),
    "certificates:verify_number": everyone(),
    "certificates:register": everyone(),
    "certificates:issuer": everyone(),
    "certificates:status_list": everyone(),
    "certificates:listing": only({"applicant": 200}, post=True),
    "certificates:credential": only({"applicant": 200}),
    "certificates:staff_detail": staff(post=True),
    # Calls and batches.
    "calls:list": everyone(),
    "calls:detail": everyone(),
    # The staff's entry page sends each society's staff to their own society's batches.
    "staff:batches": only({"staff": Goes("staff:batches_of"), "other_staff": Goes("staff:batches_of")}),
    "staff:batches_of": staff(),
    "staff:batch_new": staff(post=True),
    "staff:batch_detail": staff(),
    "staff:batch_edit": staff(post=True),
    "staff:batch_publish": staff_post(),
    # The diagram of the application's states is the same for every society.
    "queue:states": only({"staff": 200, "other_staff": 200}),
    "queue:queue": staff(post=True),
    "queue:bulk": staff_post(),
    "queue:export": staff(),
    "queue:export_progress": staff(),
    "queue:export_resume": staff_post(),
    "queue:export_download": staff(),
    "review:application": staff(),
    "review:checklist": staff_post(),
    "review:return": staff_post(),
    "review:reject": staff_post(),
    "review:title_verify": staff_post(),
    "review:changes": staff(),
    "review:history": staff(),
    # Examiners, panels, interviews.
    "examiners:pool": staff(),
    "examiners:examiner_new": staff(post=True),
    "examiners:policy": staff(post=True),
    "examiners:rooms": staff(),
    "examiners:room_new": staff(post=True),
    "examiners:room_edit": staff(post=True),
    "examiners:examiner": staff(),
    "examiners:examiner_edit": staff(post=True),
    "examiners:examiner_active": staff_post(),
    "examiners:employment_add": staff_post(),
    "examiners:employment_remove": staff_post(),
    "examiners:days_change": staff_post(),
    "examiners:relation_add": staff_post(),
    "examiners:relation_remove": staff_post(),
    "examiners:batch_panels": staff(),
    "examiners:panels_fill": staff_post(),
    "examiners:schedule_new": staff(post=True),
    "examiners:schedule_run": staff(),
    "examiners:schedule_confirm": staff_post(),
    "examiners:panel": staff(),
    "examiners:seat_add": staff_post(),
    "examiners:seat_remove": staff(post=True),
    "examiners:seat_replace": staff(post=True),
    "examiners:seat_chair": staff_post(),
    "examiners:interview_new": staff_post(),
    "examiners:interview_move": staff(post=True),
    "examiners:interview_no_show": staff(post=True),
    "scoring_staff:panels": staff(),
    "scoring_staff:scores": staff(),
    # The panel's agreed assessment is entered by its chair; staff are sent back to the scores.
    "scoring_staff:agreement": staff(Goes("scoring_staff:scores"), post=True),
    # The examiner's pages: an examiner on the candidate's panel; before declaring no conflict
    # of interest, the files and score sheet send them to the declaration.
    "examiner:candidates": only({"examiner": 200}),
    "examiner:candidate": only({"examiner": 200}),
    "examiner:declare": post_only(("examiner",), anonymous_get=405),
    "examiner:file": only({"examiner": Goes("examiner:candidate")}),
    "scoring:sheet": only({"examiner": Goes("examiner:candidate")}, post=True),
    "scoring:agreement": only({"examiner": Goes("examiner:candidate")}, post=True),
    # The applicant's own application; staff read it, and may not act as the applicant (403).
    "applications:mine": signed_in(),
    # Anyone signed in may start an application in an open batch.
    "applications:start": post_only(SIGNED_IN),
    "applications:detail": only({"applicant": 200, "staff": 200}),
    "applications:review": only({"applicant": 200, "staff": Goes("applications:detail")}),
    "applications:submit": post_only(("applicant",), staff=403),
    "applications:withdraw": only({"applicant": 200}, post=True, staff=403),
    "applications:pdf": only({"applicant": 200, "staff": 200}),
    # The full identity-document number is revealed to staff only, each look logged.
    "applications:identity_number": post_only(("staff",), applicant=403),
    "applications:section": only({"applicant": 200}, post=True, staff=403),
    "applications:upload": post_only(("applicant",), staff=403),
    "applications:file": only({"applicant": 200, "staff": 200}),
    "applications:file_delete": post_only(("applicant",), staff=403),
    "interviews:unavailable": only({"applicant": 200}, post=True, staff=403),
    "interviews:unavailable_remove": post_only(("applicant",), staff=403),
    "interviews:calendar": only({"applicant": 200}, staff=403),
    # Committee: the staff's side, and the members'.
    "committee:meetings": staff(),
    "committee:policy": staff(post=True),
    "committee:meeting_new": staff(post=True),
    "committee:meeting": staff(),
    "committee:meeting_edit": staff(post=True),
    "committee:attendance": staff_post(),
    "committee:agenda_add": staff(post=True),
    "committee:meeting_close": staff_post(),
    "committee:item": staff(post=True),
    "committee:item_remove": staff_post(),
    "committee:minutes_pdf": staff(),
    "committee:minutes_xlsx": staff(),
    "committee:mine": signed_in(),
    "committee:member_meeting": only({"committee": 200}),
    "committee:member_item": only({"committee": 200}, post=True),
    "committee:member_minutes_pdf": only({"committee": 200}),
    # Public notice: public pages; an objection's receipt only in the session that filed it.
    "notices:public_list": everyone(),
    "notices:public_detail": everyone(),
    "notices:object": everyone(),
    "notices:objection_received": everyone(404),
    "notices:staff_list": staff(),
    "notices:staff_policy": staff(post=True),
    "notices:staff_calendar": staff(post=True),
    "notices:staff_calendar_delete": staff_post(),
    "notices:staff_publish": staff(post=True),
    "notices:staff_detail": staff(),
    "notices:staff_objection": staff(post=True),
    "notices:staff_objection_evidence": staff(),
    # The alliance's verification, and the society's side of it.
    "registration:packages": only({"reviewer": 200}),
    "registration:policy": only({"reviewer": 200}, post=True),
    "registration:package": only({"reviewer": 200}, post=True),
    "registration:confirm_selected": post_only(("reviewer",)),
    "registration:candidate": only({"reviewer": 200}, post=True),
    "registration:society_packages": staff(),
    "registration:society_send": staff(post=True),
    "registration:society_package": staff(),
    "registration:society_candidate": staff(),
    # CPD: a member's own log (others see an empty page of their own), the staff's compliance.
    "cpd:mine": signed_in(),
    "cpd:add": signed_in(),
    "cpd:edit": only({"applicant": 200}, post=True),
    "cpd:delete": post_only(("applicant",)),
    "cpd:evidence": only({"applicant": 200}),
    "cpd:staff_compliance": staff(),
    "cpd:staff_compliance_xlsx": staff(),
    "cpd:staff_rule": staff(post=True),
    "cpd:staff_audits": staff(post=True),
    "cpd:staff_audit": staff(),
    "cpd:staff_audit_member": staff(post=True),
    "cpd:staff_evidence": staff(),
    "renewals:mine": signed_in(),
    "renewals:staff_list": staff(),
    "renewals:staff_detail": staff(post=True),
    # A referee answers by the link's token, without signing in; the applicant may not answer
    # their own referee's request.
    "referees:answer": Page(
        allowed=dict.fromkeys([p for p in PERSONAS if p != "applicant"], 200), refused={"applicant": 403}
    ),
    "referees:replace": only({"applicant": 200}, post=True, staff=403),
    "referees:ask": staff_post(),
    "referees:bounced": staff_post(),
    "referees:policy": staff(post=True),
    "similarity:settings": staff(post=True),
    "similarity:pair": staff(post=True),
    "similarity:batch": staff(),
    # Appeals: the rejected applicant lodges; a panel member reviews (staff not on the panel may
    # see that the appeal exists, 403); the appellant and staff read the evidence.
    "appeals:lodge": only({"applicant": 200}, post=True),
    "appeals:panel_list": signed_in(),
    "appeals:panel_review": Page(allowed={}, refused={"staff": 403}, post=True, extra={"appeal_panel": 200}),
    "appeals:evidence": only({"applicant": 200, "staff": 200}),
    "appeals:staff_list": staff(),
    "appeals:staff_settings": staff(post=True),
    "appeals:staff_detail": staff(post=True),
    # API clients: the society's staff manage the society's, the alliance's reviewers the alliance's.
    "apiclients:society_list": staff(post=True),
    "apiclients:society_detail": staff(post=True),
    "apiclients:society_issue": staff_post(),
    "apiclients:society_revoke": staff_post(),
    "apiclients:alliance_list": only({"reviewer": 200}, post=True),
    "apiclients:alliance_detail": only({"reviewer": 200}, post=True),
    "apiclients:alliance_issue": post_only(("reviewer",)),
    "apiclients:alliance_revoke": post_only(("reviewer",)),
    # Units: the unit's administrators only; the staff manage the units' administrators.
    "units:home": signed_in(unit_admin=Goes("units:engineers")),
    "units:engineers": only({"unit_admin": 200}, post=True),
    "units:application": only({"unit_admin": 200}, post=True),
    "units:profile": only({"unit_admin": 200}, post=True),
    "units:roster": only({"unit_admin": 200}),
    "units:invitations": only({"unit_admin": 200}, post=True),
    "units:ask": signed_in(),
    # The invitation's link is its own credential: anyone holding it sees the invitation.
    "units:invitation": everyone(),
    "units:staff_units": staff(),
    "units:staff_admin_invite": staff_post(),
    "units:staff_admin_remove": staff_post(),
    "units:staff_admin_request_decide": staff_post(),
    "rosters:batch": staff(post=True),
    "rosters:export_unit": staff(),
    "rosters:export_all": staff_post(),
    "rosters:job": staff(),
    "rosters:job_progress": staff(),
    "rosters:job_resume": staff_post(),
    "rosters:job_download": staff(),
    "rosters:reconciliation": staff(),
    # A person's own data: what engcert keeps, its download, asking to erase it; the staff
    # handle the requests; the log of who saw an identity-document number.
    "privacy:my_data": signed_in(),
    "privacy:download": post_only(SIGNED_IN),
    "privacy:erase": post_only(SIGNED_IN),
    "privacy:cancel": post_only(("applicant",)),
    "privacy:identity_number_log": only({"staff": 200}),
    "privacy:staff_list": staff(),
    "privacy:staff_detail": staff(post=True),
    # Dashboards and deadlines.
    "dashboards:dashboard": staff(),
    "dashboards:dashboard_xlsx": staff(),
    "dashboards:batch": staff(),
    "dashboards:batch_xlsx": staff(),
    "deadlines:policy": staff(post=True),
    "deadlines:run_start": staff_post(),
    "deadlines:run": staff(),
    "deadlines:run_progress": staff(),
    "deadlines:run_resume": staff_post(),
    "deadlines:batch": staff(post=True),
}
