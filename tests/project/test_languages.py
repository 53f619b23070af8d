"""Simplified Chinese by default, English on request, Beijing time everywhere."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings

from engcert import settings as shipped


def test_shipped_settings_speak_chinese_first_in_beijing_time():
    assert shipped.LANGUAGE_CODE == "zh-hans"
    assert [code for code, _ in shipped.LANGUAGES] == ["zh-hans", "en"]
    assert shipped.TIME_ZONE == "Asia/Shanghai"
    assert django_settings.TIME_ZONE == "Asia/Shanghai"


@pytest.mark.django_db
def test_a_visitor_without_preference_gets_the_chinese_page(client, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    html = client.get("/calls/").content.decode()
    assert '<html lang="zh-Hans">' in html
    assert "当前申报通知" in html


@pytest.mark.django_db
def test_every_page_offers_the_switch_and_english_follows_it(client, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    chinese = client.get("/calls/").content.decode()
    assert 'name="language" value="en"' in chinese
    client.post("/i18n/setlang/", {"language": "en", "next": "/calls/"})
    english = client.get("/calls/").content.decode()
    assert '<html lang="en">' in english
    assert "Open calls for applications" in english
    assert 'name="language" value="zh-hans"' in english


@pytest.mark.django_db
def test_a_browser_that_prefers_english_still_gets_chinese_until_the_switch(client, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    html = client.get("/calls/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="zh-Hans">' in html
