from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook  # type: ignore[import-untyped]

from engcert.accounts.models import User
from engcert.applications.domain.application import application_submit
from engcert.applications.models import Application
from engcert.demo import builders
from engcert.organisations.models import Organisation
from tests.conftest import World


@pytest.fixture(autouse=True)
def _staff_read_english(request: pytest.FixtureRequest) -> None:
    """A job writes its problems in the language of the person who asked; the assertions read English."""
    if "world" in request.fixturenames:
        world: World = request.getfixturevalue("world")
        User.objects.filter(pk=world.staff.pk).update(language="en")
        world.staff.language = "en"


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADERS = [
    "序号", "姓名", "性别", "出生年月", "证件类型", "证件号码", "工作单位", "部门及职务", "专业技术职称",
    "最高学历", "毕业院校", "所学专业", "申请级别", "申请专业领域", "是否申请简化考核", "手机", "电子邮箱", "备注",
]  # fmt: skip


def submitted(
    world: World, *, index: int, unit: Organisation | None = None, name: str | None = None
) -> Application:
    """A submitted application of the world's batch, nominated by `unit` (the world's unit)."""
    unit = unit or world.unit
    applicant = builders.user_create(
        email=f"roster{index}@example.com", password="x-password-42", full_name=""
    )
    person = builders.person_for(index, employer=unit.name)
    if name:
        person = builders.Person(name, person.male, person.birth, person.employer)
    application = builders.application_complete_draft(
        batch=world.batch, applicant=applicant, person=person, unit=unit, index=index
    )
    return application_submit(application=application, by=applicant)


def row_of(application: Application, seq: int = 1) -> list[Any]:
    """The roster row a unit would type for the application."""
    birth = application.birth_date
    assert birth is not None
    return [
        seq, application.full_name, "男" if application.gender == "M" else "女", f"{birth.year}-{birth.month:02d}",
        "居民身份证", application.id_number, application.employer, application.department_position, "高级工程师",
        "本科", "华北电力大学", "电气工程及其自动化", application.grade.name if application.grade else "",
        application.discipline.name if application.discipline else "", "否", application.phone, application.email, "",
    ]  # fmt: skip


def workbook_bytes(
    rows: list[list[Any]], *, title: str = "《单位工程会员申请人员名单》", edit: Any = None
) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([title])
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    if edit is not None:
        edit(sheet)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[list[Any]], *, encoding: str = "utf-8-sig", separator: str = ",") -> bytes:
    lines = [separator.join(HEADERS)] + [
        separator.join("" if v is None else str(v) for v in row) for row in rows
    ]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def upload(data: bytes, name: str = "名单.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=XLSX)


def sheet_values(data: bytes) -> dict[str, list[list[Any]]]:
    workbook = load_workbook(io.BytesIO(data))
    return {
        sheet.title: [list(r) for r in sheet.iter_rows(values_only=True)] for sheet in workbook.worksheets
    }
