"""Routes that belong to the framework rather than to engcert's own views, listed with their own
expectations: allauth's sign-in, sign-up and second-factor pages, the API's document pages and
the URL names of the API's operations (whose permissions the API matrix checks by token), and
Django's admin (for superusers only)."""

from __future__ import annotations

from typing import Any

from tests.project.permission_matrix.matrix import LOGIN, Goes, Outcome

# allauth: what a visitor and a signed-in applicant (with an authenticator, no recovery codes yet)
# get. Pages for a signed-in person send a visitor to sign in; pages for signing in send a
# signed-in person home; changing the second factor asks to re-authenticate first.
REAUTHENTICATE = Goes("account_reauthenticate")
ACCOUNT_PAGES: dict[str, tuple[dict[str, Any], dict[str, Outcome]]] = {
    "account_login": ({}, {"anonymous": 200, "applicant": Goes("home")}),
    "account_logout": ({}, {"anonymous": Goes("home"), "applicant": 200}),
    "account_inactive": ({}, {"anonymous": 200, "applicant": 200}),
    "account_signup": ({}, {"anonymous": 200, "applicant": Goes("home")}),
    "account_reauthenticate": ({}, {"anonymous": LOGIN, "applicant": 200}),
    "account_email": ({}, {"anonymous": LOGIN, "applicant": 200}),
    "account_email_verification_sent": ({}, {"anonymous": 200, "applicant": 200}),
    "account_change_password": ({}, {"anonymous": LOGIN, "applicant": 200}),
    "account_set_password": ({}, {"anonymous": LOGIN, "applicant": Goes("account_change_password")}),
    "account_reset_password": ({}, {"anonymous": 200, "applicant": 200}),
    "account_confirm_login_code": ({}, {"anonymous": Goes("account_login"), "applicant": Goes("home")}),
    "account_confirm_email": ({"key": "not-a-key"}, {"anonymous": 200, "applicant": 200}),
    "account_reset_password_from_key_done": ({}, {"anonymous": 200, "applicant": 200}),
    "account_reset_password_from_key": (
        {"uidb36": "zz", "key": "not-a-key"},
        {"anonymous": 200, "applicant": 200},
    ),
    "account_reset_password_done": ({}, {"anonymous": 200, "applicant": 200}),
    "mfa_index": ({}, {"anonymous": LOGIN, "applicant": 200}),
    "mfa_authenticate": ({}, {"anonymous": Goes("account_login"), "applicant": Goes("home")}),
    "mfa_reauthenticate": ({}, {"anonymous": LOGIN, "applicant": 200}),
    "mfa_activate_totp": ({}, {"anonymous": LOGIN, "applicant": REAUTHENTICATE}),
    "mfa_deactivate_totp": ({}, {"anonymous": LOGIN, "applicant": REAUTHENTICATE}),
    "mfa_view_recovery_codes": ({}, {"anonymous": LOGIN, "applicant": 404}),
    "mfa_generate_recovery_codes": ({}, {"anonymous": LOGIN, "applicant": REAUTHENTICATE}),
    "mfa_download_recovery_codes": ({}, {"anonymous": LOGIN, "applicant": 404}),
}

# The API's pages that are not operations: its document, for everyone.
API_DOCUMENT_PAGES: dict[str, dict[str, Outcome]] = {
    "api-1:openapi-json": {"anonymous": 200, "applicant": 200},
    "api-1:openapi-view": {"anonymous": 200, "applicant": 200},
    "api-1:api-root": {"anonymous": 404, "applicant": 404},
}

# The URL name of each API operation: the API matrix checks it, by token.
API_OPERATION_ROUTES: dict[str, str] = {
    "api-1:certificate_verify": "GET /api/v1/certificates/{number}",
    "api-1:register_search": "GET /api/v1/register",
    "api-1:batch_list": "GET /api/v1/batches",
    "api-1:batch_candidates": "GET /api/v1/batches/{id}/candidates",
    "api-1:candidate_get": "GET /api/v1/candidates/{uid}",
    "api-1:registration_confirm_api": "POST /api/v1/registrations/{item}/confirm",
    "api-1:registration_return_api": "POST /api/v1/registrations/{item}/return",
}

# Django's admin: every model registered in it ("<app>.<model>"). Each has the admin's five pages
# (list, add, history, delete, change) and the redirect of its bare object URL (unnamed, so
# listed by its pattern), beside the site's own pages and its catch-all.
ADMIN_MODELS = (
    "account.emailaddress",
    "accounts.signinlock",
    "accounts.user",
    "audit.auditevent",
    "auth.group",
    "batches.batch",
    "certificates.certificate",
    "certificates.certificatepolicy",
    "certificates.issuancerun",
    "certificates.registerlisting",
    "committee.agendaitem",
    "committee.committeepolicy",
    "committee.meeting",
    "committee.recusal",
    "committee.vote",
    "django_tasks_database.dbtaskresult",
    "frameworks.competencyarea",
    "frameworks.framework",
    "frameworks.frameworkversion",
    "mfa.authenticator",
    "notices.calendarday",
    "notices.notice",
    "notices.noticepolicy",
    "organisations.discipline",
    "organisations.engineeringfield",
    "organisations.membership",
    "organisations.organisation",
    "outbox.outboxmessage",
    "privacy.deletionrequest",
    "privacy.identitynumberview",
    "registration.alliancepackage",
    "registration.numbercounter",
    "registration.packageitem",
    "registration.registration",
    "registration.registrationpolicy",
)
ADMIN_MODEL_PAGES = ("changelist", "add", "history", "delete", "change")
ADMIN_SITE_PAGES = (
    "admin:index",
    "admin:login",
    "admin:logout",
    "admin:password_change",
    "admin:password_change_done",
    "admin:autocomplete",
    "admin:jsi18n",
    "admin:view_on_site",
    "admin:app_list",
    "admin:auth_user_password_change",
    "admin/(?P<url>.*)$",
)


def admin_route_keys() -> set[str]:
    keys = set(ADMIN_SITE_PAGES)
    for label in ADMIN_MODELS:
        app, model = label.split(".")
        keys |= {f"admin:{app}_{model}_{page}" for page in ADMIN_MODEL_PAGES}
        keys.add(f"admin/{app}/{model}/<path:object_id>/")
    return keys
