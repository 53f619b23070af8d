"""Adds the content security policy and the permissions policy to every response. Django's own
SecurityMiddleware adds Referrer-Policy, Cross-Origin-Opener-Policy and X-Content-Type-Options
(settings SECURE_REFERRER_POLICY, SECURE_CROSS_ORIGIN_OPENER_POLICY, SECURE_CONTENT_TYPE_NOSNIFF),
and XFrameOptionsMiddleware X-Frame-Options for browsers that predate frame-ancestors."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase

from engcert.webpolicy.policy import content_security_policy_header, permissions_policy_header


class BrowserPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        # Settings are read once: the header is the same for every response of this process.
        self.csp_name, self.csp_value = content_security_policy_header()
        self.permissions_policy = permissions_policy_header()

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        # A view that sets its own (stricter or page-specific) policy keeps it.
        response.headers.setdefault(self.csp_name, self.csp_value)
        response.headers.setdefault("Permissions-Policy", self.permissions_policy)
        return response
