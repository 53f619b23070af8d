"""Load the default framework: T/CAS 326-2021 with its grades, five areas, IEA-mapped indicators and scale."""

from datetime import date
from decimal import Decimal

from django.db import migrations

GRADES = [
    # code, Chinese, English, position, degree, practice years, responsible years
    ("AE", "助理工程师", "Apprentice Engineer", 1, True, Decimal("0"), Decimal("0")),
    ("PE", "专业工程师", "Professional Engineer", 2, True, Decimal("4"), Decimal("0")),
    ("SPE", "资深专业工程师", "Senior Professional Engineer", 3, True, Decimal("7"), Decimal("2")),
]

AREAS = [
    (1, "工程知识与专业能力", "Engineering knowledge and professional competency", [
        ("PC1", "通用工程知识", "Universal knowledge"),
        ("PC2", "本地工程知识", "Local knowledge"),
        ("PC3", "问题分析", "Problem analysis"),
        ("PC4", "解决方案的设计与开发", "Design and development of solutions"),
        ("PC5", "评估", "Evaluation"),
    ]),
    (2, "工程伦理与职业道德", "Engineering ethics and professional conduct", [
        ("PC6", "保护社会", "Protection of society"),
        ("PC7", "法律、法规与文化", "Legal, regulatory and cultural"),
        ("PC8", "职业道德", "Ethics"),
    ]),
    (3, "团队合作与交流能力", "Teamwork and communication", [
        ("PC10", "交流与协作", "Communication and collaboration"),
    ]),
    (4, "持续发展与终身学习能力", "Continuing development and lifelong learning", [
        ("PC11", "持续职业发展与终身学习", "Continuing professional development and lifelong learning"),
    ]),
    (5, "组织领导与项目管理能力", "Leadership and project management", [
        ("PC9", "工程活动管理", "Management of engineering activities"),
        ("PC12", "判断", "Judgement"),
        ("PC13", "对决策负责", "Responsibility for decisions"),
    ]),
]

SCALE = [
    (0, "未体现", "Not shown", False),
    (1, "部分体现", "Partly shown", False),
    (2, "体现", "Shown", True),
    (3, "充分体现", "Strongly shown", True),
]


def load(apps, schema_editor):
    Framework = apps.get_model("frameworks", "Framework")
    FrameworkVersion = apps.get_model("frameworks", "FrameworkVersion")
    Grade = apps.get_model("frameworks", "Grade")
    CompetencyArea = apps.get_model("frameworks", "CompetencyArea")
    Indicator = apps.get_model("frameworks", "Indicator")
    ScaleLevel = apps.get_model("frameworks", "ScaleLevel")

    framework, _ = Framework.objects.get_or_create(
        code="T/CAS 326-2021",
        defaults={"name": "工程能力评价通用规范", "name_en": "General specification for engineering competency evaluation"},
    )
    version, created = FrameworkVersion.objects.get_or_create(
        framework=framework, version="2021", defaults={"effective_from": date(2021, 12, 1), "is_current": True}
    )
    if not created:
        return
    for code, name, name_en, position, degree, practice, responsible in GRADES:
        Grade.objects.create(
            framework_version=version, code=code, name=name, name_en=name_en, position=position,
            requires_degree=degree, min_practice_years=practice, min_responsible_years=responsible,
        )
    for number, name, name_en, indicators in AREAS:
        area = CompetencyArea.objects.create(framework_version=version, number=number, name=name, name_en=name_en)
        for position, (code, ind_name, ind_name_en) in enumerate(indicators):
            Indicator.objects.create(area=area, code=code, iea_element=code, name=ind_name, name_en=ind_name_en, position=position)
    for value, name, name_en, meets in SCALE:
        ScaleLevel.objects.create(framework_version=version, value=value, name=name, name_en=name_en, meets_requirement=meets)


def unload(apps, schema_editor):
    Framework = apps.get_model("frameworks", "Framework")
    FrameworkVersion = apps.get_model("frameworks", "FrameworkVersion")
    FrameworkVersion.objects.filter(framework__code="T/CAS 326-2021", version="2021").delete()
    Framework.objects.filter(code="T/CAS 326-2021", versions__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("frameworks", "0001_versioned_competency_framework")]
    operations = [migrations.RunPython(load, unload)]
