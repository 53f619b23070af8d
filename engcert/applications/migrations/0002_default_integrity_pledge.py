"""The alliance's default integrity pledge (诚信承诺), version 1."""

from datetime import datetime, timezone

from django.db import migrations

TEXT = (
    "本人郑重承诺：\n"
    "一、本人所填报的个人信息、学历、工作经历、工程项目、能力陈述及所附证明材料均真实、准确、完整，"
    "不存在虚假、夸大或隐瞒的情况；\n"
    "二、所述工程项目中本人承担的职责与取得的成果均为本人亲身参与完成；\n"
    "三、本人同意学会及中国工程师联合体为核实上述内容向相关单位、证明人及第三方进行调查核实；\n"
    "四、如有不实，本人愿意承担取消评价资格、撤销注册及由此产生的一切责任。"
)
TEXT_EN = (
    "I solemnly declare that:\n"
    "1. The personal data, education, work history, engineering projects, competency statements and "
    "supporting documents I submit are true, accurate and complete, with nothing false, exaggerated or withheld;\n"
    "2. The responsibilities and results I describe in the engineering projects are my own work;\n"
    "3. I consent to the society and the China Engineers Alliance verifying these statements with the "
    "organisations, referees and third parties concerned;\n"
    "4. If any statement proves untrue, I accept the cancellation of my evaluation and registration and "
    "every consequence that follows."
)


def load(apps, schema_editor):
    PledgeText = apps.get_model("applications", "PledgeText")
    PledgeText.objects.get_or_create(
        society=None,
        version="2021.1",
        defaults={"text": TEXT, "text_en": TEXT_EN, "effective_from": datetime(2021, 12, 1, tzinfo=timezone.utc)},
    )


def unload(apps, schema_editor):
    apps.get_model("applications", "PledgeText").objects.filter(society=None, version="2021.1").delete()


class Migration(migrations.Migration):
    dependencies = [("applications", "0001_application_and_sections")]
    operations = [migrations.RunPython(load, unload)]
