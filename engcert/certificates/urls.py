"""Certificates: each part keeps its routes in its own module, all under the `certificates` namespace."""

from __future__ import annotations

from engcert.certificates import urls_issue, urls_public

app_name = "certificates"
urlpatterns = [*urls_issue.urlpatterns, *urls_public.urlpatterns]
