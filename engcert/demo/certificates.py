"""The demo's certified members: certificates in every status, CPD, a re-registration waiting for
the society, the public register, and members imported from the society's earlier list.

Everything goes through the functions the pages and commands call: certificates are issued with
`certificate_issue` (real signed PDFs), suspended and revoked by the society's staff, members of
the earlier batches imported with `members_import` from a spreadsheet made here (the same one
scripts/make-members-sample.py writes to docs/samples/), CPD logged and re-registration applied
for by the members themselves, and listings consented to by them.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.styles import Font  # type: ignore[import-untyped]
from openpyxl.utils.datetime import to_excel  # type: ignore[import-untyped]

from engcert.accounts.models import User
from engcert.applications.enums import CpdActivityType
from engcert.applications.models import Application
from engcert.certificates.domain import certificate_issue
from engcert.certificates.importing import members_import
from engcert.certificates.listing import register_listing_update
from engcert.certificates.models import Certificate
from engcert.certificates.status import certificate_revoke, certificate_suspend
from engcert.cpd.domain import ActivityValues, cpd_activity_create
from engcert.cpd.years import add_years
from engcert.demo.builders import TINY_PDF, prc_id_number, user_create
from engcert.organisations.models import Organisation
from engcert.registration.models import Registration
from engcert.renewals.domain import Declaration, renewal_submit

SAMPLE_FILE_NAME = "members-import-sample.xlsx"
SAMPLE_TITLE = "中国电机工程学会工程会员名单（第一至三批，engcert 启用前注册）"
SAMPLE_HEADERS = [
    "姓名",
    "姓名拼音",
    "证件类型",
    "证件号码",
    "会员编号",
    "证书编号",
    "级别",
    "专业领域",
    "工作单位",
    "电子邮箱",
    "手机",
    "注册日期",
    "证书有效期起",
    "证书有效期至",
    "证书状态",
    "状态原因",
    "状态变更日期",
]

SUSPENSION_REASON = "学会收到举报，称该会员申请表所列某项目的负责人另有其人；核实期间暂停其证书。"
REVOCATION_REASON = "经学会调查，该会员申请注册时提交的项目业绩材料不实，依据章程撤销其注册证书。"


@dataclass(frozen=True)
class SampleMember:
    """One earlier member; the dates are counted back from the day the sample is made."""

    name: str
    pinyin: str
    email: str
    grade: str
    discipline: str
    unit: str
    registered_days_ago: int
    birth: date
    male: bool
    status: str = ""
    status_reason: str = ""
    status_days_ago: int | None = None
    # How the dates are written: "date" (date cells), "text" (2021年3月1日), "serial" (Excel numbers).
    date_style: str = "date"


SAMPLE_MEMBERS: tuple[SampleMember, ...] = (
    # Demo logins (the accounts exist before the import, so the import finds them by email).
    SampleMember(
        "陈志强",
        "Chen Zhiqiang",
        "revoked@demo.engcert",
        "PE",
        "输电",
        "山东电力建设第三工程有限公司",
        3 * 365 + 40,
        date(1982, 4, 9),
        True,
    ),
    SampleMember(
        "刘芳",
        "Liu Fang",
        "expired@demo.engcert",
        "SPE",
        "变电",
        "中国电力工程顾问集团有限公司",
        6 * 365 + 30,
        date(1976, 8, 21),
        False,
        date_style="text",
    ),
    SampleMember(
        "赵磊",
        "Zhao Lei",
        "renewal@demo.engcert",
        "专业工程师",
        "01",
        "中国电力工程顾问集团有限公司",
        5 * 365 - 92,
        date(1984, 1, 30),
        True,
    ),
    SampleMember(
        "孙丽华",
        "Sun Lihua",
        "cpd-short@demo.engcert",
        "AE",
        "发电/风电",
        "山东电力建设第三工程有限公司",
        365 + 61,
        date(1993, 10, 5),
        False,
        date_style="serial",
    ),
    # Members who have not claimed their account yet (a password reset to their address does).
    SampleMember(
        "周建华",
        "Zhou Jianhua",
        "zhou.jianhua@demo.engcert",
        "SPE",
        "电力规划与咨询",
        "国网某省电力公司经济技术研究院",
        4 * 365 + 10,
        date(1972, 12, 2),
        True,
    ),
    SampleMember(
        "吴静",
        "Wu Jing",
        "wu.jing@demo.engcert",
        "PE",
        "高电压与绝缘技术",
        "山东电力建设第三工程有限公司",
        2 * 365 + 100,
        date(1986, 6, 14),
        False,
        status="暂停",
        status_reason="继续职业发展学时连续两年未达要求，暂停至补足学时。",
        status_days_ago=60,
    ),
    SampleMember(
        "郑伟",
        "Zheng Wei",
        "zheng.wei@demo.engcert",
        "助理工程师",
        "配电与用电",
        "中国电力工程顾问集团有限公司",
        3 * 365 + 200,
        date(1994, 3, 3),
        True,
        date_style="text",
    ),
    SampleMember(
        "黄晓明",
        "Huang Xiaoming",
        "huang.xiaoming@demo.engcert",
        "PE",
        "电力设备制造",
        "",
        4 * 365 + 150,
        date(1980, 9, 18),
        True,
        date_style="serial",
    ),
)
# The demo members whose accounts are made (with the demo password) before the import.
IMPORTED_LOGINS = (
    "revoked@demo.engcert",
    "expired@demo.engcert",
    "renewal@demo.engcert",
    "cpd-short@demo.engcert",
)


def _written(day: date, style: str) -> object:
    if style == "text":
        return f"{day.year}年{day.month}月{day.day}日"
    if style == "serial":
        return int(to_excel(day))
    return day


def sample_rows(*, today: date) -> list[list[object]]:
    """The rows of the sample file under its header, one per earlier member."""
    rows: list[list[object]] = []
    for position, member in enumerate(SAMPLE_MEMBERS, start=1):
        registered = today - timedelta(days=member.registered_days_ago)
        until = add_years(registered, 5) - timedelta(days=1)
        status_on = (
            today - timedelta(days=member.status_days_ago) if member.status_days_ago is not None else None
        )
        rows.append(
            [
                member.name,
                member.pinyin,
                "居民身份证",
                prc_id_number(birth=member.birth, male=member.male, sequence=position),
                f"CSEE-{registered.year}-{position:04d}",
                f"CSEE-ZS-{registered.year}-{position:04d}",
                member.grade,
                member.discipline,
                member.unit,
                member.email,
                f"139{position:08d}",
                _written(registered, member.date_style),
                _written(registered, member.date_style),
                _written(until, member.date_style),
                member.status,
                member.status_reason,
                status_on.isoformat() if status_on is not None else "",
            ]
        )
    return rows


def sample_workbook(*, today: date) -> bytes:
    """The society's list of earlier members as it might send it: a title line, a header row in
    Chinese, dates written in the ways people write them."""
    book = Workbook()
    sheet = book.active
    sheet.title = "会员名单"
    sheet.append([SAMPLE_TITLE])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(SAMPLE_HEADERS)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in sample_rows(today=today):
        sheet.append(row)
    for column, width in zip(
        "ABCDEFGHIJKLMNOPQ", (8, 16, 12, 22, 16, 20, 14, 18, 34, 28, 14, 16, 16, 16, 10, 40, 14), strict=True
    ):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- Loading the demo ------------------------------------------------------------------------


def _registration_of(email: str) -> Registration:
    return Registration.objects.select_related("society", "grade", "discipline", "holder").get(
        holder__email=email
    )


def _certificate_of(email: str) -> Certificate:
    return Certificate.objects.select_related("society").get(registration__holder__email=email)


def _cpd_log(*, registration: Registration, hours_by_year: list[int], today: date) -> None:
    """Activities in each registration year of the member's current term, by the member."""
    holder = registration.holder
    assert holder is not None
    start = (
        Certificate.objects.filter(registration=registration)
        .order_by("-term")
        .values_list("valid_from", flat=True)[0]
    )
    kinds = [
        (CpdActivityType.TRAINING, "特高压直流输电技术培训班", "中国电机工程学会"),
        (CpdActivityType.SEMINAR, "中国电机工程学会年会", "中国电机工程学会"),
        (CpdActivityType.PUBLISHING, "《电网技术》论文：新能源接入后的继电保护整定", "《电网技术》编辑部"),
        (CpdActivityType.LECTURING, "为新入职工程师讲授变电站调试规范", "本单位培训中心"),
    ]
    for number, hours in enumerate(hours_by_year):
        year_start = add_years(start, number)
        first, second = hours - hours // 2, hours // 2
        for offset, part in ((20, first), (150, second)):
            day = min(year_start + timedelta(days=offset), today)
            if part <= 0:
                continue
            kind, title, provider = kinds[(number + offset) % len(kinds)]
            # The first activity of each year comes with its certificate of attendance.
            evidence = (
                SimpleUploadedFile("结业证书.pdf", TINY_PDF, content_type="application/pdf")
                if offset == 20
                else None
            )
            cpd_activity_create(
                registration=registration,
                by=holder,
                values=ActivityValues(
                    activity_type=kind, date=day, hours=Decimal(part), title=title, provider=provider
                ),
                evidence=evidence,
            )


def certificates_load(
    *, society: Organisation, staff: User, password: str, registered: list[Application], today: date
) -> None:
    """Certificates for the applications the alliance registered, and the earlier members."""
    # 1. The members registered in engcert: their certificates issued (signed PDFs).
    for application in registered:
        certificate_issue(registration=Registration.objects.get(application=application), by=staff)
    certificate_suspend(
        certificate=_certificate_of("suspended@demo.engcert"), reason=SUSPENSION_REASON, by=staff
    )

    # 2. The earlier members, imported from the society's list.
    for email in IMPORTED_LOGINS:
        name = next(m.name for m in SAMPLE_MEMBERS if m.email == email)
        user_create(email=email, password=password, full_name=name)
    report = members_import(
        source=io.BytesIO(sample_workbook(today=today)), society=society, by=staff, name=SAMPLE_FILE_NAME
    )
    if report.problems:
        raise RuntimeError(
            "the demo's sample of earlier members does not import: " + "; ".join(map(str, report.problems))
        )
    certificate_revoke(
        certificate=_certificate_of("revoked@demo.engcert"), reason=REVOCATION_REASON, by=staff
    )

    # 3. CPD: one member has every year's hours and has applied to re-register; one is short this year.
    renewal = _registration_of("renewal@demo.engcert")
    _cpd_log(registration=renewal, hours_by_year=[42, 45, 40, 48, 41], today=today)
    _cpd_log(registration=_registration_of("cpd-short@demo.engcert"), hours_by_year=[44, 12], today=today)
    _cpd_log(registration=_registration_of("certified@demo.engcert"), hours_by_year=[16], today=today)
    assert renewal.holder is not None
    renewal_submit(
        registration=renewal,
        by=renewal.holder,
        declaration=Declaration(
            unit_name="中国电力工程顾问集团有限公司",
            position="华北电力设计院 变电室 主任工程师",
            phone="13900000003",
            email=renewal.holder.email,
            typed_name=renewal.full_name,
            pledge_agreed=True,
        ),
    )

    # 4. The public register: what each member agreed to show.
    for email, unit, discipline, name_en in (
        ("certified@demo.engcert", True, True, True),
        ("renewal@demo.engcert", True, True, False),
        ("cpd-short@demo.engcert", False, True, False),
        ("suspended@demo.engcert", False, False, False),
    ):
        registration = _registration_of(email)
        assert registration.holder is not None
        register_listing_update(
            registration=registration,
            listed=True,
            show_unit=unit,
            show_discipline=discipline,
            show_name_en=name_en,
            by=registration.holder,
        )


# The logins load_demo prints for these members.
LOGINS: tuple[tuple[str, str], ...] = (
    ("member, valid certificate, in the register (证书有效)", "certified@demo.engcert"),
    ("member, certificate suspended (证书暂停)", "suspended@demo.engcert"),
    ("earlier member, certificate revoked (证书撤销)", "revoked@demo.engcert"),
    ("earlier member, certificate expired (证书过期)", "expired@demo.engcert"),
    ("earlier member, re-registration waiting (再注册待审)", "renewal@demo.engcert"),
    ("earlier member, CPD short this year (学时不足)", "cpd-short@demo.engcert"),
)
