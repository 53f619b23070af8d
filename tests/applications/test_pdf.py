"""The engineer-member application form as a PDF: content, fonts, escaping, glyph checks, access."""

from __future__ import annotations

import logging
import re
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
import weasyprint
from weasyprint.text.ffi import harfbuzz, harfbuzz_subset

from engcert.applications.domain.application import application_create
from engcert.applications.domain.eligibility import experience_compute
from engcert.applications.models import Application, PledgeSignature, Project
from engcert.applications.pdf import (
    GlyphProblem,
    MissingGlyphError,
    RefuseAllURLs,
    application_form_pdf,
    characters_without_glyph,
)
from engcert.applications.selectors import application_get_full
from tests.conftest import World

SECTION_TITLES = [
    "一、基本信息",
    "二、申请级别与专业领域",
    "三、教育经历",
    "四、工作经历",
    "五、工程项目",
    "六、能力陈述",
    "七、职称、资格、论文、专利及奖励",
    "八、国际工程师资格",
    "九、近三年继续教育",
    "十、附件清单",
    "十一、诚信承诺",
]
NOTO_FONTS = {
    ("Noto-Sans-CJK-SC", "yes", "yes"),
    ("Noto-Sans-CJK-SC-Bold", "yes", "yes"),
    ("Noto-Serif-CJK-SC", "yes", "yes"),
    ("Noto-Serif-CJK-SC-Bold", "yes", "yes"),
}


def render(application: Application) -> bytes:
    return application_form_pdf(application=application_get_full(pk=application.pk))


def pdf_pages(pdf: bytes, tmp_path: Path) -> list[str]:
    """The text of each page, as poppler's pdftotext reads it."""
    path = tmp_path / "form.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return text.split("\f")[:-1]


def pdf_fonts(pdf: bytes, tmp_path: Path) -> set[tuple[str, str, str]]:
    """(font name without the subset tag, embedded, subset) for each font pdffonts lists."""
    path = tmp_path / "fonts.pdf"
    path.write_bytes(pdf)
    lines = subprocess.run(
        ["pdffonts", str(path)], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    fonts = set()
    for line in lines[2:]:
        columns = line.split()
        name, embedded, subset = columns[0], columns[-5], columns[-4]
        fonts.add((name.split("+", 1)[-1], embedded, subset))
    return fonts


def section_titles(text: str) -> list[str]:
    # A section title is followed by its English; the pledge's numbered clauses are not.
    return re.findall(r"^([一二三四五六七八九十]+、\S+) [A-Z]", text, flags=re.MULTILINE)


def test_complete_draft_pdf_has_every_section_in_order(complete_draft: Application, tmp_path: Path) -> None:
    text = "".join(pdf_pages(render(complete_draft), tmp_path))

    assert section_titles(text) == SECTION_TITLES


def test_complete_draft_pdf_shows_name_number_and_masked_id_but_never_the_full_id(
    complete_draft: Application, tmp_path: Path
) -> None:
    pages = pdf_pages(render(complete_draft), tmp_path)
    text = "".join(pages)

    assert complete_draft.id_number_masked == "1101**********" + complete_draft.id_number[-4:]
    assert text.count(complete_draft.id_number_masked) == 1
    assert complete_draft.id_number[4:14] not in text.replace("\n", "")
    assert complete_draft.id_number not in text.replace("\n", "")
    # The name in personal data and as signed under the pledge.
    assert text.count("王伟") == 2
    # The number in the title block of page one and in the running header of every other page.
    assert complete_draft.number == f"CSEE-2026-B4-{complete_draft.pk:06d}"
    assert [page.count(complete_draft.number) for page in pages] == [1] * len(pages)


def test_pdf_footer_numbers_every_page_of_the_total(complete_draft: Application, tmp_path: Path) -> None:
    pages = pdf_pages(render(complete_draft), tmp_path)

    footers = [re.search(r"第 (\d+) 页 共 (\d+) 页", page) for page in pages]
    assert [m.groups() if m else None for m in footers] == [
        (str(n), str(len(pages))) for n in range(1, len(pages) + 1)
    ]


def test_pdf_shows_experience_computed_from_the_work_history(
    complete_draft: Application, tmp_path: Path
) -> None:
    experience = experience_compute(entries=list(complete_draft.work_entries.all()))
    text = "".join(pdf_pages(render(complete_draft), tmp_path))

    assert re.findall(r"^(\d+(?:\.\d)?) 年$", text, flags=re.MULTILINE) == [
        f"{experience.practice_years}",
        f"{experience.responsible_years}",
    ]


def test_pledge_signature_time_is_printed_in_beijing_time(
    complete_draft: Application, tmp_path: Path
) -> None:
    PledgeSignature.objects.filter(application=complete_draft).update(
        signed_at=datetime(2026, 1, 15, 17, 30, tzinfo=UTC)
    )
    text = "".join(pdf_pages(render(complete_draft), tmp_path))

    assert re.findall(r"^2026-01-1\d \d\d:\d\d$", text, flags=re.MULTILINE) == ["2026-01-16 01:30"]
    assert re.findall(r"^2021\.1$", text, flags=re.MULTILINE) == ["2021.1"]


def test_pdf_embeds_only_subset_noto_cjk_fonts(complete_draft: Application, tmp_path: Path) -> None:
    assert pdf_fonts(render(complete_draft), tmp_path) == NOTO_FONTS


def test_weasyprint_subsets_fonts_with_harfbuzz() -> None:
    # Without libharfbuzz-subset0 WeasyPrint falls back to fontTools, about 60 times slower.
    assert harfbuzz_subset is not None
    assert harfbuzz.hb_version_atleast(4, 1, 0) == 1


def test_html_and_script_in_a_project_show_literally(complete_draft: Application, tmp_path: Path) -> None:
    Project.objects.filter(application=complete_draft).update(
        name='<script>alert("x")</script>',
        scale="<b>粗体</b> & <img src=x>",
    )
    pages = pdf_pages(render(complete_draft), tmp_path)
    lines = "".join(pages).splitlines()

    assert [line for line in lines if "script" in line] == [
        '项目一：<script>alert("x")</script>',
        '项目一：<script>alert("x")</script>',
        '项目一：<script>alert("x")</script>',
        '项目一：<script>alert("x")</script>',
        '项目一：<script>alert("x")</script>',
        '项目一：<script>alert("x")</script>',
    ]
    assert [line for line in lines if "粗体" in line] == ["<b>粗体</b> & <img src=x>"]


def test_a_character_no_font_has_raises_missing_glyph_error_naming_it_and_the_field(
    complete_draft: Application,
) -> None:
    Application.objects.filter(pk=complete_draft.pk).update(full_name="王\ue000")

    with pytest.raises(MissingGlyphError) as raised:
        render(complete_draft)

    assert raised.value.problems == [
        GlyphProblem(field="full_name", label="姓名 Name", characters=("\ue000",))
    ]
    assert str(raised.value) == "No installed font can print \ue000 (U+E000) in “姓名 Name” (full_name)."


def test_every_field_with_a_missing_glyph_is_named_once(complete_draft: Application) -> None:
    Project.objects.filter(application=complete_draft).update(
        name="变电站\U00030000\U00030000", results="\ue001"
    )

    with pytest.raises(MissingGlyphError) as raised:
        render(complete_draft)

    assert raised.value.problems == [
        GlyphProblem(
            field="projects[1].name", label="工程项目 1 · 项目名称 Project name", characters=("\U00030000",)
        ),
        GlyphProblem(
            field="projects[1].results", label="工程项目 1 · 主要成果 Results", characters=("\ue001",)
        ),
        GlyphProblem(
            field="statements[1].projects", label="能力陈述 1 · 关联项目 Projects", characters=("\U00030000",)
        ),
        GlyphProblem(
            field="statements[2].projects", label="能力陈述 2 · 关联项目 Projects", characters=("\U00030000",)
        ),
        GlyphProblem(
            field="statements[3].projects", label="能力陈述 3 · 关联项目 Projects", characters=("\U00030000",)
        ),
        GlyphProblem(
            field="statements[4].projects", label="能力陈述 4 · 关联项目 Projects", characters=("\U00030000",)
        ),
        GlyphProblem(
            field="statements[5].projects", label="能力陈述 5 · 关联项目 Projects", characters=("\U00030000",)
        ),
    ]


def test_rare_name_character_beyond_the_bmp_prints_from_the_hanazono_fallback(
    complete_draft: Application, tmp_path: Path
) -> None:
    Application.objects.filter(pk=complete_draft.pk).update(full_name="王𠀀")
    pdf = render(complete_draft)

    assert characters_without_glyph("王𠀀") == []
    assert "".join(pdf_pages(pdf, tmp_path)).count("王𠀀") == 1
    # The name is printed in bold; HanaMinA has no bold face, so Pango emboldens the regular one.
    assert pdf_fonts(pdf, tmp_path) - NOTO_FONTS == {("HanaMinA-Bold", "yes", "yes")}


def test_line_breaks_tabs_and_variation_selectors_need_no_glyph() -> None:
    assert characters_without_glyph("葛\U000e0100\n\t\u200b\ufe0f中文 ABC") == []


def test_a_fresh_draft_renders_with_empty_tables_and_an_unsigned_pledge(world: World, tmp_path: Path) -> None:
    draft = application_create(batch=world.batch, applicant=world.other_applicant)
    text = "".join(pdf_pages(render(draft), tmp_path))

    assert section_titles(text) == SECTION_TITLES
    assert re.findall(r"^尚未签署诚信承诺.*$", text, flags=re.MULTILINE) == [
        "尚未签署诚信承诺 The integrity pledge has not been signed yet"
    ]


def test_the_renderer_refuses_every_external_url(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        weasyprint.HTML(
            string='<link rel="stylesheet" href="https://example.com/a.css"><img src="file:///etc/passwd">',
            url_fetcher=RefuseAllURLs(),
        ).write_pdf()

    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == [
        "Failed to load stylesheet at https://example.com/a.css: ValueError: "
        "The application form loads no external resources; refused https://example.com/a.css",
        "Failed to load image at 'file:///etc/passwd': ValueError: "
        "The application form loads no external resources; refused file:///etc/passwd",
    ]


def test_applicant_downloads_their_application_as_pdf(world: World, complete_draft: Application) -> None:
    response = world.client_for(world.applicant).get(f"/applications/{complete_draft.uid}/pdf/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="CSEE-2026-B4-{complete_draft.pk:06d}.pdf"'
    assert response.content[:5] == b"%PDF-"


@pytest.mark.parametrize("persona", ["other_applicant", "outsider"])
def test_another_applicant_or_an_outsider_gets_404_for_the_pdf(
    world: World, complete_draft: Application, persona: str
) -> None:
    response = world.client_for(getattr(world, persona)).get(f"/applications/{complete_draft.uid}/pdf/")

    assert response.status_code == 404
    assert response["Content-Type"] != "application/pdf"


def test_applicant_is_told_which_character_cannot_be_printed_instead_of_getting_a_pdf(
    world: World, complete_draft: Application
) -> None:
    Application.objects.filter(pk=complete_draft.pk).update(full_name="王\ue000")

    response = world.client_for(world.applicant).get(f"/applications/{complete_draft.uid}/pdf/")

    assert response.status_code == 422
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert re.findall(r'<ul class="missing-glyphs">\s*<li>(.*?)</li>', response.content.decode()) == [
        "<strong>姓名 Name</strong>: \ue000 (U+E000)"
    ]
