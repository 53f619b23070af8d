"""Every URL engcert answers refuses a POST without a CSRF token, except an explicit list of
views that take no cookie-based authority; and every form that posts carries the token."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from django.urls.resolvers import RegexPattern, RoutePattern

from engcert.accounts.models import User
from tests.conftest import PASSWORD, World, enrol_totp

REFUSED = b"refused by the CSRF check"

# Views exempt from the CSRF check, and why that is safe. The JSON API authenticates each call
# with a bearer token in the Authorization header, which a browser never adds on its own, and
# ignores the session cookie, so a forged cross-site request carries no authority.
EXEMPT_PREFIXES = {"/api/v1/": "JSON API: bearer tokens, no cookies"}

CONVERTER_VALUES = {"int": "1", "slug": "x", "str": "x", "path": "x", "uuid": str(uuid.UUID(int=1))}


def refuse(request: HttpRequest, reason: str = "") -> HttpResponse:
    return HttpResponseForbidden(REFUSED)


def _route_path(pattern: Any) -> str | None:
    if isinstance(pattern, RoutePattern):
        return re.sub(
            r"<(?:(\w+):)?\w+>", lambda m: CONVERTER_VALUES.get(m.group(1) or "str", "x"), str(pattern._route)
        )
    if isinstance(pattern, RegexPattern):
        regex = pattern._regex.lstrip("^").rstrip("$").replace("\\Z", "")
        # A named group becomes its first alternative (admin: app labels) or a digit.
        regex = re.sub(r"\(\?P<\w+>([\w-]+)(?:\|[^)]*)?\)", r"\1", regex)
        regex = re.sub(r"\(\?P<\w+>[^)]*\)", "1", regex)
        return None if re.search(r"[\\()\[\]*+?|]", regex) else regex
    return None


def _paths(patterns: list[Any], prefix: str = "/") -> Iterator[tuple[str, Any]]:
    for entry in patterns:
        piece = _route_path(entry.pattern)
        if piece is None:
            continue
        if isinstance(entry, URLResolver):
            yield from _paths(entry.url_patterns, prefix + piece)
        elif isinstance(entry, URLPattern):
            yield prefix + piece, entry.callback


def every_path() -> list[tuple[str, Any]]:
    """One address for every URL pattern, reaching that pattern's view."""
    found = []
    for path, callback in _paths(get_resolver().url_patterns):
        try:
            match = resolve(path)
        except Resolver404:
            continue
        if match.func is callback:
            found.append((path, callback))
    return found


def test_the_walk_reaches_every_area_of_engcert(db: None) -> None:
    """A guard for the test below: the walk must not silently skip most of the site."""
    prefixes = {path.split("/")[1] for path, _view in every_path()}
    assert {"accounts", "admin", "api", "applications", "staff", "examiner", "unit", "alliance"} <= prefixes
    assert len(every_path()) > 300


def test_every_view_refuses_a_post_without_a_csrf_token(world: World, settings: Any) -> None:
    settings.CSRF_FAILURE_VIEW = "tests.webpolicy.test_csrf_everywhere.refuse"
    admin = User.objects.create_superuser("root@example.com", PASSWORD)
    enrol_totp(admin)
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin)

    accepted, exempt = [], set()
    for path, view in every_path():
        response = client.post(path, {"anything": "1"})
        if (response.status_code, response.content) == (403, REFUSED):
            continue
        if path.startswith(tuple(EXEMPT_PREFIXES)) and getattr(view, "csrf_exempt", False):
            exempt.add(path.split("/")[1])
            continue
        accepted.append((path, response.status_code))

    assert accepted == []
    assert exempt == {"api"}


FORM = re.compile(r"<form\b[^>]*\bmethod=[\"']?post[\"']?[^>]*>(.*?)</form>", re.IGNORECASE | re.DOTALL)


def test_every_form_that_posts_carries_the_csrf_token() -> None:
    root = Path(__file__).resolve().parents[2] / "engcert"
    missing, forms = [], 0
    for template in sorted(root.rglob("templates/**/*.html")):
        for match in FORM.finditer(template.read_text(encoding="utf-8")):
            forms += 1
            if "{% csrf_token %}" not in match.group(1):
                missing.append(str(template.relative_to(root)))
    assert missing == []
    assert forms > 100  # the search finds the site's forms, not none
