from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from engcert.accounts import views as account_views

urlpatterns = [
    path("", account_views.home, name="home"),
    path("healthz", account_views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("allauth.urls")),
    path("calls/", include("engcert.batches.urls_public")),
    path("staff/", include("engcert.batches.urls_staff")),
    path("applications/", include("engcert.applications.urls")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.STATIC_URL, document_root=settings.STATIC_ROOT)
