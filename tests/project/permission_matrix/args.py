"""How to build each route's arguments from the matrix's world, and whose page it is.

``ARGS[key](world)`` gives the keyword arguments to reverse the route with; ``OWNER[key](world)``
the applicant the page is about (the "applicant" persona for that route), when it is not the
certified member the world calls its applicant."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from engcert.accounts.models import User
from tests.project.permission_matrix.world import MatrixWorld

Args = Callable[[MatrixWorld], dict[str, Any]]


def _none(w: MatrixWorld) -> dict[str, Any]:
    return {}


def _society(w: MatrixWorld) -> dict[str, Any]:
    return {"society": w.society.code}


def _batch(w: MatrixWorld) -> dict[str, Any]:
    return {"society": w.society.code, "pk": w.batch.pk}


def _batch_as_batch(w: MatrixWorld) -> dict[str, Any]:
    return {"society": w.society.code, "batch": w.batch.pk}


def _examiner(w: MatrixWorld) -> dict[str, Any]:
    return {"society": w.society.code, "pk": w.examiner_row.pk}


def _panel(w: MatrixWorld) -> dict[str, Any]:
    return {"society": w.society.code, "pk": w.batch.pk, "uid": w.interview.uid}


def _seat(w: MatrixWorld) -> dict[str, Any]:
    return {**_panel(w), "seat": w.seat.pk}


def _interview(w: MatrixWorld) -> dict[str, Any]:
    return {**_panel(w), "interview": w.interview_row.pk}


def _staff_app(attribute: str) -> Args:
    return lambda w: {"society": w.society.code, "uid": getattr(w, attribute).uid}


def _app(attribute: str) -> Args:
    return lambda w: {"uid": getattr(w, attribute).uid}


def _meeting(w: MatrixWorld) -> dict[str, Any]:
    return {"society": w.society.code, "pk": w.meeting.pk}


def _item(w: MatrixWorld) -> dict[str, Any]:
    return {**_meeting(w), "item": w.agenda_item.pk}


def _certificate(w: MatrixWorld) -> dict[str, Any]:
    return {"number": w.certificate.number}


def _queue_export(w: MatrixWorld) -> dict[str, Any]:
    return {**_batch(w), "job": w.queue_export.pk}


def _roster_job(w: MatrixWorld) -> dict[str, Any]:
    return {**_batch_as_batch(w), "pk": w.roster_job.pk}


def _issuance(w: MatrixWorld) -> dict[str, Any]:
    return {"society": w.society.code, "pk": w.issuance_run.pk}


def _reminder_run(w: MatrixWorld) -> dict[str, Any]:
    return {"society": w.society.code, "pk": w.reminder_run.pk}


def _schedule_run(w: MatrixWorld) -> dict[str, Any]:
    return {**_batch(w), "run": w.schedule_run.pk}


def _referee_answer(w: MatrixWorld) -> dict[str, Any]:
    uid, token = w.referee_link.rstrip("/").split("/")[-2:]
    return {"uid": uid, "token": token}


ARGS: dict[str, Args] = {
    "home": _none,
    "healthz": _none,
    "set_language": _none,
    "set_language (shadowed)": _none,
    # Certificates: the public's verification, the members' own, the staff's.
    "certificates:staff_list": _society,
    "certificates:issue": _society,
    "certificates:issue_run": _issuance,
    "certificates:issue_run_progress": _issuance,
    "certificates:issue_run_resume": _issuance,
    "certificates:policy": _society,
    "certificates:mine": _none,
    "certificates:pdf": _certificate,
    "certificates:verify": _none,
    "certificates:keys": _none,
    "certificates:keys_json": _none,
    "certificates:verify_number": _certificate,
    "certificates:register": _none,
    "certificates:issuer": _society,
    "certificates:status_list": lambda w: {"society": w.society.code, "purpose": "revocation"},
    "certificates:listing": _none,
    "certificates:credential": _certificate,
    "certificates:staff_detail": lambda w: {"society": w.society.code, "number": w.certificate.number},
    # Calls and batches.
    "calls:list": _none,
    "calls:detail": lambda w: {"society": w.society.code, "code": w.batch.code},
    "staff:batches": _none,
    "staff:batches_of": _society,
    "staff:batch_new": _society,
    "staff:batch_detail": _batch,
    "staff:batch_edit": _batch,
    "staff:batch_publish": _batch,
    # The work queue and initial review.
    "queue:states": _none,
    "queue:queue": _batch,
    "queue:bulk": _batch,
    "queue:export": _queue_export,
    "queue:export_progress": _queue_export,
    "queue:export_resume": _queue_export,
    "queue:export_download": _queue_export,
    "review:application": _staff_app("submitted"),
    "review:checklist": _staff_app("submitted"),
    "review:return": _staff_app("submitted"),
    "review:reject": _staff_app("submitted"),
    "review:title_verify": lambda w: {
        "society": w.society.code,
        "uid": w.simplified.uid,
        "title_id": w.simplified.international_titles.get().pk,
    },
    "review:changes": _staff_app("submitted"),
    "review:history": _staff_app("submitted"),
    # Examiners, panels and interviews.
    "examiners:pool": _society,
    "examiners:examiner_new": _society,
    "examiners:policy": _society,
    "examiners:rooms": _society,
    "examiners:room_new": _society,
    "examiners:room_edit": lambda w: {"society": w.society.code, "pk": w.room.pk},
    "examiners:examiner": _examiner,
    "examiners:examiner_edit": _examiner,
    "examiners:examiner_active": _examiner,
    "examiners:employment_add": _examiner,
    "examiners:employment_remove": lambda w: {**_examiner(w), "item": w.employment.pk},
    "examiners:days_change": _examiner,
    "examiners:relation_add": _examiner,
    "examiners:relation_remove": lambda w: {**_examiner(w), "item": w.relation.pk},
    "examiners:batch_panels": _batch,
    "examiners:panels_fill": _batch,
    "examiners:schedule_new": _batch,
    "examiners:schedule_run": _schedule_run,
    "examiners:schedule_confirm": _schedule_run,
    "examiners:panel": _panel,
    "examiners:seat_add": _panel,
    "examiners:seat_remove": _seat,
    "examiners:seat_replace": _seat,
    "examiners:seat_chair": _seat,
    "examiners:interview_new": _panel,
    "examiners:interview_move": _interview,
    "examiners:interview_no_show": _interview,
    "scoring_staff:panels": _society,
    "scoring_staff:scores": _staff_app("interviewed"),
    "scoring_staff:agreement": _staff_app("interviewed"),
    "examiner:candidates": _none,
    "examiner:candidate": _app("interview"),
    "examiner:declare": _app("interview"),
    "examiner:file": lambda w: {
        "uid": w.interview.uid,
        "file_uid": w.interview.attachments.order_by("pk")[0].uid,
    },
    "scoring:sheet": _app("interview"),
    "scoring:agreement": _app("interview"),
    # The applicant's own pages.
    "applications:mine": _none,
    "applications:start": lambda w: {"batch_id": w.batch.pk},
    "applications:detail": _app("draft"),
    "applications:review": _app("draft"),
    "applications:submit": _app("draft"),
    "applications:withdraw": _app("draft"),
    "applications:pdf": _app("draft"),
    "applications:identity_number": _app("draft"),
    "applications:section": lambda w: {"uid": w.draft.uid, "section": "personal"},
    "applications:upload": _app("draft"),
    "applications:file": lambda w: {"uid": w.draft.uid, "file_uid": w.attachment.uid},
    "applications:file_delete": lambda w: {"uid": w.draft.uid, "file_uid": w.attachment.uid},
    "interviews:unavailable": _app("review_passed"),
    "interviews:unavailable_remove": lambda w: {"uid": w.review_passed.uid, "pk": w.unavailable.pk},
    "interviews:calendar": _app("interview"),
    # Committee.
    "committee:meetings": _society,
    "committee:policy": _society,
    "committee:meeting_new": _society,
    "committee:meeting": _meeting,
    "committee:meeting_edit": _meeting,
    "committee:attendance": _meeting,
    "committee:agenda_add": _meeting,
    "committee:meeting_close": _meeting,
    "committee:item": _item,
    "committee:item_remove": _item,
    "committee:minutes_pdf": _meeting,
    "committee:minutes_xlsx": _meeting,
    "committee:mine": _none,
    "committee:member_meeting": lambda w: {"pk": w.meeting.pk},
    "committee:member_item": lambda w: {"pk": w.meeting.pk, "item": w.agenda_item.pk},
    "committee:member_minutes_pdf": lambda w: {"pk": w.meeting.pk},
    # Public notice and objections.
    "notices:public_list": _none,
    "notices:public_detail": lambda w: {"uid": w.notice.uid},
    "notices:object": lambda w: {"uid": w.notice_entry.notice.uid, "entry": w.notice_entry.uid},
    "notices:objection_received": lambda w: {"reference": w.objection.reference},
    "notices:staff_list": _society,
    "notices:staff_policy": _society,
    "notices:staff_calendar": _society,
    "notices:staff_calendar_delete": lambda w: {"society": w.society.code, "pk": w.calendar_day.pk},
    "notices:staff_publish": _batch_as_batch,
    "notices:staff_detail": lambda w: {"society": w.society.code, "uid": w.notice.uid},
    "notices:staff_objection": lambda w: {"society": w.society.code, "uid": w.objection.uid},
    "notices:staff_objection_evidence": lambda w: {"society": w.society.code, "uid": w.objection.uid},
    # The alliance's verification, and the society's side of it.
    "registration:packages": _none,
    "registration:policy": _none,
    "registration:package": lambda w: {"pk": w.package.pk},
    "registration:confirm_selected": lambda w: {"pk": w.package.pk},
    "registration:candidate": lambda w: {"pk": w.package.pk, "uid": w.package_item.application.uid},
    "registration:society_packages": _society,
    "registration:society_send": _batch_as_batch,
    "registration:society_package": lambda w: {"society": w.society.code, "pk": w.package.pk},
    "registration:society_candidate": lambda w: {
        "society": w.society.code,
        "pk": w.package.pk,
        "uid": w.package_item.application.uid,
    },
    # CPD and renewal.
    "cpd:mine": _none,
    "cpd:add": _none,
    "cpd:edit": lambda w: {"uid": w.cpd_activity.uid},
    "cpd:delete": lambda w: {"uid": w.cpd_activity.uid},
    "cpd:evidence": lambda w: {"uid": w.cpd_activity.uid},
    "cpd:staff_compliance": _society,
    "cpd:staff_compliance_xlsx": _society,
    "cpd:staff_rule": _society,
    "cpd:staff_audits": _society,
    "cpd:staff_audit": lambda w: {"society": w.society.code, "pk": w.audit_draw.pk},
    "cpd:staff_audit_member": lambda w: {"society": w.society.code, "pk": w.audit_selection.pk},
    "cpd:staff_evidence": lambda w: {"society": w.society.code, "uid": w.cpd_activity.uid},
    "renewals:mine": _none,
    "renewals:staff_list": _society,
    "renewals:staff_detail": lambda w: {"society": w.society.code, "pk": w.renewal.pk},
    # Referees, copied statements, appeals.
    "referees:answer": _referee_answer,
    "referees:replace": lambda w: {
        "uid": w.referee_claim.request.application.uid,
        "claim_uid": w.referee_claim.uid,
    },
    "referees:ask": lambda w: {"society": w.society.code, "uid": w.referee_request.application.uid},
    "referees:bounced": lambda w: {
        "society": w.society.code,
        "uid": w.referee_request.application.uid,
        "request_uid": w.referee_request.uid,
    },
    "referees:policy": _society,
    "similarity:settings": _society,
    "similarity:pair": lambda w: {"society": w.society.code, "pk": w.similar_pair.pk},
    "similarity:batch": lambda w: {"society": w.society.code, "batch": w.batch.code},
    "appeals:lodge": _app("rejected"),
    "appeals:panel_list": _none,
    "appeals:panel_review": lambda w: {"uid": w.decided_appeal.uid},
    "appeals:evidence": lambda w: {"uid": w.appeal.uid, "pk": w.appeal_evidence.pk},
    "appeals:staff_list": _society,
    "appeals:staff_settings": _society,
    "appeals:staff_detail": lambda w: {"society": w.society.code, "pk": w.appeal.pk},
    # API clients and their tokens.
    "apiclients:society_list": _society,
    "apiclients:society_detail": lambda w: {"society": w.society.code, "pk": w.api_client.pk},
    "apiclients:society_issue": lambda w: {"society": w.society.code, "pk": w.api_client.pk},
    "apiclients:society_revoke": lambda w: {
        "society": w.society.code,
        "pk": w.api_client.pk,
        "token": w.api_token.pk,
    },
    "apiclients:alliance_list": _none,
    "apiclients:alliance_detail": lambda w: {"pk": w.alliance_api_client.pk},
    "apiclients:alliance_issue": lambda w: {"pk": w.alliance_api_client.pk},
    "apiclients:alliance_revoke": lambda w: {
        "pk": w.alliance_api_client.pk,
        "token": w.alliance_api_token.pk,
    },
    # Units and rosters.
    "units:home": _none,
    "units:engineers": lambda w: {"code": w.unit.code},
    "units:application": lambda w: {"code": w.unit.code, "uid": w.submitted.uid},
    "units:profile": lambda w: {"code": w.unit.code},
    "units:roster": lambda w: {"code": w.unit.code, "batch": w.batch.pk},
    "units:invitations": lambda w: {"code": w.unit.code},
    "units:ask": _none,
    "units:invitation": lambda w: {"token": w.admin_invitation_token},
    "units:staff_units": _society,
    "units:staff_admin_invite": lambda w: {"society": w.society.code, "unit": w.unit.code},
    "units:staff_admin_remove": lambda w: {
        "society": w.society.code,
        "unit": w.unit.code,
        "pk": w.admin_membership.pk,
    },
    "units:staff_admin_request_decide": lambda w: {"society": w.society.code, "pk": w.admin_request.pk},
    "rosters:batch": _batch_as_batch,
    "rosters:export_unit": lambda w: {**_batch_as_batch(w), "unit": w.unit.pk},
    "rosters:export_all": _batch_as_batch,
    "rosters:job": _roster_job,
    "rosters:job_progress": _roster_job,
    "rosters:job_resume": _roster_job,
    "rosters:job_download": _roster_job,
    "rosters:reconciliation": lambda w: {**_batch_as_batch(w), "pk": w.roster_import.pk},
    # A person's own data.
    "privacy:my_data": _none,
    "privacy:download": _none,
    "privacy:erase": _none,
    "privacy:cancel": lambda w: {"uid": w.deletion_request.uid},
    "privacy:identity_number_log": _app("draft"),
    "privacy:staff_list": _society,
    "privacy:staff_detail": lambda w: {"society": w.society.code, "uid": w.deletion_request.uid},
    # Dashboards and deadlines.
    "dashboards:dashboard": _society,
    "dashboards:dashboard_xlsx": lambda w: {"society": w.society.code, "table": "funnel"},
    "dashboards:batch": _batch,
    "dashboards:batch_xlsx": lambda w: {**_batch(w), "table": "funnel"},
    "deadlines:policy": _society,
    "deadlines:run_start": _society,
    "deadlines:run": _reminder_run,
    "deadlines:run_progress": _reminder_run,
    "deadlines:run_resume": _reminder_run,
    "deadlines:batch": _batch,
}


def _applicant_of(attribute: str) -> Callable[[MatrixWorld], User]:
    return lambda w: getattr(w, attribute).applicant


# Whose page it is, when not the certified member's.
OWNER: dict[str, Callable[[MatrixWorld], User]] = {
    **{
        key: _applicant_of("draft")
        for key in ARGS
        if key.startswith("applications:") and key not in ("applications:mine", "applications:start")
    },
    "interviews:unavailable": _applicant_of("review_passed"),
    "interviews:unavailable_remove": _applicant_of("review_passed"),
    "interviews:calendar": _applicant_of("interview"),
    "referees:answer": lambda w: w.referee_request.application.applicant,
    "referees:replace": lambda w: w.referee_claim.request.application.applicant,
    "appeals:lodge": _applicant_of("rejected"),
    "appeals:evidence": lambda w: w.appeal.application.applicant,
    "applications:start": lambda w: w.people["outsider"],
    "privacy:cancel": lambda w: w.deletion_request.person,
}
