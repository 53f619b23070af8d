"""Issuing certificates: staff issuance runs and lists, the member's certificates and PDF."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from engcert.certificates.views import issue_list, issue_policy, issue_runs, member

urlpatterns: list[URLPattern | URLResolver] = [
    path("staff/<slug:society>/certificates/", issue_list.staff_list, name="staff_list"),
    path("staff/<slug:society>/certificates/issue/", issue_runs.issue, name="issue"),
    path("staff/<slug:society>/certificates/issue/<int:pk>/", issue_runs.issue_run, name="issue_run"),
    path(
        "staff/<slug:society>/certificates/issue/<int:pk>/progress/",
        issue_runs.issue_run_progress,
        name="issue_run_progress",
    ),
    path(
        "staff/<slug:society>/certificates/issue/<int:pk>/resume/",
        issue_runs.issue_run_resume,
        name="issue_run_resume",
    ),
    path("staff/<slug:society>/certificates/policy/", issue_policy.policy, name="policy"),
    path("me/certificates/", member.mine, name="mine"),
    path("me/certificates/<str:number>/pdf/", member.pdf, name="pdf"),
]
