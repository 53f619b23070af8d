# Sourced by scripts/serve and scripts/production-manage: the environment of engcert's production
# profile on one machine. Every ENGCERT_* variable already set wins over the defaults here, and the
# secrets file (var/production.env, written once, mode 600) may hold more of them.
# shellcheck shell=bash
BIN=.venv/bin
MANAGE=("$BIN/python" manage.py)
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
TLS=${TLS:-off}
SECRETS_FILE=${ENGCERT_SECRETS_FILE:-var/production.env}
SCHEDULE_SECONDS=${SCHEDULE_SECONDS:-300}
SCHEDULED_COMMANDS=${SCHEDULED_COMMANDS:-close_public_notices send_score_sheet_reminders send_renewal_reminders send_referee_reminders send_deadline_reminders expire_certificates send_outbox requeue_stalled_tasks}
LOG_DIR=${LOG_DIR:-var/log}
mkdir -p "$LOG_DIR"

# --- Secrets: generated once, never rewritten, never committed (var/ is not in git). ---
# The file is read first and the caller's own ENGCERT_* values put back over it.
caller_env=$(export -p | grep -E '^declare -x ENGCERT_[A-Z0-9_]+=' || true)
"$BIN/python" scripts/production-secrets.py "$SECRETS_FILE"
set -a
# shellcheck disable=SC1090
. "$SECRETS_FILE"
set +a
eval "$caller_env"

# --- The production profile (the caller's ENGCERT_* values win). ---
export ENGCERT_DEBUG=false
export ENGCERT_REQUIRE_SECRETS=${ENGCERT_REQUIRE_SECRETS:-true}
export ENGCERT_DB=postgres
export ENGCERT_DB_NAME=${ENGCERT_DB_NAME:-engcert}
export ENGCERT_DB_HOST=${ENGCERT_DB_HOST:-127.0.0.1}
export ENGCERT_DB_PORT=${ENGCERT_DB_PORT:-5432}
export ENGCERT_DB_USER=${ENGCERT_DB_USER:-postgres}
export ENGCERT_ALLOWED_HOSTS=${ENGCERT_ALLOWED_HOSTS:-127.0.0.1,localhost}
export ENGCERT_SITE_URL=${ENGCERT_SITE_URL:-http://$HOST:$PORT}
export ENGCERT_STATIC_STORAGE=${ENGCERT_STATIC_STORAGE:-whitenoise.storage.CompressedManifestStaticFilesStorage}
# Several gunicorn workers must share one cache (throttles, the public notice's table): the
# database's cache table unless a Redis is configured (ENGCERT_CACHE_BACKEND/LOCATION).
export ENGCERT_CACHE_BACKEND=${ENGCERT_CACHE_BACKEND:-django.core.cache.backends.db.DatabaseCache}
export ENGCERT_CACHE_LOCATION=${ENGCERT_CACHE_LOCATION:-engcert_cache}
# The settings a site has behind TLS, so that `check --deploy` judges what the public will reach.
tls_env=(
  ENGCERT_SECURE_COOKIES=true
  ENGCERT_SSL_REDIRECT=true
  ENGCERT_HSTS_SECONDS="${ENGCERT_HSTS_SECONDS:-31536000}"
  ENGCERT_HSTS_INCLUDE_SUBDOMAINS="${ENGCERT_HSTS_INCLUDE_SUBDOMAINS:-true}"
  ENGCERT_HSTS_PRELOAD="${ENGCERT_HSTS_PRELOAD:-true}"
)
if [ "$TLS" = proxy ]; then
  export "${tls_env[@]}"
elif [ "$TLS" != off ]; then
  echo "TLS must be off (plain HTTP, the default) or proxy (a TLS-terminating proxy in front)" >&2
  exit 2
fi

