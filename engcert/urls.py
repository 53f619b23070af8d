from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from engcert.accounts import views as account_views
from engcert.api import api

urlpatterns = [
    path("", account_views.home, name="home"),
    path("healthz", account_views.healthz, name="healthz"),
    # Certificates (public verification and register, members' and staff pages) and the JSON API
    # come first: certificate verification is what the public asks for most, and the resolver
    # tries patterns in order.
    path("", include("engcert.certificates.urls")),
    path("api/v1/", api.urls),
    # The language switch also remembers a signed-in person's choice (accounts).
    path("i18n/setlang/", account_views.set_language, name="set_language"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("allauth.urls")),
    path("calls/", include("engcert.batches.urls_public")),
    path("staff/", include("engcert.batches.urls_staff")),
    path("staff/", include("engcert.review.urls_queue")),
    path("staff/", include("engcert.review.urls_initial")),
    path("staff/", include("engcert.examiners.urls_staff")),
    path("staff/", include("engcert.scoring.urls_staff")),
    path("examiner/", include("engcert.examiners.urls_examiner")),
    path("examiner/", include("engcert.scoring.urls")),
    path("applications/", include("engcert.applications.urls")),
    path("interviews/", include("engcert.examiners.urls_applicant")),
    # Committee deliberation, public notice and the alliance's verification: each app keeps its
    # staff, member and public pages under the prefixes it names in its own urls.py.
    path("", include("engcert.committee.urls")),
    path("", include("engcert.notices.urls")),
    path("", include("engcert.registration.urls")),
    # CPD and re-registration.
    path("", include("engcert.cpd.urls")),
    path("", include("engcert.renewals.urls")),
    # Referees confirming claims, copied statements, and appeals.
    path("", include("engcert.referees.urls")),
    path("", include("engcert.similarity.urls")),
    path("", include("engcert.appeals.urls")),
    # The API's clients and their tokens (the API itself is at api/v1/, above).
    path("", include("engcert.apiclients.urls")),
    # Units and their rosters, and the staff's dashboards.
    path("", include("engcert.units.urls")),
    path("", include("engcert.rosters.urls")),
    path("", include("engcert.dashboards.urls")),
    path("", include("engcert.deadlines.urls")),
    # A person's copy of their data, erasure requests and the identity-number view log.
    path("", include("engcert.privacy.urls")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.STATIC_URL, document_root=settings.STATIC_ROOT)

# The database unreachable (a restart, a failover) answers 503 "try again", not a server error.
handler500 = "engcert.unavailable.server_error_or_unavailable"
