"""A newcomer goes from sign-up to a submitted application in a real browser, once in
Chinese and once in English, with a screenshot of every step."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core import mail

from engcert.applications.enums import ApplicationState
from engcert.applications.models import Application
from engcert.demo.builders import TINY_PDF, prc_id_number

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WORDS = {
    "zh-hans": {
        "register": "注册",
        "start": "开始填写申请",
        "submitted": "已收到，等待审核",
        "html_lang": "zh-Hans",
    },
    "en": {
        "register": "Register",
        "start": "Start my application",
        "submitted": "Received, waiting for review",
        "html_lang": "en",
    },
}


class Journey:
    def __init__(self, page: Any, base: str, shots: Path, language: str) -> None:
        self.page = page
        self.base = base
        self.shots = shots
        self.language = language
        self.step = 0

    def shot(self, name: str) -> None:
        self.step += 1
        self.page.screenshot(path=str(self.shots / f"{self.step:02d}-{name}.png"), full_page=True)

    def submit_main_form(self, button: str = "main form button[type=submit]") -> None:
        self.page.locator(button).last.click()
        self.page.wait_for_load_state()

    def save_and_continue(self) -> None:
        button = self.page.locator("button[name=action][value=continue]")
        if button.count():
            button.click()
        else:  # a section without a form of its own offers a plain link onwards
            self.page.locator("main a.btn", has_text="→").last.click()
        self.page.wait_for_load_state()


def _run(page: Any, live_server: Any, shots: Path, world: Any, language: str, email: str, name: str) -> None:
    words = WORDS[language]
    journey = Journey(page, live_server.url, shots, language)
    page.goto(live_server.url + "/")
    if language == "en":
        page.locator(".lang-switch button").click()
        page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == words["html_lang"]
    journey.shot("home")

    # Sign up and verify the address from the email.
    page.get_by_role("link", name=words["register"], exact=True).first.click()
    page.fill("input[name=full_name]", name)
    page.fill("input[name=email]", email)
    page.fill("input[name=password1]", "a-long-and-unusual-passphrase-2026")
    page.fill("input[name=password2]", "a-long-and-unusual-passphrase-2026")
    journey.shot("signup")
    journey.submit_main_form()
    journey.shot("verification-sent")
    message = next(m for m in mail.outbox if email in m.to)
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+", message.body)
    assert link is not None
    page.goto(link.group(0))
    journey.shot("confirm-email")
    journey.submit_main_form()

    # Open the call and start.
    page.goto(f"{live_server.url}/calls/{world.society.code}/{world.batch.code}/")
    journey.shot("call")
    page.get_by_role("button", name=words["start"]).click()
    page.wait_for_load_state()

    # Grade and field.
    page.select_option("select[name=grade]", str(world.batch.grades.get(code="PE").pk))
    page.select_option("select[name=discipline]", index=1)
    page.select_option("select[name=unit]", index=1)
    journey.shot("section-application")
    journey.save_and_continue()

    # Personal data.
    birth = date(1986, 4, 23)
    page.fill("input[name=full_name]", name)
    page.fill("input[name=full_name_en]", "Test Person")
    page.select_option("select[name=gender]", "M")
    page.fill("input[name=birth_date]", birth.isoformat())
    page.fill("input[name=nationality]", "中国")
    page.select_option("select[name=id_type]", "prc_id")
    page.fill("input[name=id_number]", prc_id_number(birth=birth, male=True, sequence=7))
    page.fill("input[name=phone]", "13912345678")
    page.fill("input[name=email]", email)
    page.fill("input[name=address]", "北京市西城区白广路二条1号")
    journey.shot("section-personal")
    journey.save_and_continue()

    # Education, with the degree certificate uploaded in the row.
    page.select_option("select[name=education-0-degree]", "bachelor")
    page.fill("input[name=education-0-institution]", "华北电力大学")
    page.fill("input[name=education-0-major]", "电气工程及其自动化")
    page.fill("input[name=education-0-start_date]", "2004-09-01")
    page.fill("input[name=education-0-end_date]", "2008-07-01")
    page.check("input[name=education-0-accredited]")
    page.set_input_files(
        "input[name=education-0-certificate_file]",
        files=[{"name": "degree.pdf", "mimeType": "application/pdf", "buffer": TINY_PDF}],
    )
    journey.shot("section-education")
    journey.save_and_continue()

    # Work history: one long position in responsible charge.
    page.fill("input[name=work-0-employer]", world.unit.name)
    page.fill("input[name=work-0-position]", "项目技术负责人")
    page.fill("input[name=work-0-start_date]", "2008-08-01")
    page.check("input[name=work-0-is_responsible_charge]")
    page.fill("textarea[name=work-0-description]", "负责输变电工程的技术管理。")
    for summary in page.locator("details:not([open]) > summary").all():
        summary.click()
    page.fill("input[name=work-0-referee_name]", "赵磊")
    page.fill("input[name=work-0-referee_position]", "总工程师")
    page.fill("input[name=work-0-referee_organisation]", world.unit.name)
    page.fill("input[name=work-0-referee_email]", "zhaolei@example.com")
    page.fill("input[name=work-0-referee_phone]", "13900000001")
    journey.shot("section-work")
    journey.save_and_continue()

    # One engineering project with a person who can confirm it.
    page.fill("input[name=projects-0-name]", "500千伏变电站新建工程")
    page.fill("input[name=projects-0-start_date]", "2015-03-01")
    page.fill("input[name=projects-0-end_date]", "2017-12-31")
    page.fill("input[name=projects-0-role]", "项目技术负责人")
    page.fill("input[name=projects-0-scale]", "500kV，2×1000MVA")
    page.fill("textarea[name=projects-0-responsibilities]", "主持电气设计审查并组织系统调试。")
    page.fill("textarea[name=projects-0-results]", "工程一次投运成功。")
    for summary in page.locator("details:not([open]) > summary").all():
        summary.click()
    page.fill("input[name=projects-0-referee_name]", "李建国")
    page.fill("input[name=projects-0-referee_position]", "设计院院长")
    page.fill("input[name=projects-0-referee_organisation]", "华北电力设计院")
    page.fill("input[name=projects-0-referee_email]", "referee@example.com")
    page.fill("input[name=projects-0-referee_phone]", "13900000000")
    journey.shot("section-projects")
    journey.save_and_continue()

    # A statement for every competency area, each linked to the project.
    for number in range(1, 6):
        page.fill(
            f"textarea[name=area_{number}]",
            f"在500千伏变电站工程中，本人在第{number}项能力要素方面承担了技术论证、风险分析与方案落实工作，并总结了经验。",
        )
        page.locator(f"input[name=area_{number}_projects]").first.check()
    journey.shot("section-competency")
    journey.save_and_continue()

    # Optional sections: titles, international titles, CPD, attachments.
    for section in ("achievements", "international", "cpd", "attachments"):
        assert f"/edit/{section}/" in page.url
        journey.shot(f"section-{section}")
        journey.save_and_continue()

    # The integrity pledge.
    assert "/edit/pledge/" in page.url
    page.fill("input[name=typed_name]", name)
    page.check("input[name=consents]")
    journey.shot("section-pledge")
    journey.save_and_continue()

    # Review and submit.
    if "/review/" not in page.url:
        page.goto(page.url.split("/edit/")[0] + "/review/")
    journey.shot("review")
    page.locator("form[action$='/submit/'] button[type=submit]").click()
    page.wait_for_load_state()
    journey.shot("submitted")
    assert words["submitted"] in page.locator("main").inner_text()

    application = Application.objects.get(applicant__email=email)
    assert application.state == ApplicationState.SUBMITTED
    assert application.full_name == name


@pytest.fixture(autouse=True)
def _shipped_default_language(settings: Any) -> None:
    settings.LANGUAGE_CODE = "zh-hans"  # Chinese until the switch is used


def test_a_newcomer_signs_up_and_submits_in_chinese(page, live_server, shots, world):
    _run(page, live_server, shots, world, "zh-hans", "newcomer-zh@example.com", "欧阳𠀀明")


def test_a_newcomer_signs_up_and_submits_in_english(page, live_server, shots, world):
    _run(page, live_server, shots, world, "en", "newcomer-en@example.com", "张伟")
