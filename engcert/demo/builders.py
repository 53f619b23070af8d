"""Building realistic organisations and applications through the domain functions.

Used by `manage.py load_demo`, by the tests' personas and by the benchmark's seeding, so all
three exercise the same code paths a person does.
"""

from __future__ import annotations

import functools
import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from engcert.accounts.models import User
from engcert.applications.domain.application import (
    application_create,
    application_pledge_sign,
    application_update,
    attachment_upload,
)
from engcert.applications.domain.sections import section_entries_save
from engcert.applications.enums import AttachmentKind, Degree, InternationalTitleKind
from engcert.applications.models import (
    Application,
    CompetencyStatement,
    CpdRecord,
    Education,
    InternationalTitle,
    Project,
    WorkEntry,
)
from engcert.batches.enums import BatchStatus
from engcert.batches.models import Batch
from engcert.frameworks.models import FrameworkVersion
from engcert.frameworks.selectors import framework_version_current
from engcert.organisations.enums import OrganisationKind, Role
from engcert.organisations.models import Discipline, EngineeringField, Membership, Organisation
from engcert.privacy.identity_documents import gb11643_check_character

# 附件2: the electrical-engineering professional scope, two levels.
ELECTRICAL_SCOPE: list[tuple[str, str, str, list[tuple[str, str]]]] = [
    ("01", "电力系统及其自动化", "Power systems and automation", []),
    ("02", "高电压与绝缘技术", "High voltage and insulation", []),
    ("03", "电机与电器", "Electrical machines and apparatus", []),
    ("04", "电力电子与电力传动", "Power electronics and drives", []),
    ("05", "电工理论与新技术", "Electrical theory and new technology", []),
    (
        "06",
        "发电",
        "Power generation",
        [
            ("火电", "Thermal power"),
            ("水电", "Hydropower"),
            ("核电", "Nuclear power"),
            ("风电", "Wind power"),
            ("太阳能", "Solar power"),
            ("其他新能源", "Other new energy"),
        ],
    ),
    ("07", "输电", "Transmission", []),
    ("08", "变电", "Substations", []),
    ("09", "配电与用电", "Distribution and utilisation", []),
    ("10", "电力调度与通信", "Dispatch and communication", []),
    ("11", "电力规划与咨询", "Planning and consulting", []),
    ("12", "电力工程建设与管理", "Power construction and management", []),
    ("13", "电力设备制造", "Power equipment manufacturing", []),
    ("14", "电力市场与经济", "Power markets and economics", []),
]


def alliance_ensure() -> Organisation:
    alliance, _ = Organisation.objects.get_or_create(
        code="cea",
        defaults={
            "kind": OrganisationKind.ALLIANCE,
            "name": "中国工程师联合体",
            "name_en": "China Engineers Alliance",
            "short_name": "CEA",
        },
    )
    return alliance


def society_create(
    *,
    code: str = "csee",
    name: str = "中国电机工程学会",
    name_en: str = "Chinese Society for Electrical Engineering",
    short_name: str = "CSEE",
) -> Organisation:
    field, _ = EngineeringField.objects.get_or_create(
        code="electrical", defaults={"name": "电气工程", "name_en": "Electrical engineering"}
    )
    society, created = Organisation.objects.get_or_create(
        code=code,
        defaults={
            "kind": OrganisationKind.SOCIETY,
            "name": name,
            "name_en": name_en,
            "short_name": short_name,
            "head_name": "张明远",
            "head_title": "理事长",
        },
    )
    society.authorised_fields.add(field)
    if created:
        for position, (dcode, dname, dname_en, children) in enumerate(ELECTRICAL_SCOPE):
            parent = Discipline.objects.create(
                society=society, code=dcode, name=dname, name_en=dname_en, position=position
            )
            for child_position, (cname, cname_en) in enumerate(children):
                Discipline.objects.create(
                    society=society,
                    parent=parent,
                    code=f"{dcode}.{child_position + 1}",
                    name=cname,
                    name_en=cname_en,
                    position=child_position,
                )
    return society


def unit_create(*, society: Organisation, code: str, name: str, name_en: str = "") -> Organisation:
    unit, _ = Organisation.objects.get_or_create(
        code=code,
        defaults={"kind": OrganisationKind.UNIT, "society": society, "name": name, "name_en": name_en},
    )
    return unit


def _password_hash(password: str) -> str:
    """Demo and test people share their password, so it is hashed once per hasher rather than
    once per person (a second each at the production work factor)."""
    return _hash_once(password, settings.PASSWORD_HASHERS[0])


@functools.cache
def _hash_once(password: str, hasher_path: str) -> str:
    return make_password(password)


def user_create(
    *,
    email: str,
    password: str,
    full_name: str = "",
    role: Role | None = None,
    organisation: Organisation | None = None,
    verified: bool = True,
) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=None, full_name=full_name)
        user.password = _password_hash(password)
        user.save(update_fields=["password"])
    if verified:
        from allauth.account.models import EmailAddress

        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
    if role is not None and organisation is not None:
        Membership.objects.get_or_create(user=user, organisation=organisation, role=role)
    return user


def batch_create(
    *,
    society: Organisation,
    code: str = "2026-b4",
    name: str = "第四批电气工程类工程会员",
    name_en: str = "Fourth batch of electrical engineering members",
    opens_at: datetime | None = None,
    closes_at: datetime | None = None,
    version: FrameworkVersion | None = None,
    published: bool = True,
) -> Batch:
    now = timezone.now()
    version = version or framework_version_current()
    assert version is not None, "the framework data migration has not run"
    batch = Batch.objects.create(
        society=society,
        code=code,
        name=name,
        name_en=name_en,
        framework_version=version,
        call_text=CALL_TEXT,
        call_text_en=CALL_TEXT_EN,
        opens_at=opens_at or now - timedelta(days=10),
        closes_at=closes_at or now + timedelta(days=30),
        roster_deadline=(closes_at or now + timedelta(days=30)) - timedelta(days=5),
        status=BatchStatus.PUBLISHED if published else BatchStatus.DRAFT,
        published_at=now if published else None,
    )
    batch.grades.set(version.grades.all())
    batch.disciplines.set(Discipline.objects.filter(society=society))
    return batch


CALL_TEXT = (
    "为贯彻落实中国工程师联合体工程能力评价工作部署，推动我国工程师资格国际互认，"
    "学会现组织开展第四批电气工程类工程会员能力评价工作。\n\n"
    "一、申请条件：遵守法律法规和职业道德，具有工程类专业学历，从事电气工程相关工作。\n"
    "二、申请方式：申请人在线注册并填写工程会员申请表，签署诚信承诺，经申报单位推荐后提交。\n"
    "三、评价程序：初审、面试考核、综合审议、公示、联合体核实与统一注册备案。\n"
    "四、证书：通过评价者颁发由学会负责人签署的证书，有效期五年。"
)
CALL_TEXT_EN = (
    "The society invites applications for the fourth batch of electrical-engineering members, "
    "evaluated against T/CAS 326-2021 for international recognition of engineering qualifications.\n\n"
    "Applicants register online, fill in the member application form, sign the integrity pledge and "
    "submit through their nominating unit. The evaluation runs through initial review, interview, "
    "committee deliberation, public notice and verification by the alliance. Certificates are valid "
    "for five years."
)

# Smallest valid files for attachments: recognised by content as PDF and PNG, and read whole by
# the upload checks (a PDF with its cross-reference table, one blank page).
TINY_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000052 00000 n \n0000000101 00000 n \n"
    b"trailer<</Size 4/Root 1 0 R>>\nstartxref\n164\n%%EOF\n"
)


def prc_id_number(*, birth: date, male: bool, region: str = "110101", sequence: int = 12) -> str:
    seq = f"{sequence:02d}{(1 if male else 2) + (sequence % 4) * 2}"[:3]
    body = f"{region}{birth:%Y%m%d}{seq}"
    return body + gb11643_check_character(body)


@dataclass(frozen=True)
class Person:
    full_name: str
    male: bool
    birth: date
    employer: str


def application_complete_draft(
    *,
    batch: Batch,
    applicant: User,
    person: Person,
    unit: Organisation,
    grade_code: str = "PE",
    years_of_practice: int = 9,
    index: int = 0,
) -> Application:
    """A draft with every section filled in, ready to submit."""
    application = application_create(batch=batch, applicant=applicant)
    grade = batch.grades.get(code=grade_code)
    discipline = batch.disciplines.filter(parent__isnull=True).order_by("position")[index % 14]
    application_update(
        application=application,
        by=applicant,
        values={
            "grade": grade,
            "discipline": discipline,
            "unit": unit,
            "full_name": person.full_name,
            "full_name_en": "",
            "gender": "M" if person.male else "F",
            "birth_date": person.birth,
            "nationality": "中国",
            "id_type": "prc_id",
            "id_number": prc_id_number(birth=person.birth, male=person.male, sequence=index % 100),
            "phone": f"138{index:08d}"[:11],
            "email": applicant.email,
            "address": "北京市西城区白广路二条1号",
            "employer": person.employer,
            "department_position": "工程技术部 高级工程师",
        },
    )
    certificate = attachment_upload(
        application=application,
        by=applicant,
        uploaded=SimpleUploadedFile("学位证书.pdf", TINY_PDF, content_type="application/pdf"),
        kind=AttachmentKind.DEGREE_CERTIFICATE,
    )
    graduated = date(person.birth.year + 22, 7, 1)
    Education.objects.create(
        application=application,
        degree=Degree.BACHELOR,
        institution="华北电力大学",
        major="电气工程及其自动化",
        start_date=date(graduated.year - 4, 9, 1),
        end_date=graduated,
        accredited=True,
        certificate=certificate,
    )
    today = timezone.localdate()
    start = date(max(graduated.year, today.year - years_of_practice), 8, 1)
    middle = date(start.year + max(1, years_of_practice // 2), 3, 1)
    referee = {
        "referee_name": "李建国",
        "referee_position": "总工程师",
        "referee_organisation": person.employer,
        "referee_email": f"referee{index}@example.com",
        "referee_phone": "13900000000",
    }
    WorkEntry.objects.create(
        application=application,
        employer=person.employer,
        department="工程技术部",
        position="助理工程师",
        start_date=start,
        end_date=middle - timedelta(days=1),
        description="变电站电气一次设计与调试。",
        **referee,
    )
    WorkEntry.objects.create(
        application=application,
        employer=person.employer,
        department="工程技术部",
        position="项目技术负责人",
        start_date=middle,
        end_date=None,
        is_responsible_charge=True,
        description="负责海外输变电工程的技术管理与现场调试。",
        **referee,
    )
    project = Project.objects.create(
        application=application,
        name=f"500千伏变电站新建工程（{index}）",
        start_date=middle,
        end_date=None,
        role="项目技术负责人",
        scale="500kV，主变容量2×1000MVA",
        responsibilities="主持电气一次、二次设计审查，组织系统调试，编制调试方案。",
        results="工程一次投运成功，获省级优质工程奖。",
        **referee,
    )
    for area in batch.framework_version.areas.all():
        statement = CompetencyStatement.objects.create(
            application=application,
            area=area,
            text=f"在{project.name}中，本人就“{area.name}”方面的工作：组织技术方案论证，分析系统运行风险，提出改进措施并落实。（{index}-{area.number}）",
        )
        statement.projects.add(project)
    CpdRecord.objects.create(
        application=application,
        activity_type="training",
        title="智能变电站技术培训",
        date=today - timedelta(days=200),
        hours=Decimal("24"),
        provider="中国电机工程学会",
    )
    application_pledge_sign(
        application=application,
        by=applicant,
        typed_name=person.full_name,
        consents=True,
        ip_address="127.0.0.1",
    )
    return application


def international_title_add(*, application: Application, by: User) -> InternationalTitle:
    """An APEC Engineer registration with its evidence; the applicant asks for simplified assessment."""
    evidence = attachment_upload(
        application=application,
        by=by,
        uploaded=SimpleUploadedFile("APEC工程师证书.pdf", TINY_PDF, content_type="application/pdf"),
        kind=AttachmentKind.INTERNATIONAL_TITLE,
        section="international",
    )
    today = timezone.localdate()
    title = InternationalTitle(
        application=application,
        kind=InternationalTitleKind.APEC,
        number="APEC-CN-2021-0137",
        issuer="中国科协APEC工程师监督委员会",
        issued_on=today.replace(year=today.year - 3),
        expires_on=today.replace(year=today.year + 2),
        evidence=evidence,
    )
    section_entries_save(application=application, by=by, save=[title])
    application_update(application=application, by=by, values={"simplified_requested": True})
    return title


def education_revise(*, application: Application, by: User) -> None:
    """The applicant's answer to a return: a clearer scan of the degree certificate."""
    certificate = attachment_upload(
        application=application,
        by=by,
        uploaded=SimpleUploadedFile("学位证书（清晰扫描件）.pdf", TINY_PDF, content_type="application/pdf"),
        kind=AttachmentKind.DEGREE_CERTIFICATE,
        section="education",
    )
    education = application.education.get()
    education.certificate = certificate
    section_entries_save(application=application, by=by, save=[education])


# Surnames and given names for demo people, with a rare character beyond the BMP in one of them.
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = [
    "伟",
    "芳",
    "娜",
    "秀英",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀兰",
    "霞",
]


def person_for(index: int, *, employer: str) -> Person:
    name = SURNAMES[index % len(SURNAMES)] + GIVEN[(index // len(SURNAMES)) % len(GIVEN)]
    return Person(
        full_name=name,
        male=index % 2 == 0,
        birth=date(1975 + index % 20, 1 + index % 12, 1 + index % 28),
        employer=employer,
    )


def tiny_png() -> bytes:
    import segno

    buffer = io.BytesIO()
    segno.make("engcert").save(buffer, kind="png")
    return buffer.getvalue()
