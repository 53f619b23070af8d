"""The lookup counter per address: one cache operation per lookup, on the local cache as on
Redis (production's shared cache), starting each window with its timeout."""

from __future__ import annotations

import socket
import time

import pytest
from django.core.cache import cache

from engcert.certificates.verification import _counter_add

REDIS = ("127.0.0.1", 6379)


def _redis_listening() -> bool:
    try:
        socket.create_connection(REDIS, timeout=0.2).close()
    except OSError:
        return False
    return True


@pytest.fixture(params=["local", "redis"])
def shared_cache(request: pytest.FixtureRequest, settings) -> str:
    if request.param == "redis":
        if not _redis_listening():
            pytest.skip("no Redis on 127.0.0.1:6379")
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": "redis://127.0.0.1:6379/15",
                "KEY_PREFIX": "engcert-test-verify-throttle",
            }
        }
    cache.delete("certificates:verify:test")
    yield request.param
    cache.delete("certificates:verify:test")


def test_the_counter_starts_at_the_first_lookup_and_adds_each_weight(shared_cache: str):
    assert _counter_add("certificates:verify:test", 1, timeout=120) == 1
    assert _counter_add("certificates:verify:test", 9, timeout=120) == 10
    assert _counter_add("certificates:verify:test", 1, timeout=120) == 11
    # The cache reads back the same number (the page's other readers see the counter).
    assert cache.get("certificates:verify:test") == 11


def test_the_counter_expires_with_its_window(shared_cache: str):
    _counter_add("certificates:verify:test", 1, timeout=120)
    _counter_add("certificates:verify:test", 1, timeout=1)
    key = cache.make_and_validate_key("certificates:verify:test")
    if shared_cache == "redis":
        ttl = cache._cache.get_client(write=True).ttl(key)  # type: ignore[attr-defined]
    else:
        ttl = cache._expire_info[key] - time.time()  # type: ignore[attr-defined]
    # The window's timeout is set once, when the counter starts; later lookups keep it.
    assert 110 <= ttl <= 120
