"""What every page tells the browser it may and may not do: load scripts, styles, images and
fonts only from engcert itself, never run inline code or inline styles, never be framed, send
forms only back to engcert, and use no camera, microphone or location.

The pages carry no inline <script> and no style="..." attribute (layout.css has a class for
each look a template needs), so the policy needs neither 'unsafe-inline' nor nonces."""

from __future__ import annotations

from django.conf import settings

CONTENT_SECURITY_POLICY: dict[str, tuple[str, ...]] = {
    "default-src": ("'self'",),
    "script-src": ("'self'",),
    "style-src": ("'self'",),
    # The authenticator app's QR code is an SVG given as a data: address.
    "img-src": ("'self'", "data:"),
    "font-src": ("'self'",),
    "connect-src": ("'self'",),
    "form-action": ("'self'",),
    "frame-ancestors": ("'none'",),
    "base-uri": ("'none'",),
    "object-src": ("'none'",),
}

# Features no engcert page uses; switched off so that injected content cannot ask for them.
PERMISSIONS_POLICY: dict[str, str] = {
    "camera": "()",
    "microphone": "()",
    "geolocation": "()",
    "payment": "()",
    "usb": "()",
}


def content_security_policy_header() -> tuple[str, str]:
    """The header's name (enforcing, or report-only while a deployment tries the policy out) and
    its value, with the report address when one is configured."""
    directives = [f"{name} {' '.join(sources)}" for name, sources in CONTENT_SECURITY_POLICY.items()]
    report_uri: str = settings.ENGCERT_CSP_REPORT_URI
    if report_uri:
        directives.append(f"report-uri {report_uri}")
    name = (
        "Content-Security-Policy-Report-Only"
        if settings.ENGCERT_CSP_REPORT_ONLY
        else "Content-Security-Policy"
    )
    return name, "; ".join(directives)


def permissions_policy_header() -> str:
    return ", ".join(f"{feature}={allowlist}" for feature, allowlist in PERMISSIONS_POLICY.items())
