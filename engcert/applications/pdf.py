"""The engineer-member application form (工程会员申请表) as a PDF, laid out like the paper form.

Chinese labels come first with the English beside them; every table is bordered the way a
government form is. Text from the database is escaped by the template, and before anything is
rendered each of its characters is looked up in the cmaps of the fonts the stylesheet names:
a character none of them has raises `MissingGlyphError`, because a PDF that prints an empty
box in a person's name is worse than no PDF.
"""

from __future__ import annotations

import bisect
import functools
import logging
import shutil
import subprocess
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import weasyprint
from django.db import models
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from fontTools.ttLib import TTFont  # type: ignore[import-untyped]
from weasyprint.urls import URLFetcher

from engcert.applications.domain.eligibility import experience_compute
from engcert.applications.enums import (
    AchievementKind,
    ApplicationState,
    AttachmentKind,
    CpdActivityType,
    Degree,
    Gender,
    InternationalTitleKind,
)
from engcert.applications.models import Application, PledgeSignature, Project
from engcert.organisations.models import BilingualName
from engcert.privacy.identity_documents import DocumentType

logger = logging.getLogger(__name__)

BEIJING = ZoneInfo("Asia/Shanghai")

# The stylesheet's font stacks, first choice first. Noto CJK covers the BMP's Chinese; the
# Hanazono fonts (Debian fonts-hanazono) cover the extension planes that rare name characters
# such as 𠀀 (U+20000) live in. Only the first family of a stack is required.
SANS_FAMILIES = ("Noto Sans CJK SC", "HanaMinA", "HanaMinB")
SERIF_FAMILIES = ("Noto Serif CJK SC", "HanaMinA", "HanaMinB")
FONT_STACKS = (SANS_FAMILIES, SERIF_FAMILIES)
# Weights the stylesheet uses; a character must be in every weight of a family to count.
FONT_STYLES = ("regular", "bold")

# For numbering projects the way the paper form does: 项目一, 项目二, ...
CHINESE_NUMERALS = "一二三四五六七八九十"


# ---------------------------------------------------------------------------------------------
# Fonts and glyph coverage


class FontSetupError(RuntimeError):
    """The machine lacks a font the form cannot do without."""


@dataclass(frozen=True)
class GlyphProblem:
    field: str  # where the text came from, e.g. "projects[2].name"
    label: str  # the form's label for it, e.g. "工程项目 2 · 项目名称 Project name"
    characters: tuple[str, ...]

    @property
    def described_characters(self) -> str:
        return "、".join(f"{c} (U+{ord(c):04X})" for c in self.characters)


class MissingGlyphError(Exception):
    """Some text has characters that no font in the stylesheet's stacks can print."""

    def __init__(self, problems: list[GlyphProblem]) -> None:
        self.problems = problems
        super().__init__(
            "; ".join(
                _("No installed font can print %(characters)s in “%(label)s” (%(field)s).")
                % {"characters": p.described_characters, "label": p.label, "field": p.field}
                for p in problems
            )
        )


class _Coverage:
    """A font's code points as sorted, merged ranges: a few thousand pairs instead of 45,000 ints."""

    def __init__(self, code_points: Iterable[int]) -> None:
        starts: list[int] = []
        ends: list[int] = []
        for cp in sorted(code_points):
            if ends and cp == ends[-1] + 1:
                ends[-1] = cp
            else:
                starts.append(cp)
                ends.append(cp)
        self._starts = starts
        self._ends = ends

    def __contains__(self, cp: object) -> bool:
        if not isinstance(cp, int):
            return False
        i = bisect.bisect_right(self._starts, cp) - 1
        return i >= 0 and cp <= self._ends[i]


@dataclass(frozen=True)
class FontFile:
    family: str
    style: str
    path: str
    index: int


def font_file_find(*, family: str, style: str) -> FontFile | None:
    """The file fontconfig (and so Pango and WeasyPrint) uses for a family, None if not installed."""
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        raise FontSetupError("fc-match was not found; install the Debian package fontconfig")
    result = subprocess.run(  # noqa: S603 — fixed arguments, no shell
        [fc_match, "--format", "%{file}\\n%{index}\\n%{family}", f"{family}:{style}"],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    path, index, families = [*result.stdout.split("\n"), "", "", ""][:3]
    # fontconfig answers every request with its best substitute; only an exact family counts.
    if family not in [name.strip() for name in families.split(",")]:
        return None
    return FontFile(family=family, style=style, path=path, index=int(index or 0))


def _cmap(font_file: FontFile) -> set[int]:
    with TTFont(font_file.path, fontNumber=font_file.index, lazy=True) as font:
        return set(font.getBestCmap())


@functools.cache
def _family_coverage(family: str) -> _Coverage | None:
    """Code points every weight of the family has; cached for the life of the process."""
    files = [font_file_find(family=family, style=style) for style in FONT_STYLES]
    found = [f for f in files if f is not None]
    if not found:
        return None
    code_points = set.intersection(*(_cmap(f) for f in found))
    return _Coverage(code_points)


@functools.cache
def _stack_coverages(families: tuple[str, ...]) -> tuple[_Coverage, ...]:
    coverages = []
    for position, family in enumerate(families):
        coverage = _family_coverage(family)
        if coverage is not None:
            coverages.append(coverage)
        elif position == 0:
            raise FontSetupError(
                f"The font {family} is not installed; install the Debian package fonts-noto-cjk"
            )
        else:
            logger.warning("Fallback font %s is not installed; rare characters may not print", family)
    return tuple(coverages)


def _needs_glyph(character: str) -> bool:
    # Line breaks, tabs, zero-width and format characters and variation selectors print nothing.
    if unicodedata.category(character) in {"Cc", "Cf", "Zl", "Zp"}:
        return False
    cp = ord(character)
    return not (0xFE00 <= cp <= 0xFE0F or 0xE0100 <= cp <= 0xE01EF)


def characters_without_glyph(text: str) -> list[str]:
    """The distinct characters in `text` that some font stack of the form cannot print, in order."""
    stacks = [_stack_coverages(families) for families in FONT_STACKS]
    missing: list[str] = []
    for character in dict.fromkeys(text):
        if not _needs_glyph(character):
            continue
        cp = ord(character)
        if not all(any(cp in coverage for coverage in stack) for stack in stacks):
            missing.append(character)
    return missing


def _css_font_family(families: tuple[str, ...]) -> SafeString:
    # Constants of this module, never user text: safe to put into the stylesheet unescaped.
    return mark_safe(", ".join(f'"{family}"' for family in families))


# ---------------------------------------------------------------------------------------------
# What the template shows


@dataclass(frozen=True)
class Bilingual:
    zh: str
    en: str = ""  # empty when there is no English or it says the same


@dataclass
class _Texts:
    """Every piece of database text the template will print, with where it came from."""

    entries: list[tuple[str, str, str]] = field(default_factory=list)

    def __call__(self, field_name: str, label: str, value: object) -> str:
        text = "" if value is None else str(value)
        if text:
            self.entries.append((field_name, label, text))
        return text

    def bilingual(self, field_name: str, label: str, zh: str, en: str = "") -> Bilingual:
        zh = self(field_name, label, zh)
        en = self(f"{field_name}.en", label, en)
        return Bilingual(zh=zh, en="" if en == zh else en)

    def name(self, field_name: str, label: str, obj: BilingualName | None) -> Bilingual:
        if obj is None:
            return Bilingual("")
        return self.bilingual(field_name, label, obj.name, obj.name_en)

    def choice(self, field_name: str, label: str, choices: type[models.Choices], value: str) -> Bilingual:
        """A choice's label in Chinese and English, from the translation catalogues."""
        if not value:
            return Bilingual("")
        member_label: Promise | str = next((m.label for m in choices if m.value == value), value)
        with translation.override("zh-hans"):
            zh = str(member_label)
        with translation.override("en"):
            en = str(member_label)
        return self.bilingual(field_name, label, zh, en)

    def problems(self) -> list[GlyphProblem]:
        found: dict[tuple[str, str], list[str]] = {}
        for field_name, label, text in self.entries:
            missing = characters_without_glyph(text)
            if missing:
                bucket = found.setdefault((field_name.removesuffix(".en"), label), [])
                bucket.extend(c for c in missing if c not in bucket)
        return [
            GlyphProblem(field=f, label=label, characters=tuple(chars)) for (f, label), chars in found.items()
        ]


def _month(value: date | None) -> str:
    return f"{value:%Y.%m}" if value else ""


def _day(value: date | None) -> str:
    return f"{value:%Y-%m-%d}" if value else ""


@dataclass(frozen=True)
class Span:
    start: str
    end: str  # "至今" for an open end
    end_en: str = ""


def _period(start: date | None, end: date | None) -> Span:
    if end is None:
        return Span(_month(start), "至今", "present")
    return Span(_month(start), _month(end))


def _yes_no(value: bool) -> Bilingual:
    return Bilingual("是", "Yes") if value else Bilingual("否", "No")


def _beijing(value: datetime) -> str:
    return f"{timezone.localtime(value, BEIJING):%Y-%m-%d %H:%M}"


def _years(value: Decimal) -> str:
    return f"{value.normalize():f}" if value == value.to_integral() else f"{value:f}"


def _referee(t: _Texts, prefix: str, label: str, item: Any) -> dict[str, str]:
    return {
        "name": t(f"{prefix}.referee_name", f"{label} · 证明人 Referee", item.referee_name),
        "position": t(
            f"{prefix}.referee_position", f"{label} · 证明人职务 Referee's position", item.referee_position
        ),
        "organisation": t(
            f"{prefix}.referee_organisation",
            f"{label} · 证明人单位 Referee's organisation",
            item.referee_organisation,
        ),
        "phone": t(f"{prefix}.referee_phone", f"{label} · 证明人电话 Referee's phone", item.referee_phone),
        "email": t(f"{prefix}.referee_email", f"{label} · 证明人邮箱 Referee's email", item.referee_email),
    }


def _project_label(position: int) -> str:
    return f"项目{CHINESE_NUMERALS[position - 1] if position <= 10 else position}"


def application_form_context(
    *, application: Application, now: datetime | None = None
) -> tuple[dict[str, Any], _Texts]:
    """The template's context, built only from plain strings, and the texts to check for glyphs."""
    now = now or timezone.now()
    t = _Texts()
    batch = application.batch
    version = application.framework_version
    areas = {area.pk: area for area in version.areas.all()}

    projects: list[Project] = list(application.projects.all())
    project_numbers = {project.pk: position for position, project in enumerate(projects, start=1)}
    work_entries = list(application.work_entries.all())
    experience = experience_compute(entries=work_entries, today=timezone.localdate(now, BEIJING))
    pledge = PledgeSignature.objects.select_related("pledge").filter(application=application).first()
    discipline = application.discipline

    context: dict[str, Any] = {
        "font_sans": _css_font_family(SANS_FAMILIES),
        "font_serif": _css_font_family(SERIF_FAMILIES),
        "generated_at": _beijing(now),
        "society": t.name("batch.society.name", "学会 Society", batch.society),
        "batch": t.name("batch.name", "批次 Batch", batch),
        "number": t("number", "申请编号 Application number", application.number),
        "state": t.choice("state", "状态 Status", ApplicationState, application.state),
        "framework": t(
            "framework_version",
            "评价标准 Standard",
            f"{version.framework.code}《{version.framework.name}》 {version.version}",
        ),
        "person": {
            "full_name": t("full_name", "姓名 Name", application.full_name),
            "full_name_en": t(
                "full_name_en", "英文名或拼音 Name in English or pinyin", application.full_name_en
            ),
            "gender": t.choice("gender", "性别 Gender", Gender, application.gender),
            "birth_date": _day(application.birth_date),
            "nationality": t("nationality", "国籍 Nationality", application.nationality),
            "id_type": t.choice("id_type", "证件类型 Document type", DocumentType, application.id_type),
            # Only the masked number: the PDF leaves the platform, the full number must not.
            "id_number": t("id_number", "证件号码 Document number", application.id_number_masked),
            "phone": t("phone", "手机 Mobile phone", application.phone),
            "email": t("email", "电子邮箱 Email", application.email),
            "address": t("address", "通讯地址 Postal address", application.address),
            "employer": t("employer", "工作单位 Employer", application.employer),
            "department_position": t(
                "department_position", "部门及职务 Department and position", application.department_position
            ),
        },
        "choice": {
            "grade": t.name("grade", "申请级别 Grade", application.grade),
            "grade_code": t(
                "grade.code", "申请级别 Grade", application.grade.code if application.grade else ""
            ),
            "discipline": (
                t.bilingual(
                    "discipline",
                    "申请专业领域 Professional field",
                    " / ".join(d.name for d in (discipline.parent, discipline) if d is not None),
                    " / ".join(
                        d.name_en for d in (discipline.parent, discipline) if d is not None and d.name_en
                    ),
                )
                if discipline is not None
                else Bilingual("")
            ),
            "unit": t.name("unit", "申报单位 Nominating unit", application.unit),
            "simplified": _yes_no(application.simplified_requested),
            "explanation": t(
                "eligibility_explanation",
                "申请条件说明 Explanation of eligibility",
                application.eligibility_explanation,
            ),
        },
        "education": [
            {
                "period": _period(e.start_date, e.end_date),
                "institution": t(
                    f"education[{i}].institution", f"教育经历 {i} · 学校 Institution", e.institution
                ),
                "major": t(f"education[{i}].major", f"教育经历 {i} · 专业 Major", e.major),
                "degree": t.choice(
                    f"education[{i}].degree", f"教育经历 {i} · 学历学位 Degree", Degree, e.degree
                ),
                "accredited": _yes_no(e.accredited),
            }
            for i, e in enumerate(application.education.all(), start=1)
        ],
        "work": [
            {
                "period": _period(w.start_date, w.end_date),
                "employer": t(f"work_entries[{i}].employer", f"工作经历 {i} · 工作单位 Employer", w.employer),
                "department": t(
                    f"work_entries[{i}].department", f"工作经历 {i} · 部门 Department", w.department
                ),
                "position": t(f"work_entries[{i}].position", f"工作经历 {i} · 职务 Position", w.position),
                "description": t(
                    f"work_entries[{i}].description", f"工作经历 {i} · 主要职责 Duties", w.description
                ),
                "practice": _yes_no(w.is_engineering_practice),
                "responsible": _yes_no(w.is_responsible_charge),
                "referee": _referee(t, f"work_entries[{i}]", f"工作经历 {i}", w),
            }
            for i, w in enumerate(work_entries, start=1)
        ],
        "experience": {
            "practice_years": _years(experience.practice_years),
            "responsible_years": _years(experience.responsible_years),
            "as_of": _day(timezone.localdate(now, BEIJING)),
        },
        "projects": [
            {
                "label": _project_label(i),
                "name": t(f"projects[{i}].name", f"工程项目 {i} · 项目名称 Project name", p.name),
                "period": _period(p.start_date, p.end_date),
                "role": t(f"projects[{i}].role", f"工程项目 {i} · 本人角色 Role", p.role),
                "scale": t(f"projects[{i}].scale", f"工程项目 {i} · 工程规模 Scale", p.scale),
                "responsibilities": t(
                    f"projects[{i}].responsibilities",
                    f"工程项目 {i} · 本人职责 Responsibilities",
                    p.responsibilities,
                ),
                "results": t(f"projects[{i}].results", f"工程项目 {i} · 主要成果 Results", p.results),
                "referee": _referee(t, f"projects[{i}]", f"工程项目 {i}", p),
            }
            for i, p in enumerate(projects, start=1)
        ],
        "statements": [
            {
                "number": areas[s.area_id].number,
                "area": t.name(
                    f"statements[{i}].area", f"能力陈述 {i} · 能力要素 Competency area", areas[s.area_id]
                ),
                "text": t(f"statements[{i}].text", f"能力陈述 {i} · 陈述 Statement", s.text),
                "projects": [
                    {
                        "label": _project_label(project_numbers[p.pk]),
                        "name": t(f"statements[{i}].projects", f"能力陈述 {i} · 关联项目 Projects", p.name),
                    }
                    for p in sorted(s.projects.all(), key=lambda p: project_numbers.get(p.pk, 0))
                    if p.pk in project_numbers
                ],
            }
            for i, s in enumerate(
                sorted(application.statements.all(), key=lambda s: areas[s.area_id].number), start=1
            )
        ],
        "achievements": [
            {
                "kind": t.choice(f"achievements[{i}].kind", f"成果 {i} · 类别 Kind", AchievementKind, a.kind),
                "title": t(f"achievements[{i}].title", f"成果 {i} · 名称 Title", a.title),
                "issuer": t(f"achievements[{i}].issuer", f"成果 {i} · 授予或发表单位 Issuer", a.issuer),
                "date": _day(a.date),
                "reference": t(f"achievements[{i}].reference", f"成果 {i} · 编号 Reference", a.reference),
                "detail": t(f"achievements[{i}].detail", f"成果 {i} · 说明 Details", a.detail),
            }
            for i, a in enumerate(application.achievements.all(), start=1)
        ],
        "titles": [
            {
                "kind": t.choice(
                    f"international_titles[{i}].kind",
                    f"国际工程师资格 {i} · 称号 Title",
                    InternationalTitleKind,
                    x.kind,
                ),
                "other_name": t(
                    f"international_titles[{i}].other_name", f"国际工程师资格 {i} · 称号 Title", x.other_name
                ),
                "number": t(
                    f"international_titles[{i}].number", f"国际工程师资格 {i} · 注册号 Number", x.number
                ),
                "issuer": t(
                    f"international_titles[{i}].issuer", f"国际工程师资格 {i} · 颁发机构 Issuer", x.issuer
                ),
                "issued_on": _day(x.issued_on),
                "expires_on": _day(x.expires_on),
            }
            for i, x in enumerate(application.international_titles.all(), start=1)
        ],
        "cpd": [
            {
                "date": _day(c.date),
                "type": t.choice(
                    f"cpd_records[{i}].activity_type",
                    f"继续教育 {i} · 活动类型 Type",
                    CpdActivityType,
                    c.activity_type,
                ),
                "title": t(f"cpd_records[{i}].title", f"继续教育 {i} · 活动名称 Activity", c.title),
                "provider": t(f"cpd_records[{i}].provider", f"继续教育 {i} · 主办单位 Provider", c.provider),
                "hours": _years(c.hours),
            }
            for i, c in enumerate(application.cpd_records.all(), start=1)
        ],
        "cpd_hours": _years(sum((c.hours for c in application.cpd_records.all()), Decimal(0))),
        "attachments": [
            {
                "kind": t.choice(f"attachments[{i}].kind", f"附件 {i} · 类型 Kind", AttachmentKind, a.kind),
                "name": t(f"attachments[{i}].original_name", f"附件 {i} · 文件名 File name", a.original_name),
            }
            for i, a in enumerate(application.attachments.all(), start=1)
        ],
        "pledge": (
            {
                "text": t("pledge.text", "诚信承诺 Integrity pledge", pledge.pledge.text),
                "text_en": t("pledge.text_en", "诚信承诺 Integrity pledge", pledge.pledge.text_en),
                "version": t("pledge.version", "承诺书版本 Pledge version", pledge.pledge.version),
                "typed_name": t("pledge_signature.typed_name", "承诺人签名 Signed name", pledge.typed_name),
                "signed_at": _beijing(pledge.signed_at),
                "consents": _yes_no(pledge.consents_to_verification),
            }
            if pledge is not None
            else None
        ),
    }
    return context, t


# ---------------------------------------------------------------------------------------------
# Rendering


class RefuseAllURLs(URLFetcher):  # type: ignore[misc]
    """The form is self-contained: fonts come from fontconfig, styles from the template."""

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> Any:
        raise ValueError(f"The application form loads no external resources; refused {url[:200]}")


def application_form_html(*, application: Application, now: datetime | None = None) -> str:
    """The form as HTML, after checking that every character in it can be printed."""
    context, texts = application_form_context(application=application, now=now)
    problems = texts.problems()
    if problems:
        raise MissingGlyphError(problems)
    return render_to_string("applications/pdf/form.html", context)


def application_form_pdf(*, application: Application) -> bytes:
    """The engineer-member application form as an A4 PDF; raises MissingGlyphError, see above."""
    html = application_form_html(application=application)
    document = weasyprint.HTML(string=html, base_url=None, url_fetcher=RefuseAllURLs())
    pdf = document.write_pdf()
    assert isinstance(pdf, bytes)
    return pdf
