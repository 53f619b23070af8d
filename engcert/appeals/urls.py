from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from engcert.appeals.views import applicant, files, panel, staff

app_name = "appeals"
urlpatterns: list[URLPattern | URLResolver] = [
    path("appeals/apply/<uuid:uid>/", applicant.lodge, name="lodge"),
    path("appeals/panel/", panel.panel_list, name="panel_list"),
    path("appeals/<uuid:uid>/panel/", panel.panel_review, name="panel_review"),
    path("appeals/<uuid:uid>/evidence/<int:pk>/", files.evidence, name="evidence"),
    path("staff/<slug:society>/appeals/", staff.staff_list, name="staff_list"),
    path("staff/<slug:society>/appeals/settings/", staff.staff_settings, name="staff_settings"),
    path("staff/<slug:society>/appeals/<int:pk>/", staff.staff_detail, name="staff_detail"),
]
