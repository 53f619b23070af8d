"""Appeals in the demo: one waiting for its panel, one decided (sent back to initial review), each
on a candidate rejected at initial review, through the functions candidates and staff use."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from engcert.accounts.models import User
from engcert.appeals.domain import appeal_decide, appeal_lodge, appeal_panel_assign, appeal_view_record
from engcert.appeals.enums import SendBackStage, View
from engcert.applications.domain.application import application_submit
from engcert.batches.models import Batch
from engcert.demo import builders
from engcert.organisations.enums import Role
from engcert.organisations.models import Organisation
from engcert.review.domain import initial_review_reject

STATEMENTS = [
    "初审认为我的工程实践年限不足。我在2016年至2020年间在海外电站项目担任调试负责人，单位证明已附上，请复核。",
    "初审认为学历证明不清晰。我已重新扫描学位证书并附上学信网认证报告，请予复核。",
]
PANEL = [
    ("appeal-panel1@demo.engcert", "邓公正（申诉评议）"),
    ("appeal-panel2@demo.engcert", "韩明理（申诉评议）"),
    ("appeal-panel3@demo.engcert", "秦守正（申诉评议）"),
]

# The demo logins this adds, for the list the command prints.
LOGINS: list[tuple[str, str]] = [
    ("applicant, appeal waiting for a panel (申诉待组庭)", "appeal-waiting@demo.engcert"),
    ("applicant, appeal decided: back to initial review (申诉已决定)", "appeal-decided@demo.engcert"),
    ("appeal panel member (申诉评议人) *", PANEL[0][0]),
]


def appeals_demo_load(
    *, batch: Batch, unit: Organisation, staff: User, password: str
) -> list[tuple[str, str]]:
    """Two candidates rejected at initial review who appealed: the first waits for a panel, the
    second's panel of three (new staff of the society) sent the file back to initial review.
    Returns the logins to print, ``(what, email)``."""
    society = batch.society
    appellants = []
    for position, (label, statement) in enumerate(
        zip(("appeal-waiting", "appeal-decided"), STATEMENTS, strict=True)
    ):
        person = builders.person_for(90 + position, employer=unit.name)
        user = builders.user_create(
            email=f"{label}@demo.engcert", password=password, full_name=person.full_name
        )
        application = builders.application_complete_draft(
            batch=batch, applicant=user, person=person, unit=unit, index=90 + position
        )
        application_submit(application=application, by=user)
        initial_review_reject(application=application, by=staff, reason="工作年限不满足申请级别要求。")
        application.refresh_from_db()
        appellants.append(
            appeal_lodge(
                application=application,
                by=user,
                statement=statement,
                files=[SimpleUploadedFile("单位证明.pdf", builders.TINY_PDF, content_type="application/pdf")],
                now=timezone.now(),
            )
        )
    panel = [
        builders.user_create(
            email=email, password=password, full_name=name, role=Role.STAFF, organisation=society
        )
        for email, name in PANEL
    ]
    decided = appellants[1]
    appeal_panel_assign(appeal=decided, members=panel, by=staff)
    reasons = [
        "学位证书复印件清晰，学信网报告可核验，初审应重新核对。",
        "补充材料足以支持复核，建议退回初审。",
        "材料已补正，同意退回初审重新审查。",
    ]
    for member, reason in zip(panel, reasons, strict=True):
        appeal_view_record(
            appeal=decided,
            by=member,
            view=View.SEND_BACK,
            send_back_to=SendBackStage.INITIAL_REVIEW,
            comment=reason,
        )
    appeal_decide(
        appeal=decided,
        by=staff,
        outcome=View.SEND_BACK,
        send_back_to=SendBackStage.INITIAL_REVIEW,
        reason="评议组一致认为补充的学位材料可以核验，退回初审重新审查。",
    )
    return LOGINS
