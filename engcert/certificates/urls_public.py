"""Public verification and register pages, the member's credential and consent, staff status changes."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from engcert.certificates.views import credential, listing, public, status

urlpatterns: list[URLPattern | URLResolver] = [
    path("verify/", public.verify, name="verify"),
    # Before verify/<number>/: "keys" is not a certificate number.
    path("verify/keys/", public.keys, name="keys"),
    path("verify/keys.json", public.keys_json, name="keys_json"),
    # The QR codes' address (payload.VERIFY_PATH): it must stay exactly /verify/<number>/.
    path("verify/<str:number>/", public.verify_number, name="verify_number"),
    path("register/", listing.register, name="register"),
    path("credentials/issuers/<slug:society>/", public.issuer, name="issuer"),
    path("credentials/status/<slug:society>/<str:purpose>/", public.status_list, name="status_list"),
    path("me/register-listing/", listing.listing, name="listing"),
    path("me/certificates/<str:number>/credential.json", credential.credential, name="credential"),
    path("staff/<slug:society>/certificates/<str:number>/", status.staff_detail, name="staff_detail"),
]
