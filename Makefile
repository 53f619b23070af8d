# engcert — `make run` serves a demo at http://127.0.0.1:8000; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
# The suite runs in parallel, one worker per core (pytest-xdist; each worker has its own test database).
TEST_WORKERS ?= auto

RUN_DEBS := fonts-noto-cjk fonts-hanazono libharfbuzz-subset0 gettext
TEST_DEBS := $(RUN_DEBS) chromium poppler-utils libnss3-tools zbar-tools libreoffice-calc-nogui

.PHONY: run test lint typecheck messages bench serve clean system-run system-test postgres

$(VENV)/.run-installed: requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "engcert needs Python 3.11 or newer"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check --upgrade pip
	$(BIN)/pip install -q --disable-pip-version-check -r requirements.txt
	@touch $@

$(VENV)/.test-installed: $(VENV)/.run-installed requirements-dev.txt
	$(BIN)/pip install -q --disable-pip-version-check -r requirements-dev.txt
	@touch $@

system-run:
	@scripts/ensure-debs $(RUN_DEBS)

system-test:
	@scripts/ensure-debs $(TEST_DEBS)

# The browser tests' axe-core (package.json pins it, package-lock.json its exact build); installed
# again when either file changes.
node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { echo "engcert's browser tests need Node.js and npm: install Debian's packages nodejs npm (sudo apt-get install nodejs npm)" >&2; exit 1; }
	npm ci --no-audit --no-fund
	@touch $@

messages: $(VENV)/.run-installed system-run
	@cd engcert && ../$(BIN)/python ../manage.py compilemessages -v0

run: $(VENV)/.run-installed system-run messages
	ENGCERT_DEBUG=true $(MANAGE) migrate -v0
	ENGCERT_DEBUG=true $(MANAGE) load_demo
	@echo "Starting the task worker, the scheduled jobs (every 5 minutes, as cron runs them in production) and the web server at http://$(HOST):$(PORT)/ (Ctrl-C stops them all)"
	@ENGCERT_DEBUG=true $(MANAGE) db_worker --queue-name '*' >var/worker.log 2>&1 & worker=$$!; \
	( while true; do ENGCERT_DEBUG=true $(MANAGE) close_public_notices; \
	  ENGCERT_DEBUG=true $(MANAGE) send_score_sheet_reminders; \
	  ENGCERT_DEBUG=true $(MANAGE) send_renewal_reminders; \
	  ENGCERT_DEBUG=true $(MANAGE) send_referee_reminders; \
	  ENGCERT_DEBUG=true $(MANAGE) send_deadline_reminders; \
	  ENGCERT_DEBUG=true $(MANAGE) expire_certificates; \
	  ENGCERT_DEBUG=true $(MANAGE) send_outbox; \
	  ENGCERT_DEBUG=true $(MANAGE) requeue_stalled_tasks; sleep 300; done ) >var/schedule.log 2>&1 & schedule=$$!; \
	trap "kill $$worker $$schedule 2>/dev/null" EXIT INT TERM; \
	ENGCERT_DEBUG=true $(MANAGE) runserver $(HOST):$(PORT)

# The production profile on one machine: PostgreSQL, gunicorn with several workers, the task worker
# and the scheduled commands (README, "Running in production"). TLS=proxy behind a TLS proxy.
SCHEDULED_COMMANDS := close_public_notices send_score_sheet_reminders send_renewal_reminders \
	send_referee_reminders send_deadline_reminders expire_certificates send_outbox requeue_stalled_tasks
serve: $(VENV)/.run-installed system-run messages
	@HOST=$(HOST) PORT=$(PORT) SCHEDULED_COMMANDS="$(SCHEDULED_COMMANDS)" scripts/serve

# sqlmap (Debian's package) over the main forms and the API of a server on loopback (port 8101);
# not part of `make test`. Results in bench/RESULTS.md, sqlmap's files in var/security/.
.PHONY: security
security: $(VENV)/.run-installed system-run messages postgres
	@scripts/ensure-debs sqlmap
	$(BIN)/python bench/security.py

postgres:
	@scripts/ensure-postgres

lint: $(VENV)/.test-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.test-installed
	$(BIN)/mypy engcert

test: $(VENV)/.test-installed system-test node_modules/.installed messages postgres lint typecheck
	@echo "== suite on SQLite =="
	ENGCERT_DB=sqlite $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)
	@echo "== suite on PostgreSQL =="
	ENGCERT_DB=postgres $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

bench: $(VENV)/.test-installed system-test messages postgres
	$(BIN)/python bench/run.py

# Fault drill: PostgreSQL restarted in the middle of the deadline rush, on a private cluster
# (port 5499, never the shared server); results in bench/RESULTS.md under "Faults".
.PHONY: drill
drill: $(VENV)/.test-installed system-test messages
	$(BIN)/python bench/drill_pg_restart.py

# Backup drill: a database at bench volume with uploaded files backed up, restored onto a new
# database (engcert_drill_*) and compared table by table and file by file; results in
# bench/RESULTS.md under "Backups".
.PHONY: drill-backup
drill-backup: $(VENV)/.test-installed system-test messages postgres
	$(BIN)/python bench/drill_backup.py

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .hypothesis node_modules
