"""Public verification and register pages, the member's credential and consent, staff status changes."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
