"""Issuing certificates: staff issuance runs and lists, the member's certificates and PDF."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
