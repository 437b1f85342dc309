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
PYTEST := $(PY) -m pytest -p no:cacheprovider

.PHONY: help install run test lint typecheck test-sqlite test-postgres test-e2e bench clean

help:
	@echo "make run    start TravelCRM (SQLite + SqliteHuey, demo data) on http://localhost:3000"
	@echo "make test   ruff, mypy, the suite on SQLite then PostgreSQL + Redis, browser tests"
	@echo "make bench  print the benchmarks (foundation, domains, load)"

$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

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
	TEST_BACKEND=sqlite $(PYTEST) tests --ignore=tests/e2e --junitxml=$(ARTIFACTS)/junit-sqlite.xml

test-postgres: install
	TEST_BACKEND=postgres TEST_POSTGRES_URL=$(TEST_POSTGRES_URL) TEST_REDIS_URL=$(TEST_REDIS_URL) \
		$(PYTEST) tests --ignore=tests/e2e --junitxml=$(ARTIFACTS)/junit-postgres.xml

test-e2e: install
	TEST_BACKEND=sqlite $(PYTEST) tests/e2e --junitxml=$(ARTIFACTS)/junit-e2e-sqlite.xml
	TEST_BACKEND=postgres TEST_POSTGRES_URL=$(TEST_POSTGRES_URL) TEST_REDIS_URL=$(TEST_REDIS_URL) \
		$(PYTEST) tests/e2e --junitxml=$(ARTIFACTS)/junit-e2e-postgres.xml

test: install
	@mkdir -p $(ARTIFACTS); rm -f $(ARTIFACTS)/junit-*.xml
	$(MAKE) --no-print-directory lint typecheck
	$(MAKE) --no-print-directory test-sqlite test-postgres test-e2e
	@$(PY) -m tests.summary $(ARTIFACTS)/junit-*.xml

bench: install
	$(PY) -m tests.bench.bench_foundation
	TEST_POSTGRES_URL=$(TEST_POSTGRES_URL) $(PY) -m tests.bench.bench_accounts
	TEST_POSTGRES_URL=$(TEST_POSTGRES_URL) $(PY) -m tests.bench.bench_rates
	TEST_POSTGRES_URL=$(TEST_POSTGRES_URL) $(PY) -m tests.bench.bench_ratesheets
	TEST_POSTGRES_URL=$(TEST_POSTGRES_URL) $(PY) -m tests.bench.bench_queries
	TEST_POSTGRES_URL=$(TEST_POSTGRES_URL) $(PY) -m tests.bench.bench_load

clean:
	rm -rf .web .reflex $(ARTIFACTS) data/huey.db*
