# The portal's everyday commands. `make run` and `make test` are all a newcomer needs; the README
# explains every target. Each target installs what it needs first, from requirements.lock only.

SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PYTHON := $(VENV)/bin/python
STAMP := $(VENV)/.requirements.lock.installed
MANAGE := $(PYTHON) manage.py

# A local checkout runs with debug on; set PORTAL_DEBUG=0 (and the production variables) in the
# environment to run migrate, demo or worker against a production configuration.
PORTAL_DEBUG ?= 1
DEV := PORTAL_DEBUG=$(PORTAL_DEBUG)

HOST ?= 127.0.0.1
PORT ?= 8000
# The address written into emails, tokens and links by `make demo`, `run` and `serve`: where they
# serve the portal, unless the environment says otherwise (e.g. behind a proxy).
PORTAL_BASE_URL ?= http://$(HOST):$(PORT)
SITE := PORTAL_BASE_URL=$(PORTAL_BASE_URL)
PYTEST_ARGS ?=

.PHONY: help install run serve test lint format check migrate demo worker beat bench load soak messages clean \
	prod security deploy-check audit fuzz authz-report messages-check backup restore

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

# The venv is (re)made with a Python 3.12+ found by scripts/find-python; packages are reinstalled
# only when requirements.lock differs from the copy kept in the venv when it was installed (by
# content, not by date: a checkout or a copy can give the lock any date).
$(STAMP): FORCE
	@if ! $(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
		python=$$(scripts/find-python) || exit 1; \
		echo "Creating $(VENV) with $$python"; \
		rm -rf $(VENV) && "$$python" -m venv $(VENV) || exit 1; \
	fi
	@if ! cmp -s requirements.lock $(STAMP); then \
		echo "Installing from requirements.lock into $(VENV)"; \
		$(PYTHON) -m pip install --quiet --disable-pip-version-check --require-hashes \
			-r requirements.lock || exit 1; \
		cp requirements.lock $(STAMP); \
	fi

FORCE:

install: $(STAMP) ## Create .venv and install the locked dependencies

migrate: $(STAMP) ## Apply database migrations (the cache table too)
	$(DEV) $(MANAGE) migrate --no-input

demo: migrate ## Load the demo people and data (idempotent)
	$(DEV) $(SITE) $(MANAGE) seed_demo

run: demo ## Install, migrate, load demo data and serve at http://127.0.0.1:8000
	@echo "Serving the portal at http://$(HOST):$(PORT)/ (Ctrl-C stops it)"
	$(DEV) $(SITE) $(MANAGE) runserver $(HOST):$(PORT)

serve: $(STAMP) ## Serve without migrating or seeding (runserver)
	$(DEV) $(SITE) $(MANAGE) runserver $(HOST):$(PORT)

test: $(STAMP) ## Install and run the whole test suite (PYTEST_ARGS="-n 2" runs it in two processes)
	$(VENV)/bin/pytest $(PYTEST_ARGS)

# All three run even when one fails, so that one run shows every problem.
lint: $(STAMP) ## ruff check, ruff format --check and mypy
	@status=0; \
	echo "ruff check ."; $(VENV)/bin/ruff check . || status=1; \
	echo "ruff format --check ."; $(VENV)/bin/ruff format --check . || status=1; \
	echo "mypy ."; PORTAL_TESTING=1 $(VENV)/bin/mypy . || status=1; \
	exit $$status

format: $(STAMP) ## Let ruff fix what it can and format the code
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

check: $(STAMP) ## Django system checks and a check that models and migrations agree
	PORTAL_TESTING=1 $(MANAGE) check
	PORTAL_TESTING=1 $(MANAGE) makemigrations --check --dry-run

worker: $(STAMP) ## Run a Celery worker (needs CELERY_BROKER_URL)
	$(DEV) $(VENV)/bin/celery -A portal worker --loglevel=INFO

prod: $(STAMP) ## Production: migrate, collectstatic, then gunicorn, a Celery worker and beat (needs PORTAL_SECRET_KEY, DATABASE_URL, CELERY_BROKER_URL)
	$(PYTHON) scripts/prod.py

beat: $(STAMP) ## Run Celery beat, the scheduler of periodic tasks (exactly one per deployment)
	$(DEV) $(VENV)/bin/celery -A portal beat --loglevel=INFO

bench: $(STAMP) ## Benchmark a production-like server; figures go to bench/results.json
	$(PYTHON) bench/run.py
	$(PYTHON) bench/catalogue_search.py
	$(PYTHON) bench/calls_ranking.py
	$(PYTHON) bench/consent_import.py
	$(PYTHON) bench/agreements_pdf.py
	$(PYTHON) bench/engagement_results.py
	$(PYTHON) bench/scale.py --scales $(BENCH_SCALES)

# Two scales of generate_scale_data for `make bench`'s cost ratios; LOAD_DURATION in seconds.
BENCH_SCALES ?= 1 10
LOAD_DURATION ?= 60
SOAK_DURATION ?= 600

load: $(STAMP) ## Replay a mixed load on a production-like server for LOAD_DURATION s (60); figures to bench/results.json
	$(PYTHON) bench/load.py --duration $(LOAD_DURATION)

soak: $(STAMP) ## The mixed load for 10 minutes (LOAD_DURATION overrides), with memory per worker at start and end
	$(PYTHON) bench/load.py --soak --duration $(if $(filter command line environment,$(origin LOAD_DURATION)),$(LOAD_DURATION),$(SOAK_DURATION))

LOCALES := es fr de it

messages: $(STAMP) ## Update the translation catalogues (es, fr, de, it) from the code and compile them
	$(DEV) $(MANAGE) makemessages $(foreach l,$(LOCALES),--locale $(l)) --ignore '.venv/*' \
		--ignore 'staticfiles/*' --ignore 'bench/*' --ignore 'tests/*' --no-obsolete
	$(DEV) $(MANAGE) compilemessages $(foreach l,$(LOCALES),--locale $(l)) --ignore '.venv/*'

messages-check: $(STAMP) ## Count untranslated and fuzzy messages per language; fail if any, or if the catalogues lag the code
	$(DEV) $(PYTHON) scripts/check_messages.py --up-to-date

# bandit runs on the project's own Python, so that it parses the 3.12+ syntax. Its "nosec
# encountered, but no failed test" warnings are dropped: bandit repeats a line's nosec for every
# other line of the same multi-line statement.
security: $(STAMP) ## bandit over governance/ and portal/: every finding fixed or annotated
	@set -o pipefail; $(PYTHON) -m bandit -c pyproject.toml -r governance portal -q 2>&1 \
		| { grep -v 'nosec encountered' || true; } && echo "bandit: no issues."

# Production settings: debug off, a fresh random secret key, an https:// base URL; nothing of the
# environment's PORTAL_TESTING. A warning fails it.
deploy-check: $(STAMP) ## Django's deployment checks (check --deploy) on production settings
	PORTAL_DEBUG=0 PORTAL_TESTING=0 PORTAL_BASE_URL=https://portal.example.eu \
		PORTAL_ALLOWED_HOSTS=portal.example.eu \
		PORTAL_SECRET_KEY=$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))') \
		$(MANAGE) check --deploy --fail-level WARNING

# Needs pypi.org (or api.osv.dev with AUDIT_ARGS="-s osv"); unreachable, it says that nothing
# was audited and exits 0. The README's Security section says what to do with a finding.
AUDIT_ARGS ?=
audit: $(STAMP) ## pip-audit: known vulnerabilities in requirements.lock (needs the network)
	@$(PYTHON) scripts/audit.py $(AUDIT_ARGS)

# A throwaway SQLite database with the demo data, runserver on a free loopback port, schemathesis
# as a visitor and four personas. FUZZ_ARGS="--max-examples 20" fuzzes longer.
FUZZ_ARGS ?=
fuzz: $(STAMP) ## Fuzz the API from outside with schemathesis; totals go to bench/results.json
	$(PYTHON) scripts/fuzz.py $(FUZZ_ARGS)

# The demo data, every page and API operation of tests/authz/areas/ as every demo persona and a
# visitor (the same run as the test), printed as personas x endpoints.
authz-report: $(STAMP) ## Print the authorization matrix (personas x endpoints); totals to bench/results.json
	@$(PYTHON) scripts/authz_report.py

# The PostgreSQL database of DATABASE_URL and the media files, into a dated folder of BACKUP_DIR;
# restore refuses a database with tables unless FORCE=1.
BACKUP_DIR ?= backups
backup: $(STAMP) ## pg_dump the database and tar the media into a dated folder of BACKUP_DIR (backups)
	$(PYTHON) scripts/backup.py backup --dir $(BACKUP_DIR)

restore: $(STAMP) ## Restore FROM=folder into the (empty) database of DATABASE_URL, then the media (FORCE=1 overwrites)
	@test -n "$(FROM)" || { echo "usage: make restore FROM=backups/<folder> [FORCE=1]"; exit 2; }
	$(PYTHON) scripts/backup.py restore $(FROM) $(if $(FORCE),--force)

clean: ## Remove the venv, collected static files and caches (the database and var/ stay)
	rm -rf $(VENV) staticfiles bench/tmp test-results .pytest_cache .mypy_cache .ruff_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
