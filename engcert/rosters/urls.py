"""Rosters (申报名单): staff export and import them per batch and reconcile them with the applications."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from engcert.rosters import views

app_name = "rosters"
_BASE = "staff/<slug:society>/batches/<int:batch>/rosters/"
urlpatterns: list[URLPattern | URLResolver] = [
    path(_BASE, views.batch_rosters, name="batch"),
    path(_BASE + "export/<int:unit>/", views.export_unit, name="export_unit"),
    path(_BASE + "export/", views.export_all, name="export_all"),
    path(_BASE + "jobs/<int:pk>/", views.job, name="job"),
    path(_BASE + "jobs/<int:pk>/progress/", views.job_progress, name="job_progress"),
    path(_BASE + "jobs/<int:pk>/resume/", views.job_resume, name="job_resume"),
    path(_BASE + "jobs/<int:pk>/download/", views.job_download, name="job_download"),
    path(_BASE + "imports/<int:pk>/", views.reconciliation, name="reconciliation"),
]
