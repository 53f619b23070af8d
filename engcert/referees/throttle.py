"""Counting visits to referee links per client address, in the shared cache (Redis in production),
so that nobody can try tokens by the thousand."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from engcert.notices.throttle import client_ip

WINDOW_SECONDS = 3600
DEFAULT_PER_WINDOW = 60


def referee_page_allowed(request: HttpRequest) -> bool:
    """Count one visit (page or answer) from this address; False once over the hour's limit."""
    limit = int(getattr(settings, "ENGCERT_REFEREE_PAGES_PER_IP_PER_HOUR", DEFAULT_PER_WINDOW))
    key = "referees:visits:" + hashlib.sha256(client_ip(request).encode()).hexdigest()[:32]
    cache.add(key, 0, timeout=WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:
        # The window expired between the two calls: this visit starts a new one.
        cache.set(key, 1, timeout=WINDOW_SECONDS)
        count = 1
    return count <= limit
