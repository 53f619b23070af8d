from __future__ import annotations

from django.urls import URLPattern, URLResolver

app_name = "renewals"
urlpatterns: list[URLPattern | URLResolver] = []
