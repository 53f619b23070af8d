"""Demo data for rosters: the roster a unit sent back by email, imported, with what staff meet in
practice (a phone number changed, a person left off, a person who has not applied)."""

from __future__ import annotations

import io
from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook  # type: ignore[import-untyped]

from engcert.accounts.models import User
from engcert.batches.models import Batch
from engcert.organisations.models import Organisation
from engcert.privacy.identity_documents import gb11643_check_character
from engcert.rosters.domain.export import roster_export
from engcert.rosters.domain.jobs import roster_import_start, roster_job_execute
from engcert.rosters.models import RosterImport

NEWCOMER_BIRTH = date(1990, 5, 1)


def roster_demo_load(*, batch: Batch, unit: Organisation, by: User) -> RosterImport | None:
    """Import the unit's roster as the unit might have sent it; None if the unit has no
    submitted application in the batch."""
    workbook = load_workbook(io.BytesIO(roster_export(batch=batch, unit=unit)))
    sheet = workbook.active
    if sheet.max_row < 4:
        return None
    sheet.cell(row=3, column=16).value = "13911112222"  # the unit has a newer mobile number
    sheet.delete_rows(4)  # and forgot someone
    body = f"110101{NEWCOMER_BIRTH:%Y%m%d}001"
    grade = batch.grades.order_by("position").first()
    discipline = batch.disciplines.order_by("position").first()
    sheet.append(
        [
            sheet.max_row - 1,
            "赵新人",
            "男",
            "1990-05",
            "居民身份证",
            body + gb11643_check_character(body),
            unit.name,
            "设计部 工程师",
            "工程师",
            "本科",
            "清华大学",
            "电气工程及其自动化",
            grade.name if grade else "",
            discipline.name if discipline else "",
            "否",
            "13800000000",
            "zhao.xinren@example.com",
            "尚未在线提交",
        ]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    job = roster_import_start(
        batch=batch,
        unit=unit,
        uploaded=SimpleUploadedFile(f"{unit.name}申报名单.xlsx", buffer.getvalue()),
        only_valid=False,
        by=by,
    )
    roster_job_execute(job_id=job.pk)
    return RosterImport.objects.filter(job=job).first()
