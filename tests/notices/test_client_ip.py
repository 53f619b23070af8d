"""The client's address that the public pages' limits count: as the sign-in limit reads it, worked
out once per process for each set of headers and settings it depends on."""

from __future__ import annotations

from unittest import mock

import pytest
from django.test import RequestFactory

from engcert.notices import throttle
from engcert.notices.throttle import client_ip


@pytest.fixture(autouse=True)
def _fresh_addresses():
    throttle._addresses.clear()
    yield
    throttle._addresses.clear()


def request(**meta: str):
    return RequestFactory().get("/verify/X/", **meta)


def test_without_a_trusted_proxy_the_connection_counts_and_forwarded_headers_do_not(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    assert client_ip(request(REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="1.1.1.1")) == "10.0.0.9"
    assert client_ip(request(REMOTE_ADDR="10.0.0.8", HTTP_X_FORWARDED_FOR="1.1.1.1")) == "10.0.0.8"


def test_behind_a_trusted_proxy_each_forwarded_address_is_its_own(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    assert client_ip(request(REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="1.1.1.1")) == "1.1.1.1"
    assert client_ip(request(REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="2.2.2.2")) == "2.2.2.2"
    assert client_ip(request(REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="9.9.9.9, 3.3.3.3")) == "3.3.3.3"


def test_a_change_of_settings_is_followed_at_once(settings):
    meta = {"REMOTE_ADDR": "10.0.0.9", "HTTP_X_FORWARDED_FOR": "1.1.1.1", "HTTP_X_REAL_IP": "4.4.4.4"}
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    assert client_ip(request(**meta)) == "10.0.0.9"
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    assert client_ip(request(**meta)) == "1.1.1.1"
    settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER = "X-Real-IP"
    assert client_ip(request(**meta)) == "4.4.4.4"
    assert client_ip(request(**{**meta, "HTTP_X_REAL_IP": "5.5.5.5"})) == "5.5.5.5"


def test_a_forwarded_header_shorter_than_the_proxy_chain_counts_the_connection(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 2
    assert client_ip(request(REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="1.1.1.1")) == "10.0.0.9"


def test_the_same_headers_are_worked_out_once(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    with mock.patch.object(throttle, "_client_ip_read", wraps=throttle._client_ip_read) as read:
        for _ in range(5):
            assert client_ip(request(REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="1.1.1.1")) == "1.1.1.1"
        assert client_ip(request(REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="2.2.2.2")) == "2.2.2.2"
    assert read.call_count == 2


def test_what_is_kept_is_bounded_whatever_headers_clients_send(settings, monkeypatch):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    monkeypatch.setattr(throttle, "MAX_ADDRESSES", 10)
    for n in range(35):
        assert client_ip(request(REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR=f"1.1.1.{n}")) == f"1.1.1.{n}"
        assert len(throttle._addresses) <= 10
