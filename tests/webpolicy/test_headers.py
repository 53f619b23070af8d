"""Every response carries the content security policy and the other browser policies: public
pages, sign-in, each role's pages, errors, the API and its documentation."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import World

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)
PERMISSIONS = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

PUBLIC_PATHS = [
    "/",
    "/calls/",
    "/notices/",
    "/verify/",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/healthz",
    "/api/v1/openapi.json",
    "/api/v1/docs",
    "/no-such-page/",
]
ROLE_PAGES = [
    ("applicant", "/applications/"),
    ("unit_admin", "/unit/"),
    ("staff", "/staff/"),
    ("examiner", "/examiner/"),
    ("committee", "/committee/"),
    ("reviewer", "/alliance/"),
]


def _policies(response: object) -> dict[str, str | None]:
    headers = response.headers  # type: ignore[attr-defined]
    return {
        name: headers.get(name)
        for name in (
            "Content-Security-Policy",
            "Permissions-Policy",
            "Referrer-Policy",
            "Cross-Origin-Opener-Policy",
            "X-Content-Type-Options",
            "X-Frame-Options",
        )
    }


EXPECTED = {
    "Content-Security-Policy": CSP,
    "Permissions-Policy": PERMISSIONS,
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}


@pytest.mark.parametrize("path", PUBLIC_PATHS)
def test_public_responses_carry_every_browser_policy(db: None, path: str) -> None:
    response = Client().get(path)

    assert response.status_code in {200, 404}
    assert _policies(response) == EXPECTED


@pytest.mark.parametrize(("persona", "path"), ROLE_PAGES)
def test_each_roles_pages_carry_every_browser_policy(world: World, persona: str, path: str) -> None:
    response = world.client_for(getattr(world, persona)).get(path, follow=True)

    assert response.status_code == 200
    assert _policies(response) == EXPECTED


def test_a_refused_form_post_carries_the_policy_too(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.applicant)

    response = client.post(reverse("account_logout"))

    assert (response.status_code, _policies(response)) == (403, EXPECTED)


def test_report_only_mode_sends_the_same_policy_under_the_report_only_header(
    db: None, settings: object
) -> None:
    settings.ENGCERT_CSP_REPORT_ONLY = True  # type: ignore[attr-defined]
    settings.ENGCERT_CSP_REPORT_URI = "/csp-reports/"  # type: ignore[attr-defined]

    response = Client().get("/")

    assert "Content-Security-Policy" not in response.headers
    assert response.headers["Content-Security-Policy-Report-Only"] == CSP + "; report-uri /csp-reports/"


def test_no_page_template_writes_an_inline_style_or_script() -> None:
    """The policy refuses style="..." attributes, inline <script> and event-handler attributes;
    the templates browsers render (not the PDFs' templates, which WeasyPrint reads) carry none."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "engcert"
    forbidden = re.compile(
        r"""\sstyle=|\son[a-z]+=["']|<script(?![^>]*\bsrc=)(?![^>]*type="application/json")"""
    )
    offenders = [
        f"{path.relative_to(root)}:{number}"
        for path in sorted(root.rglob("*.html"))
        if "/pdf/" not in path.as_posix()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if forbidden.search(line)
    ]
    assert offenders == []
