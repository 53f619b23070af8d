from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from engcert.deadlines import views

app_name = "deadlines"
urlpatterns: list[URLPattern | URLResolver] = [
    path("staff/<slug:society>/deadlines/", views.policy, name="policy"),
    path("staff/<slug:society>/deadlines/runs/", views.run_start, name="run_start"),
    path("staff/<slug:society>/deadlines/runs/<int:pk>/", views.run, name="run"),
    path("staff/<slug:society>/deadlines/runs/<int:pk>/progress/", views.run_progress, name="run_progress"),
    path("staff/<slug:society>/deadlines/runs/<int:pk>/resume/", views.run_resume, name="run_resume"),
    path("staff/<slug:society>/batches/<int:pk>/deadlines/", views.batch_deadlines, name="batch"),
]
