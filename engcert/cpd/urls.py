from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from engcert.cpd.views import member, staff

app_name = "cpd"
urlpatterns: list[URLPattern | URLResolver] = [
    # The member
    path("me/cpd/", member.mine, name="mine"),
    path("me/cpd/add/", member.add, name="add"),
    path("me/cpd/<uuid:uid>/edit/", member.edit, name="edit"),
    path("me/cpd/<uuid:uid>/delete/", member.delete, name="delete"),
    path("me/cpd/<uuid:uid>/evidence/", member.evidence, name="evidence"),
    # The society's staff
    path("staff/<slug:society>/cpd/", staff.compliance, name="staff_compliance"),
    path("staff/<slug:society>/cpd/compliance.xlsx", staff.compliance_xlsx, name="staff_compliance_xlsx"),
    path("staff/<slug:society>/cpd/rule/", staff.rule, name="staff_rule"),
    path("staff/<slug:society>/cpd/audits/", staff.audits, name="staff_audits"),
    path("staff/<slug:society>/cpd/audits/<int:pk>/", staff.audit, name="staff_audit"),
    path("staff/<slug:society>/cpd/audits/members/<int:pk>/", staff.audit_member, name="staff_audit_member"),
    path("staff/<slug:society>/cpd/evidence/<uuid:uid>/", staff.evidence, name="staff_evidence"),
]
