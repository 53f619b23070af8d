from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from engcert.similarity.views import staff

app_name = "similarity"
urlpatterns: list[URLPattern | URLResolver] = [
    path("staff/<slug:society>/similarity/settings/", staff.settings_edit, name="settings"),
    path("staff/<slug:society>/similarity/pairs/<int:pk>/", staff.pair_detail, name="pair"),
    path("staff/<slug:society>/similarity/batches/<slug:batch>/", staff.batch_pairs, name="batch"),
]
