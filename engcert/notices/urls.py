from __future__ import annotations

from django.urls import URLPattern, path  # noqa: F401

app_name = "notices"

urlpatterns: list[URLPattern] = []
