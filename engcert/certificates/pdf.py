"""The certificate (证书) as a bilingual PDF: Chinese first, landscape A4, fonts embedded.

The fonts and the glyph check are the application form's (engcert/applications/pdf.py): Noto
CJK first, the Hanazono fonts for the extension planes where rare name characters live. Every
piece of text is checked before rendering, and a character no embedded font has stops the
certificate with an error naming it, because a certificate that prints an empty box in a
person's name must never leave the society. The QR code is drawn as inline SVG and the head's
signature is embedded as a data URI: the renderer loads nothing from anywhere else.
"""

from __future__ import annotations

import base64
import mimetypes
from dataclasses import dataclass
from datetime import date
from typing import Any

import segno
import weasyprint
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from weasyprint.urls import URLFetcher

from engcert.applications.pdf import (
    SANS_FAMILIES,
    SERIF_FAMILIES,
    GlyphProblem,
    MissingGlyphError,
    characters_without_glyph,
)
from engcert.certificates.models import Certificate, CertificatePolicy
from engcert.certificates.payload import verification_url

__all__ = [
    "CertificateTexts",
    "MissingGlyphError",
    "certificate_html",
    "certificate_pdf",
    "certificate_texts",
    "glyph_problems",
    "qr_svg",
]


@dataclass(frozen=True)
class CertificateTexts:
    """What the certificate prints, as plain strings (the template escapes them)."""

    society_name: str
    society_name_en: str
    full_name: str
    full_name_en: str
    grade: str
    grade_en: str
    grade_code: str
    discipline: str
    discipline_en: str
    number: str
    member_number: str
    valid_from: str
    valid_until: str
    issued_on: str
    head_name: str
    head_name_en: str
    head_title: str
    head_title_en: str

    def labelled(self) -> list[tuple[str, str, str]]:
        """(field, label for people, text) of every value that comes from the database."""
        labels = {
            "society_name": "学会 Society",
            "society_name_en": "学会 Society",
            "full_name": "姓名 Name",
            "full_name_en": "英文名或拼音 Name in English or pinyin",
            "grade": "级别 Grade",
            "grade_en": "级别 Grade",
            "grade_code": "级别 Grade",
            "discipline": "专业领域 Professional field",
            "discipline_en": "专业领域 Professional field",
            "number": "证书编号 Certificate number",
            "member_number": "会员编号 Member number",
            "head_name": "负责人 Head",
            "head_name_en": "负责人 Head",
            "head_title": "职务 Title",
            "head_title_en": "职务 Title",
        }
        return [(name, label, str(getattr(self, name))) for name, label in labels.items()]


def _day(value: date) -> str:
    return f"{value:%Y-%m-%d}"


def _day_zh(value: date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def certificate_texts(*, certificate: Certificate, policy: CertificatePolicy) -> CertificateTexts:
    society = certificate.society
    discipline = certificate.discipline
    parts = [d for d in ((discipline.parent, discipline) if discipline else ()) if d is not None]
    issued = certificate.valid_from
    return CertificateTexts(
        society_name=society.name,
        society_name_en=society.name_en if society.name_en != society.name else "",
        full_name=certificate.full_name,
        full_name_en=certificate.full_name_en if certificate.full_name_en != certificate.full_name else "",
        grade=certificate.grade.name,
        grade_en=certificate.grade.name_en if certificate.grade.name_en != certificate.grade.name else "",
        grade_code=certificate.grade.code,
        discipline=" / ".join(d.name for d in parts),
        discipline_en=" / ".join(d.name_en for d in parts if d.name_en),
        number=certificate.number,
        member_number=certificate.registration.member_number,
        valid_from=_day(certificate.valid_from),
        valid_until=_day(certificate.valid_until),
        issued_on=_day_zh(issued),
        head_name=policy.head_name,
        head_name_en=policy.head_name_en,
        head_title=policy.head_title,
        head_title_en=policy.head_title_en,
    )


def glyph_problems(texts: CertificateTexts) -> list[GlyphProblem]:
    problems = []
    for field, label, text in texts.labelled():
        missing = characters_without_glyph(text)
        if missing:
            problems.append(GlyphProblem(field=field, label=label, characters=tuple(missing)))
    return problems


def qr_svg(url: str) -> SafeString:
    """The QR code as inline SVG (segno writes only its own markup, no user text unescaped)."""
    code = segno.make(url, error="m", micro=False)
    return mark_safe(code.svg_inline(scale=3, border=2, dark="#111", omitsize=True))


def _signature_data_uri(policy: CertificatePolicy) -> str:
    """The head's signature as a data URI, read through the storage API; empty without one."""
    if not policy.signature_image:
        return ""
    name = policy.signature_image.name
    if not default_storage.exists(name):
        return ""
    with default_storage.open(name, "rb") as handle:
        content = handle.read()
    mime = mimetypes.guess_type(name)[0] or "image/png"
    if mime not in ("image/png", "image/jpeg", "image/gif", "image/webp"):
        return ""
    return f"data:{mime};base64,{base64.b64encode(content).decode('ascii')}"


def _font_css(families: tuple[str, ...]) -> SafeString:
    # Constants of the application form's module, never user text.
    return mark_safe(", ".join(f'"{family}"' for family in families))


def certificate_html(*, certificate: Certificate, policy: CertificatePolicy) -> str:
    """The certificate as HTML, after checking that every character in it can be printed."""
    texts = certificate_texts(certificate=certificate, policy=policy)
    problems = glyph_problems(texts)
    if problems:
        raise MissingGlyphError(problems)
    context: dict[str, Any] = {
        "t": texts,
        "qr": qr_svg(verification_url(certificate.number, certificate.qr_token)),
        "signature": _signature_data_uri(policy),
        "font_sans": _font_css(SANS_FAMILIES),
        "font_serif": _font_css(SERIF_FAMILIES),
    }
    return render_to_string("certificates/pdf/certificate.html", context)


def certificate_pdf(*, certificate: Certificate, policy: CertificatePolicy) -> bytes:
    """The unsigned PDF; raises MissingGlyphError when a character cannot be printed."""
    html = certificate_html(certificate=certificate, policy=policy)
    # Only data: URIs (the signature image) may be loaded.
    fetcher = URLFetcher(allowed_protocols=("data",))
    document = weasyprint.HTML(string=html, base_url=None, url_fetcher=fetcher)
    pdf = document.write_pdf()
    if not isinstance(pdf, bytes):  # pragma: no cover - write_pdf returns bytes without a target
        raise RuntimeError(_("The certificate could not be rendered."))
    return pdf
