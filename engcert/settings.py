"""Django settings for engcert. Every tunable value comes from the environment (see env.py)."""

from __future__ import annotations

from pathlib import Path

from engcert.env import env_bool, env_int, env_list, env_path, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = env_path("ENGCERT_DATA_DIR", BASE_DIR / "var")
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("ENGCERT_DEBUG", False)
SECRET_KEY = env_str("ENGCERT_SECRET_KEY", "")
# Production sets ENGCERT_REQUIRE_SECRETS=true so a missing key stops start-up instead of
# silently falling back to development keys.
REQUIRE_SECRETS = env_bool("ENGCERT_REQUIRE_SECRETS", False)
if not SECRET_KEY:
    SECRET_KEY = "engcert-development-only-secret-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ENGCERT_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("ENGCERT_CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("ENGCERT_SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "rules.apps.AutodiscoverRulesConfig",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_tasks",
    "django_tasks_db",
    # django-ninja's API docs page serves Swagger UI from its own static files when installed as
    # an app (otherwise it loads them from a CDN, and nothing may load from the internet).
    "ninja",
    "engcert.accounts",
    "engcert.organisations",
    "engcert.frameworks",
    "engcert.batches",
    "engcert.privacy",
    "engcert.audit",
    "engcert.applications",
    "engcert.review",
    "engcert.examiners",
    "engcert.scoring",
    "engcert.committee",
    "engcert.notices",
    "engcert.registration",
    "engcert.certificates",
    "engcert.cpd",
    "engcert.renewals",
    "engcert.referees",
    "engcert.similarity",
    "engcert.appeals",
    "engcert.apiclients",
    "engcert.units",
    "engcert.rosters",
    "engcert.dashboards",
    "engcert.deadlines",
    "engcert.backups",
    "engcert.demo",
    "engcert.webpolicy",
    "engcert.uploads",
    "engcert.outbox",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "engcert.webpolicy.middleware.BrowserPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "engcert.accounts.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "engcert.accounts.middleware.SessionLifetimeMiddleware",
    "engcert.accounts.middleware.RequireSecondFactorMiddleware",
]

ROOT_URLCONF = "engcert.urls"
FORM_RENDERER = "engcert.forms.FormRenderer"
WSGI_APPLICATION = "engcert.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "engcert" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "engcert.accounts.context_processors.navigation",
            ],
        },
    },
]

# Database: SQLite by default for local runs; DATABASE_URL-style pieces for PostgreSQL.
DB_ENGINE = env_str("ENGCERT_DB", "sqlite")
if DB_ENGINE == "postgres":
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": env_str("ENGCERT_DB_NAME", "engcert"),
            "USER": env_str("ENGCERT_DB_USER", "postgres"),
            "PASSWORD": env_str("ENGCERT_DB_PASSWORD", ""),
            "HOST": env_str("ENGCERT_DB_HOST", "127.0.0.1"),
            "PORT": env_str("ENGCERT_DB_PORT", "5432"),
            "CONN_MAX_AGE": env_int("ENGCERT_DB_CONN_MAX_AGE", 60),
            "CONN_HEALTH_CHECKS": True,
            "ATOMIC_REQUESTS": False,
            # The ORM binds parameters on the client and never prepares; the few hot lookups that
            # ask for a server-binding cursor (certificate verification) are prepared after this
            # many runs on a connection, which saves PostgreSQL planning them every time. Set
            # ENGCERT_DB_PREPARED_STATEMENTS=false behind a transaction-pooling PgBouncer older
            # than 1.21, which cannot keep prepared statements.
            "OPTIONS": {"prepare_threshold": 5 if env_bool("ENGCERT_DB_PREPARED_STATEMENTS", True) else None},
            "TEST": {"NAME": env_str("ENGCERT_TEST_DB_NAME", "test_engcert")},
        }
    }
    # An optional streaming replica of that primary. Only reads that tolerate a moment's lag go
    # there, and only from the views that say so (engcert/replica.py); the rest stays on the primary.
    REPLICA_HOST = env_str("ENGCERT_DB_REPLICA_HOST", "")
    if REPLICA_HOST:
        DATABASES["replica"] = {
            **DATABASES["default"],
            "NAME": env_str("ENGCERT_DB_REPLICA_NAME", "") or str(DATABASES["default"]["NAME"]),
            "HOST": REPLICA_HOST,
            "PORT": env_str("ENGCERT_DB_REPLICA_PORT", "") or str(DATABASES["default"]["PORT"]),
            "TEST": {"MIRROR": "default"},
        }
elif DB_ENGINE == "sqlite":
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_path("ENGCERT_SQLITE_PATH", DATA_DIR / "engcert.sqlite3"),
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        }
    }
else:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("ENGCERT_DB must be 'sqlite' or 'postgres'")
DATABASE_ROUTERS = ["engcert.replica.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Internationalisation: Simplified Chinese first, English on request; Beijing time.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "engcert" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env_path("ENGCERT_STATIC_ROOT", DATA_DIR / "static")
STATICFILES_DIRS = [BASE_DIR / "engcert" / "static"]

# Uploads go through Django's storage API; production may configure an S3-compatible store.
MEDIA_ROOT = env_path("ENGCERT_MEDIA_ROOT", DATA_DIR / "media")
# With ENGCERT_S3_BUCKET set, uploads and generated files (certificates, exports) go to that
# bucket of an S3-compatible store (AWS S3, MinIO, Ceph, Alibaba OSS, Tencent COS ...): every object
# private, and any address the storage makes for one is signed and expires. engcert itself never
# hands such an address out: each download goes through a view that checks who asks and streams
# the bytes through the storage API.
S3_BUCKET = env_str("ENGCERT_S3_BUCKET", "")
STORAGES: dict[str, dict[str, object]] = {
    "default": {
        "BACKEND": env_str(
            "ENGCERT_FILE_STORAGE",
            "storages.backends.s3.S3Storage" if S3_BUCKET else "django.core.files.storage.FileSystemStorage",
        ),
    },
    "staticfiles": {
        "BACKEND": env_str(
            "ENGCERT_STATIC_STORAGE",
            "django.contrib.staticfiles.storage.StaticFilesStorage",
        ),
    },
}
if S3_BUCKET:
    STORAGES["default"]["OPTIONS"] = {
        "bucket_name": S3_BUCKET,
        # Empty: AWS itself; otherwise the store's address, e.g. https://minio.internal:9000
        "endpoint_url": env_str("ENGCERT_S3_ENDPOINT_URL", "") or None,
        "region_name": env_str("ENGCERT_S3_REGION", "") or None,
        # Empty: the machine's own credentials (instance role, AWS_* variables, ~/.aws).
        "access_key": env_str("ENGCERT_S3_ACCESS_KEY_ID", "") or None,
        "secret_key": env_str("ENGCERT_S3_SECRET_ACCESS_KEY", "") or None,
        # Folder inside the bucket, so that one bucket can hold several sites.
        "location": env_str("ENGCERT_S3_PREFIX", ""),
        # MinIO and most self-hosted stores want "path"; AWS and the big clouds "virtual".
        "addressing_style": env_str("ENGCERT_S3_ADDRESSING_STYLE", "") or None,
        "signature_version": "s3v4",
        "custom_domain": env_str("ENGCERT_S3_CUSTOM_DOMAIN", "") or None,
        "default_acl": "private",
        "querystring_auth": True,
        "querystring_expire": env_int("ENGCERT_S3_URL_SECONDS", 300),
        # Never replace an object under the same name: the storage picks a free name instead.
        "file_overwrite": False,
    }
# With WhiteNoise's compressed manifest storage (production), a static file missing from the
# manifest (added after the last collectstatic) is linked by its plain name instead of failing
# every page that uses it.
WHITENOISE_MANIFEST_STRICT = False
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "engcert.uploads.handlers.SpoolingUploadHandler",  # deletes its spooled part when the disk is full
]
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("ENGCERT_MAX_REQUEST_BYTES", 12 * 1024 * 1024)
ENGCERT_MAX_UPLOAD_BYTES = env_int("ENGCERT_MAX_UPLOAD_BYTES", 10 * 1024 * 1024)
ENGCERT_MAX_APPLICATION_UPLOAD_BYTES = env_int("ENGCERT_MAX_APPLICATION_UPLOAD_BYTES", 50 * 1024 * 1024)
# Images are decoded to be re-encoded; one with more pixels than this is refused before decoding.
ENGCERT_MAX_IMAGE_PIXELS = env_int("ENGCERT_MAX_IMAGE_PIXELS", 50_000_000)
ENGCERT_MAX_TEXT_CHARS = env_int("ENGCERT_MAX_TEXT_CHARS", 20000)
# Objections from the public to a notice: the evidence file's limit, and objections a client may
# send per hour (beyond it they are asked to wait).
ENGCERT_MAX_OBJECTION_EVIDENCE_BYTES = env_int("ENGCERT_MAX_OBJECTION_EVIDENCE_BYTES", 20 * 1024 * 1024)
ENGCERT_OBJECTIONS_PER_IP_PER_HOUR = env_int("ENGCERT_OBJECTIONS_PER_IP_PER_HOUR", 10)
# Referees' pages (opened from their emailed link, without an account): visits and answers one
# client address may make per hour.
ENGCERT_REFEREE_PAGES_PER_IP_PER_HOUR = env_int("ENGCERT_REFEREE_PAGES_PER_IP_PER_HOUR", 60)
# Calls one API token may make, as "<number>/<s|m|h|d>" (beyond it: 429 with Retry-After).
ENGCERT_API_RATE = env_str("ENGCERT_API_RATE", "600/m")

# Certificates: where each society's signing material lives (a folder per society code with
# ed25519.pem for the QR payload, and signing-key.pem + signing-cert.pem (+ chain.pem) for the
# PDF's PAdES signature). Development creates missing material on first use; production
# (ENGCERT_REQUIRE_SECRETS=true) refuses to issue without it. Mount it read-only on every server.
ENGCERT_SIGNING_DIR = env_path("ENGCERT_SIGNING_DIR", DATA_DIR / "signing")
# Public certificate lookups a client may make per minute (numbers that do not exist count
# tenfold), so that the register cannot be enumerated through the verification page.
ENGCERT_VERIFY_LOOKUPS_PER_IP_PER_MINUTE = env_int("ENGCERT_VERIFY_LOOKUPS_PER_IP_PER_MINUTE", 60)

# Field encryption for identity-document numbers. Comma-separated keys, newest first;
# the first encrypts, all decrypt (so keys can be rotated). Development derives one.
ENGCERT_FIELD_KEYS = env_list("ENGCERT_FIELD_KEYS", [])
ENGCERT_INDEX_KEY = env_str("ENGCERT_INDEX_KEY", "")
if REQUIRE_SECRETS:
    _missing = [
        name
        for name, value in (
            ("ENGCERT_SECRET_KEY", env_str("ENGCERT_SECRET_KEY", "")),
            ("ENGCERT_FIELD_KEYS", ",".join(ENGCERT_FIELD_KEYS)),
            ("ENGCERT_INDEX_KEY", ENGCERT_INDEX_KEY),
        )
        if not value
    ]
    if _missing:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("Set these secrets for production: " + ", ".join(_missing))

# Mail: console in development, SMTP in production.
# Every email is written to the outbox in the transaction of the work that sends it, then
# delivered in the background through ENGCERT_EMAIL_DELIVERY_BACKEND, tried again with growing
# waits while the mail server cannot take it (see engcert/outbox).
EMAIL_BACKEND = env_str("ENGCERT_EMAIL_BACKEND", "engcert.outbox.backend.OutboxBackend")
ENGCERT_EMAIL_DELIVERY_BACKEND = env_str(
    "ENGCERT_EMAIL_DELIVERY_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
ENGCERT_OUTBOX_MAX_ATTEMPTS = env_int("ENGCERT_OUTBOX_MAX_ATTEMPTS", 10)
ENGCERT_OUTBOX_RETRY_SECONDS = env_int("ENGCERT_OUTBOX_RETRY_SECONDS", 60)
EMAIL_FILE_PATH = env_path("ENGCERT_EMAIL_FILE_PATH", DATA_DIR / "mail")
EMAIL_HOST = env_str("ENGCERT_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("ENGCERT_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("ENGCERT_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("ENGCERT_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("ENGCERT_EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("ENGCERT_EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = env_str("ENGCERT_DEFAULT_FROM_EMAIL", "engcert <noreply@engcert.localhost>")

# Background work: django-tasks with the database backend; `manage.py db_worker` runs it.
TASKS = {
    "default": {
        "BACKEND": env_str("ENGCERT_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

CACHES = {
    "default": {
        "BACKEND": env_str("ENGCERT_CACHE_BACKEND", "django.core.cache.backends.locmem.LocMemCache"),
        "LOCATION": env_str("ENGCERT_CACHE_LOCATION", ""),
    }
}

# Accounts (django-allauth): email is the login; the address must be verified.
SITE_ID = 1
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_FORMS = {"signup": "engcert.accounts.forms.SignupForm"}
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[engcert] "
# Changing the password keeps this session and signs out every other one (Django's session hash
# follows the password); allauth's True would also end this one, for no gain.
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
# Failed sign-ins: at most 10 a minute from one client address (allauth; in the cache, which
# production shares between app servers through ENGCERT_CACHE_BACKEND). Per account, the lockout
# below replaces allauth's own per-address limit: it is kept in the database and says until when.
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip"}
ENGCERT_LOCKOUT_FAILURES = env_int("ENGCERT_LOCKOUT_FAILURES", 5)
ENGCERT_LOCKOUT_WINDOW_MINUTES = env_int("ENGCERT_LOCKOUT_WINDOW_MINUTES", 15)
ENGCERT_LOCKOUT_MINUTES = env_int("ENGCERT_LOCKOUT_MINUTES", 15)
ACCOUNT_ADAPTER = "engcert.accounts.adapter.AccountAdapter"
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "engcert"
MFA_ADAPTER = "engcert.accounts.adapter.MFAAdapter"
# Activating the authenticator app generates ten single-use recovery codes and shows them.
MFA_RECOVERY_CODE_COUNT = 10
MFA_RECOVERY_CODE_DIGITS = 8

# Behind load balancers: how many proxies append to X-Forwarded-For, so that login throttling
# counts each client and not the balancer's own address.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("ENGCERT_TRUSTED_PROXY_COUNT", 0)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("ENGCERT_SECURE_COOKIES", False)
# A session lasts at most ENGCERT_SESSION_MAX_HOURS from signing in; everyone who must use a second
# factor is also signed out after ENGCERT_SESSION_IDLE_MINUTES without a request (applicants are
# not: they may spend long on one page of their application).
ENGCERT_SESSION_MAX_HOURS = env_int("ENGCERT_SESSION_MAX_HOURS", 12)
ENGCERT_SESSION_IDLE_MINUTES = env_int("ENGCERT_SESSION_IDLE_MINUTES", 30)
SESSION_COOKIE_AGE = ENGCERT_SESSION_MAX_HOURS * 3600
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# The content security policy (engcert/webpolicy/policy.py). Report-only sends it as
# Content-Security-Policy-Report-Only, for trying a change out on a live site; the report
# address, if set, receives the browsers' violation reports.
ENGCERT_CSP_REPORT_ONLY = env_bool("ENGCERT_CSP_REPORT_ONLY", False)
ENGCERT_CSP_REPORT_URI = env_str("ENGCERT_CSP_REPORT_URI", "")
# Behind TLS (see the README's deployment guide): redirect plain HTTP to HTTPS, except the load
# balancer's health check, which probes the app servers over plain HTTP; and tell browsers to use
# HTTPS only (HSTS) for this many seconds, for the subdomains too, and whether the site asks to be
# on the browsers' built-in HTTPS-only list. All off by default: `make serve` answers plain HTTP.
SECURE_SSL_REDIRECT = env_bool("ENGCERT_SSL_REDIRECT", False)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("ENGCERT_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("ENGCERT_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("ENGCERT_HSTS_PRELOAD", False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("ENGCERT_LOG_LEVEL", "INFO")},
    # WeasyPrint reports every step of every PDF (and of its own stylesheet at import) at INFO.
    "loggers": {"weasyprint": {"level": "WARNING"}},
}
