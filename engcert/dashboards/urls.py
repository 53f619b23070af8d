from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from engcert.dashboards import views

app_name = "dashboards"
urlpatterns: list[URLPattern | URLResolver] = [
    path("staff/<slug:society>/dashboard/", views.dashboard, name="dashboard"),
    path("staff/<slug:society>/dashboard/<slug:table>.xlsx", views.dashboard_xlsx, name="dashboard_xlsx"),
    path("staff/<slug:society>/batches/<int:pk>/dashboard/", views.batch_dashboard, name="batch"),
    path(
        "staff/<slug:society>/batches/<int:pk>/dashboard/<slug:table>.xlsx",
        views.batch_dashboard_xlsx,
        name="batch_xlsx",
    ),
]
