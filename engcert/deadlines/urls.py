from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from engcert.deadlines import views

app_name = "deadlines"
urlpatterns: list[URLPattern | URLResolver] = [
    path("staff/<slug:society>/deadlines/", views.policy, name="policy"),
    path("staff/<slug:society>/batches/<int:pk>/deadlines/", views.batch_deadlines, name="batch"),
]
