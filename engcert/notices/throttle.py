"""Counting objections per client address, in the shared cache (Redis in production)."""

from __future__ import annotations

import hashlib

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

WINDOW_SECONDS = 3600
DEFAULT_PER_WINDOW = 10


def client_ip(request: HttpRequest) -> str:
    """The client's address as login throttling reads it (ENGCERT_TRUSTED_PROXY_COUNT proxies trusted)."""
    try:
        return str(get_adapter(request).get_client_ip(request))
    except Exception:
        # A malformed or missing forwarding header: count the connection's own address.
        return str(request.META.get("REMOTE_ADDR", "") or "unknown")


def objection_attempt_allowed(request: HttpRequest) -> bool:
    """Count one attempt to send an objection from this address; False once over the hour's limit."""
    limit = int(getattr(settings, "ENGCERT_OBJECTIONS_PER_IP_PER_HOUR", DEFAULT_PER_WINDOW))
    key = "notices:objection-attempts:" + hashlib.sha256(client_ip(request).encode()).hexdigest()[:32]
    cache.add(key, 0, timeout=WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:
        # The window expired between the two calls: this attempt starts a new one.
        cache.set(key, 1, timeout=WINDOW_SECONDS)
        count = 1
    return count <= limit
