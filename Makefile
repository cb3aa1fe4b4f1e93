# OCOP Platform: the project's vocabulary. `make run` to try it, `make test` to test it.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
HOST ?= 127.0.0.1
SEED ?= 42
# Two test processes: the machines have two cores (pytest-xdist; PYTEST_WORKERS=0 for one).
PYTEST_WORKERS ?= 2
# PostgreSQL for the second test run; these machines run one on 127.0.0.1 with trust auth.
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/ocop
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: help install system-deps browser-deps messages compilemessages demo serve run test test-sqlite test-postgres lint fmt typecheck check-migrations clean backup restore

help:
	@echo "make run      install, load the Hà Nội demo data, serve on http://$(HOST):$(PORT)"
	@echo "make test     the whole test suite on SQLite, then on PostgreSQL"
	@echo "make lint     ruff, formatting, mypy on services, makemigrations --check"
	@echo "make install | demo | serve | serve-prod | messages | fmt | system-deps"
	@echo "make backup   the database and uploads to var/backups/ (OUTPUT=path, KEEP=n)"
	@echo "make restore FILE=var/backups/ocop-….sqlite3|.dump  (asks first; YES=1 to skip)"

$(BIN)/ocop: pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) is needed (set PYTHON=...)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(BIN)/ocop

install: $(BIN)/ocop

# Debian packages the platform needs: gettext (translations); Pango, HarfBuzz, fontconfig and the
# DejaVu fonts (WeasyPrint's PDFs); LibreOffice Calc without a GUI (the yearly report's test opens
# the XLSX in it). Each is installed only when missing.
PDF_DEBS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libfontconfig1 fonts-dejavu-core
system-deps:
	@command -v msgfmt >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext; }
	@{ ldconfig -p | grep -q libpango-1.0 && fc-list 2>/dev/null | grep -qi dejavu; } || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(PDF_DEBS); }
	@command -v soffice >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libreoffice-calc-nogui; }

# Debian's chromium for the browser tests: Playwright drives it and never downloads a browser.
browser-deps:
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

compilemessages: install system-deps
	cd src/ocop && ../../$(BIN)/ocop compilemessages --ignore=.venv >/dev/null

# Extract the strings and update the Vietnamese catalogue (translate the new entries, then commit).
messages: install system-deps
	cd src/ocop && ../../$(BIN)/ocop makemessages -l vi --no-location --no-obsolete --ignore=static/* && ../../$(BIN)/ocop makemessages -d djangojs -l vi --no-location --no-obsolete --ignore=static/* || true

demo: compilemessages
	$(BIN)/ocop migrate --no-input
	$(BIN)/ocop collectstatic --no-input --verbosity 0
	$(BIN)/ocop load-demo --seed $(SEED)

# The development server and, beside it, the worker that runs background tasks (spreadsheet
# imports, django-tasks' database backend); the worker stops when the server stops. With
# TASKS_BACKEND=immediate tasks run inside the server and no worker is started.
serve: install
	@worker=""; \
	if [ "$${TASKS_BACKEND:-database}" != "immediate" ]; then \
	  $(BIN)/ocop db_worker --no-reload --interval 1 & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	fi; \
	$(BIN)/ocop runserver $(HOST):$(PORT)

run: install demo serve

# Production serving on this machine (docs/deploy.md): gunicorn with src/ocop/gunicorn_conf.py
# (2 x CPUs + 1 workers; OCOP_WEB_WORKERS or WEB_CONCURRENCY to choose), DEBUG=False, static
# files by WhiteNoise (hashed names cached for ten years, gzip and brotli), and `ocop db_worker`
# beside it, stopped together. Without DJANGO_SECRET_KEY(_FILE) a key is made once in
# var/.secret_key_prod. Only on a loopback HOST over plain HTTP are the HTTPS redirect, HSTS and
# the secure cookies turned off (said loudly); on any other address they stay on: TLS in front.
.PHONY: serve-prod
serve-prod: compilemessages
	@set -e; \
	export DJANGO_DEBUG=False HOST="$(HOST)" PORT="$(PORT)"; \
	if [ -z "$${DJANGO_SECRET_KEY:-}$${DJANGO_SECRET_KEY_FILE:-}" ]; then \
	  if [ ! -s var/.secret_key_prod ]; then \
	    mkdir -p var; (umask 077; $(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))' > var/.secret_key_prod); \
	    echo "A new secret key was written to var/.secret_key_prod (keep it; never commit it)."; \
	  fi; \
	  export DJANGO_SECRET_KEY_FILE="$$PWD/var/.secret_key_prod"; \
	fi; \
	export DJANGO_ALLOWED_HOSTS="$${DJANGO_ALLOWED_HOSTS:-127.0.0.1,localhost}"; \
	case "$(HOST)" in 127.*|localhost|::1|"[::1]") loopback=yes;; *) loopback=;; esac; \
	case "$${OCOP_BEHIND_PROXY:-}" in [Tt]rue|TRUE|1|[Yy]es|[Oo]n) loopback=;; esac; \
	if [ -n "$$loopback" ]; then \
	  export OCOP_SECURE_SSL_REDIRECT=False OCOP_SECURE_COOKIES=False OCOP_HSTS_SECONDS=0; \
	  export OCOP_SITE_URL="$${OCOP_SITE_URL:-http://$(HOST):$(PORT)}"; \
	  echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"; \
	  echo "!! PLAIN HTTP ON LOOPBACK ($(HOST):$(PORT)): the HTTPS redirect, HSTS and the secure cookies"; \
	  echo "!! are OFF for this local run only. Anywhere else: TLS in front, see docs/deploy.md."; \
	  echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"; \
	else \
	  echo "HTTPS redirect, HSTS and secure cookies are on: serve $(HOST):$(PORT) behind a TLS proxy."; \
	fi; \
	$(BIN)/ocop migrate --no-input; \
	$(BIN)/ocop collectstatic --no-input --verbosity 0; \
	worker=""; \
	if [ "$${TASKS_BACKEND:-database}" != "immediate" ]; then \
	  $(BIN)/ocop db_worker --no-reload --interval 1 & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	fi; \
	$(BIN)/gunicorn -c python:ocop.gunicorn_conf

test: compilemessages browser-deps
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres

test-sqlite: install
	env -u DATABASE_URL $(BIN)/pytest -q -n $(PYTEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

# Runs when DATABASE_URL is set or a server answers on 127.0.0.1:5432. Under CI=true an
# unreachable PostgreSQL is a failure, never a skip.
test-postgres: install
	@url="$${DATABASE_URL:-$(PG_TEST_URL)}"; \
	if $(BIN)/python -m ocop.core.dbcheck "$$url"; then \
	  DATABASE_URL="$$url" $(BIN)/pytest -q -n $(PYTEST_WORKERS) --dist loadgroup $(PYTEST_ARGS); \
	elif [ "$${CI:-}" = "true" ]; then \
	  echo "PostgreSQL is not reachable at $$url and CI=true: failing."; exit 1; \
	else \
	  echo "PostgreSQL is not reachable at $$url: skipping the PostgreSQL run (set DATABASE_URL)."; \
	fi

# Recompute council results, certificates and states from their records (docs/admin/integrity.md).
.PHONY: verify
verify: install
	$(BIN)/ocop verify

# Backups (docs/admin/backup.md): SQLite's online backup or pg_dump, plus the uploaded files.
backup: install
	$(BIN)/ocop backup $(if $(OUTPUT),--output "$(OUTPUT)") $(if $(KEEP),--keep $(KEEP))

restore: install
	@test -n "$(FILE)" || { echo "Name the backup: make restore FILE=var/backups/ocop-….sqlite3"; exit 1; }
	$(BIN)/ocop restore "$(FILE)" $(if $(YES),--yes)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/ocop makemigrations --check --dry-run

fmt: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) var/ocop.sqlite3* var/static

# Every benchmark (issue 10) at national sizes on PostgreSQL (BENCH_DATABASE_URL, default
# postgres://postgres@127.0.0.1:5432/postgres; the scripts make and drop ocop_bench_* databases)
# and SQLite: bench/results/latest.json and latest.md. bench-quick: reduced sizes, PostgreSQL
# only, latest-quick.json. Redis database 14 is EMPTIED (BENCH_REDIS_URL). See bench/README.md.
.PHONY: bench bench-quick bench-scoring
bench: install bench-deps
	$(BIN)/python bench/run_all.py $(BENCH_ARGS)

bench-quick: install bench-deps
	$(BIN)/python bench/run_all.py --quick $(BENCH_ARGS)

# How many member sheets per second the scoring engine evaluates (target 20,000; see bench/README.md).
bench-scoring: install
	$(BIN)/python bench/scoring_bench.py $(SCORING_ARGS)

# EPCIS capture (10,000 events, >= 1/4 of a raw bulk insert) and trace look-ups (1,000,000 events,
# <= 1.5 x the time with 10,000), on SQLite; with DATABASE_URL=postgres://… also on a throw-away
# PostgreSQL database (see bench/README.md).
.PHONY: bench-epcis
bench-epcis: install
	$(BIN)/python bench/epcis_capture_bench.py $(CAPTURE_ARGS)
	$(BIN)/python bench/epcis_lookup_bench.py $(LOOKUP_ARGS)

# The public trace page under HTTP load against /healthz (gunicorn, DEBUG=False; target: at least
# half the no-op's requests/s), on SQLite or, with DATABASE_URL=postgres://…, a throw-away
# PostgreSQL database (see bench/README.md). Measured with Debian's wrk (make bench-deps).
# The production measurement (scans buffered in Redis; that Redis database is emptied):
#   REDIS_URL=redis://127.0.0.1:6379/14 DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres make bench-trace
.PHONY: bench-trace bench-deps
bench-trace: install
	$(BIN)/python bench/trace_bench.py $(TRACE_ARGS)

bench-deps:
	@command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }

# The catalogue's search page against a product page with 20,000 listed products (p95 ratio,
# target <= 3), on SQLite or, with DATABASE_URL=postgres://…, a throw-away PostgreSQL database
# (see bench/README.md).
.PHONY: bench-catalog
bench-catalog: install
	$(BIN)/python bench/catalog_bench.py $(CATALOG_ARGS)

# The officials' dashboard (`dashboard_data`) against the raw SQL aggregates it needs, on a
# national-scale data set (20,000 products, 10,000 producers, 60,000 member sheets, 1,000,000
# scans; target: within 2 times), on SQLite or, with DATABASE_URL=postgres://…, a throw-away
# PostgreSQL database; DASHBOARD_ARGS=--quick for a twentieth of the sizes (see bench/README.md).
.PHONY: bench-dashboard
bench-dashboard: install
	$(BIN)/python bench/dashboard_bench.py $(DASHBOARD_ARGS)
