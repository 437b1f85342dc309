# TravelCRM — `make run` starts the app on the embedded default; `make test` runs every check.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
TOOLS := $(CURDIR)/.tools
BUN_VERSION := 1.4.4
# The OpenAPI document's checks (tests/api/test_openapi_document.py): lint and TypeScript types.
REDOCLY_VERSION := 2.77.0
SPECTRAL_VERSION := 6.16.3
OPENAPI_TYPESCRIPT_VERSION := 7.13.0
NPM_TOOLS := bun@$(BUN_VERSION) @redocly/cli@$(REDOCLY_VERSION) \
	@stoplight/spectral-cli@$(SPECTRAL_VERSION) openapi-typescript@$(OPENAPI_TYPESCRIPT_VERSION)
NPM_TOOLS_STAMP := $(TOOLS)/.npm-$(BUN_VERSION)-$(REDOCLY_VERSION)-$(SPECTRAL_VERSION)-$(OPENAPI_TYPESCRIPT_VERSION)
ARTIFACTS := test-artifacts

# The offline Reflex frontend toolchain: bun from the npm registry, Reflex state kept in the project.
export PATH := $(TOOLS)/node_modules/.bin:$(CURDIR)/$(VENV)/bin:$(PATH)
export REFLEX_USE_SYSTEM_BUN := 1
export REFLEX_DIR := $(CURDIR)/.reflex
export REFLEX_CHECK_LATEST_VERSION := 0
export REFLEX_TELEMETRY_ENABLED := false
export REDOCLY_TELEMETRY := off
export REDOCLY_SUPPRESS_UPDATE_NOTICE := true
NPM_REGISTRY := $(shell npm config get registry 2>/dev/null)
export NPM_CONFIG_REGISTRY ?= $(NPM_REGISTRY)
export BUN_CONFIG_REGISTRY ?= $(NPM_REGISTRY)

TEST_POSTGRES_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/postgres
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15
# Hypothesis (property tests, contract fuzzing) runs derandomised from one printed seed: a red
# run is reproduced with `make test HYPOTHESIS_SEED=<the seed in the header>`.
HYPOTHESIS_SEED ?= 20261207
TEST_WORKERS ?= 2
PYTEST := $(PY) -m pytest -p no:cacheprovider --hypothesis-seed=$(HYPOTHESIS_SEED)
# the suites run on TEST_WORKERS processes, each with its own database, queue and data folder;
# a module's tests stay together (they share its servers and fixtures). `make test` runs the
# SQLite and PostgreSQL suites side by side: the SQLite one uses the CPU the other leaves while
# it waits for the database server.
PARALLEL := -n $(TEST_WORKERS) --dist loadscope
COVERAGE := --cov --cov-report=

.PHONY: help install lock run test lint typecheck test-sqlite test-postgres coverage test-e2e \
	test-e2e-sqlite test-e2e-postgres bench clean

help:
	@echo "make run    start TravelCRM (SQLite + SqliteHuey, demo data) on http://localhost:3000"
	@echo "make test   ruff, mypy, the suite on SQLite then PostgreSQL + Redis, browser tests"
	@echo "make bench  print the benchmarks (foundation, domains, load)"

# Installs are reproducible: every package at the version and hashes in requirements.lock (made
# from pyproject.toml by `make lock`), then the project itself without resolving anything.
$(VENV)/.installed: pyproject.toml requirements.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r requirements.lock
	$(PY) -m pip install --quiet --no-deps -e .
	@touch $@

# Re-pin after a change of pyproject.toml's dependencies (tests/architecture checks they agree).
lock:
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet pip-tools==7.7.0
	$(VENV)/bin/pip-compile --quiet --generate-hashes --extra dev --no-strip-extras --allow-unsafe \
		--no-emit-index-url --no-emit-find-links -o requirements.lock pyproject.toml

# One npm install for every tool: a second `npm install --no-save` would prune the first's.
$(NPM_TOOLS_STAMP):
	npm install --prefix $(TOOLS) --no-save --no-audit --no-fund --loglevel=error $(NPM_TOOLS)
	@$(TOOLS)/node_modules/.bin/bun --version >/dev/null
	@$(TOOLS)/node_modules/.bin/redocly --version >/dev/null
	@$(TOOLS)/node_modules/.bin/spectral --version >/dev/null
	@$(TOOLS)/node_modules/.bin/openapi-typescript --version >/dev/null
	@touch $@

install: $(VENV)/.installed $(NPM_TOOLS_STAMP)

run: install
	$(PY) -m travelcrm.manage run

lint: install
	$(PY) -m ruff check .
	$(VENV)/bin/lint-imports --no-cache

typecheck: install
	$(PY) -m mypy

test-sqlite: install
	COVERAGE_FILE=$(ARTIFACTS)/.coverage.sqlite TEST_BACKEND=sqlite \
		$(PYTEST) $(PARALLEL) $(COVERAGE) tests --ignore=tests/e2e \
		--junitxml=$(ARTIFACTS)/junit-sqlite.xml

test-postgres: install
	COVERAGE_FILE=$(ARTIFACTS)/.coverage.postgres TEST_BACKEND=postgres \
		TEST_POSTGRES_URL=$(TEST_POSTGRES_URL) TEST_REDIS_URL=$(TEST_REDIS_URL) \
		$(PYTEST) $(PARALLEL) $(COVERAGE) tests --ignore=tests/e2e \
		--junitxml=$(ARTIFACTS)/junit-postgres.xml

# coverage per package of both suites together; fails below the floors in pyproject.toml
coverage: install
	$(PY) -m tests.coverage_report $(ARTIFACTS)/.coverage.sqlite $(ARTIFACTS)/.coverage.postgres

# The browser tests: all of them on the production shape (PostgreSQL, Redis page state, two web
# workers); on the embedded default (`make run`: SQLite, one process) the shell, the account
# flows and the profile and outbox pages, which is what that shape changes.
E2E_EMBEDDED := tests/e2e/test_shell.py tests/e2e/test_account_flows.py \
	tests/e2e/test_profile_and_outbox.py
# The two shapes run side by side (`-j2`): a browser test mostly waits for the page, so the
# embedded run fits in the production run's waits. Each has its own app copy, ports and database.
test-e2e: install
	$(MAKE) --no-print-directory -j2 --output-sync=target test-e2e-sqlite test-e2e-postgres

test-e2e-sqlite: install
	TEST_BACKEND=sqlite $(PYTEST) $(E2E_EMBEDDED) --junitxml=$(ARTIFACTS)/junit-e2e-sqlite.xml

test-e2e-postgres: install
	TEST_BACKEND=postgres TEST_POSTGRES_URL=$(TEST_POSTGRES_URL) TEST_REDIS_URL=$(TEST_REDIS_URL) \
		$(PYTEST) tests/e2e --junitxml=$(ARTIFACTS)/junit-e2e-postgres.xml

test: install
	@mkdir -p $(ARTIFACTS); rm -f $(ARTIFACTS)/junit-*.xml $(ARTIFACTS)/.coverage*
	$(MAKE) --no-print-directory lint typecheck
	$(MAKE) --no-print-directory -j2 --output-sync=target test-sqlite test-postgres
	$(MAKE) --no-print-directory coverage test-e2e
	@$(PY) -m tests.summary $(ARTIFACTS)/junit-*.xml

bench: install
	$(PY) -m tests.bench.bench_foundation
	TEST_POSTGRES_URL=$(TEST_POSTGRES_URL) $(PY) -m tests.bench.bench_accounts
	TEST_POSTGRES_URL=$(TEST_POSTGRES_URL) $(PY) -m tests.bench.bench_rates
	TEST_POSTGRES_URL=$(TEST_POSTGRES_URL) $(PY) -m tests.bench.bench_ratesheets
	TEST_POSTGRES_URL=$(TEST_POSTGRES_URL) $(PY) -m tests.bench.bench_queries
	TEST_POSTGRES_URL=$(TEST_POSTGRES_URL) $(PY) -m tests.bench.bench_itineraries
	TEST_POSTGRES_URL=$(TEST_POSTGRES_URL) $(PY) -m tests.bench.bench_pdf
	TEST_POSTGRES_URL=$(TEST_POSTGRES_URL) $(PY) -m tests.bench.bench_quotes
	TEST_POSTGRES_URL=$(TEST_POSTGRES_URL) $(PY) -m tests.bench.bench_mail
	TEST_POSTGRES_URL=$(TEST_POSTGRES_URL) $(PY) -m tests.bench.bench_content
	TEST_POSTGRES_URL=$(TEST_POSTGRES_URL) $(PY) -m tests.bench.bench_itinerary_page
	TEST_POSTGRES_URL=$(TEST_POSTGRES_URL) $(PY) -m tests.bench.bench_proposal
	TEST_POSTGRES_URL=$(TEST_POSTGRES_URL) $(PY) -m tests.bench.bench_load

clean:
	rm -rf .web .reflex $(ARTIFACTS) data/huey.db*
