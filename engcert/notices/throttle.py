"""Counting objections per client address, in the shared cache (Redis in production)."""

from __future__ import annotations

import hashlib

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

WINDOW_SECONDS = 3600
DEFAULT_PER_WINDOW = 10


# Addresses already worked out, by what they were worked out from (see `client_ip`).
_addresses: dict[tuple[object, ...], str] = {}
MAX_ADDRESSES = 4096


def _client_ip_read(request: HttpRequest) -> str:
    try:
        return str(get_adapter(request).get_client_ip(request))
    except Exception:
        # A malformed or missing forwarding header: count the connection's own address.
        return str(request.META.get("REMOTE_ADDR", "") or "unknown")


def client_ip(request: HttpRequest) -> str:
    """The client's address as login throttling reads it (ENGCERT_TRUSTED_PROXY_COUNT proxies trusted).

    Worked out once per process for each combination of what it depends on: the two settings,
    the connection's address, X-Forwarded-For and the trusted client-address header. Reading it
    through the account adapter (the headers' mapping, the settings, the address parse) cost a
    tenth of a certificate verification, for the same few answers every time. Should the adapter
    ever read anything else, it belongs in the key."""
    meta = request.META
    header = getattr(settings, "ALLAUTH_TRUSTED_CLIENT_IP_HEADER", None)
    key = (
        header,
        getattr(settings, "ALLAUTH_TRUSTED_PROXY_COUNT", 0),
        meta.get("REMOTE_ADDR"),
        meta.get("HTTP_X_FORWARDED_FOR"),
        meta.get("HTTP_" + header.upper().replace("-", "_")) if header else None,
    )
    address = _addresses.get(key)
    if address is None:
        address = _client_ip_read(request)
        if len(_addresses) >= MAX_ADDRESSES:
            # Bounded: forwarded headers are the client's to choose.
            _addresses.clear()
        _addresses[key] = address
    return address


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
