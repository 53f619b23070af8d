"""Rendering the public verification pages fast.

The verification page is the page the public reads most, mostly from phones scanning QR codes,
each visitor once and for a different certificate, so caching whole pages would hardly ever
hit. What repeats is the page's shape: the layout around it (base.html: the same for every
anonymous visitor in a language but for the language switch's CSRF token and return address),
and the content's markup for a given status, language and set of filled-in fields. Both are
rendered once by the Django templates with markers where the visitor's or the certificate's
values go, and each response fills the markers in (HTML-escaped, in one pass). The templates
stay the one source of the markup: `tests/certificates/test_verify.py` checks that the fast page
is the page a full render makes. Signed-in visitors, and visitors with a session or pending
messages, get the full render.

Callers pass `context` with values that are few (status, flags: they select the shape) and
`fields` with the free text (names, numbers, dates: they are filled in).
"""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import escape

SHELL_TEMPLATE = "certificates/public/shell.html"
CONTENT = "__engcert_shell_content__"
MARKER = "__engcert_fill_{}__"
MARKERS = re.compile(r"__engcert_fill_(\w+)__")
# The number of shapes is bounded by the callers' context values; this only guards the memory.
MAX_SHAPES = 4096
_shells: dict[str, tuple[str, str]] = {}
_shapes: dict[tuple[Any, ...], str] = {}


class _ShellRequest:
    """What base.html reads of the request, with a marker for the visitor's own address."""

    def get_full_path(self) -> str:
        return MARKER.format("next")


def _shell(request: HttpRequest, language: str) -> tuple[str, str]:
    shell = _shells.get(language)
    if shell is None:
        context = {
            "request": _ShellRequest(),
            "title": MARKER.format("title"),
        }
        head, tail = render_to_string(SHELL_TEMPLATE, context, request=request).split(CONTENT)
        shell = _shells[language] = (head, tail)
    return shell


def _shape(
    request: HttpRequest, template: str, language: str, context: dict[str, Any], fields: dict[str, str]
) -> str:
    key = (
        template,
        language,
        tuple(sorted(context.items())),
        tuple(sorted(k for k, v in fields.items() if v)),
    )
    shape = _shapes.get(key)
    if shape is None:
        marked = {name: MARKER.format(name) if value else "" for name, value in fields.items()}
        shape = render_to_string(template, {**context, **marked}, request=request)
        if len(_shapes) >= MAX_SHAPES:
            _shapes.clear()
        _shapes[key] = shape
    return shape


def _plain_visitor(request: HttpRequest) -> bool:
    cookies = request.COOKIES
    return (
        settings.SESSION_COOKIE_NAME not in cookies
        and "messages" not in cookies
        and not request.user.is_authenticated
    )


def render_public(
    request: HttpRequest,
    *,
    page_template: str,
    content_template: str,
    context: dict[str, Any],
    fields: dict[str, str],
    title: str,
    status: int = 200,
) -> HttpResponse:
    """`page_template` (which extends base.html and includes `content_template` as its content),
    rendered fast for anonymous visitors from the layout's and the content's shapes."""
    if not _plain_visitor(request):
        return render(request, page_template, {**context, **fields, "title": title}, status=status)
    language = translation.get_language() or settings.LANGUAGE_CODE
    head, tail = _shell(request, language)
    content = _shape(request, content_template, language, context, fields)
    values = {name: str(escape(value)) for name, value in fields.items()}
    values.update(title=str(escape(title)), next=str(escape(request.get_full_path())))
    html = MARKERS.sub(lambda match: values[match.group(1)], head + content + tail)
    return HttpResponse(html, status=status)
