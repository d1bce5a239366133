# Cocrea — `make run` serves the site on embedded defaults; `make test` runs the suite.
# Both create .venv and install on first use and skip what is already done.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
SERVICE_MARKERS := postgres or redis or opensearch

.DEFAULT_GOAL := help
.PHONY: help install axe vnu run test test-embedded bench faults lint format messages services-up services-down clean

help:
	@echo "make run            set up on embedded defaults and serve http://$(HOST):$(PORT)"
	@echo "make test           run the whole test suite (real services if 'make services-up' ran)"
	@echo "make test-embedded  run the suite on the embedded defaults only"
	@echo "make services-up    start PostgreSQL, Redis and OpenSearch on loopback"
	@echo "make services-down  stop them and delete their data"
	@echo "make bench          benchmarks on the real services (QUICK=1: a few minutes)"
	@echo "make faults         the mixed load while each service fails in turn"
	@echo "make lint           ruff and migrations check"

# --- setup -------------------------------------------------------------------------
$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Cocrea needs Python 3.11"' \
		|| { echo "error: $(PYTHON) is not Python 3.11"; exit 1; }
	@$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); \
		echo "error: could not create $(VENV); on Debian: apt-get install python3-venv"; exit 1; }

$(VENV)/.installed: $(BIN)/python pyproject.toml requirements.lock
	@$(BIN)/python -m pip install -q --disable-pip-version-check --upgrade pip
	@$(BIN)/python -m pip install -q --disable-pip-version-check -c requirements.lock '.[dev]'
	@touch $@

install: $(VENV)/.installed

PO_FILES := $(wildcard locale/*/LC_MESSAGES/django.po locale_wagtail/*/LC_MESSAGES/*.po)
MO_FILES := $(PO_FILES:.po=.mo)

# Compiled with GNU msgfmt when the machine has it, otherwise with Babel (pure Python).
%.mo: %.po $(VENV)/.installed
	@if command -v msgfmt >/dev/null; then msgfmt --check -o $@ $<; \
		else $(BIN)/pybabel compile -i $< -o $@; fi

messages: $(MO_FILES)

var/.static: $(VENV)/.installed $(shell find static -type f 2>/dev/null)
	@mkdir -p var
	@DJANGO_SETTINGS_MODULE=cocrea.settings.dev $(BIN)/python manage.py collectstatic --noinput -v0
	@touch $@

# --- run -------------------------------------------------------------------------------
# Each step says what it does (the first run installs for some minutes); the demo's logs
# stay quiet (SEED_VERBOSITY=2 shows them) and the last thing printed is where to go.
MANAGE := DJANGO_SETTINGS_MODULE=cocrea.settings.dev $(BIN)/python manage.py
SEED_VERBOSITY ?= 1
step = @printf '%s %s\n' "[$(1)/5]" "$(2)"

run: export SITE_URL ?= http://$(HOST):$(PORT)
run:
	$(call step,1,Installing dependencies… (the first time takes a few minutes))
	@$(MAKE) --no-print-directory -s install
	$(call step,2,Compiling translations and collecting static files…)
	@$(MAKE) --no-print-directory -s messages var/.static
	$(call step,3,Preparing the database…)
	@mkdir -p var
	@$(MANAGE) migrate --noinput -v0
	$(call step,4,Updating the search index…)
	@$(MANAGE) search_check -v0
	$(call step,5,Loading the demonstration content…)
	@$(MANAGE) seed_demo -v$(SEED_VERBOSITY) --box
	@DJANGO_SETTINGS_MODULE=cocrea.settings.dev $(BIN)/uvicorn cocrea.asgi:application \
		--host $(HOST) --port $(PORT) --lifespan off --log-level warning

# axe-core for the accessibility tests in tests/browser: the package's tarball from the
# npm registry (no node or npm needed), checked against its SHA-256, unpacked under var/.
AXE_VERSION := 4.10.3
AXE_SHA256 := 0f2b4d7dcdf7d1219df8d1959ad68e565f51d14c3f0d88bb71cd59abeb956292
AXE_JS := var/axe/node_modules/axe-core/axe.min.js

$(AXE_JS):
	@if ! command -v curl >/dev/null; then \
		echo "note: curl not found, the accessibility tests will be skipped"; \
	else \
		mkdir -p var/axe/node_modules/axe-core && \
		curl -fsSL -o var/axe/axe-core.tgz https://registry.npmjs.org/axe-core/-/axe-core-$(AXE_VERSION).tgz && \
		echo "$(AXE_SHA256)  var/axe/axe-core.tgz" | sha256sum -c --quiet && \
		tar -xzf var/axe/axe-core.tgz -C var/axe/node_modules/axe-core --strip-components=1 \
			package/axe.min.js package/LICENSE && \
		rm var/axe/axe-core.tgz; \
	fi

axe: $(AXE_JS)

# The Nu Html Checker (vnu.jar, the W3C's validator) for the HTML validity tests: the npm
# registry's vnu-jar tarball, checked against its SHA-256, the jar alone kept under var/.
# It runs on the machine's Java 17 (openjdk-17-jdk-headless, which OpenSearch needs too).
VNU_VERSION := 26.9.27
VNU_SHA256 := 5970d3ffca91a627cf0965e5d91bb2e4242307c29292998de0b419d6a901b2b7
VNU_JAR := var/vnu/vnu.jar

$(VNU_JAR):
	@if ! command -v curl >/dev/null; then \
		echo "note: curl not found, the HTML validity tests will be skipped"; \
	else \
		mkdir -p var/vnu && \
		curl -fsSL -o var/vnu/vnu-jar.tgz https://registry.npmjs.org/vnu-jar/-/vnu-jar-$(VNU_VERSION).tgz && \
		echo "$(VNU_SHA256)  var/vnu/vnu-jar.tgz" | sha256sum -c --quiet && \
		tar -xzf var/vnu/vnu-jar.tgz -C var/vnu --strip-components=3 package/build/dist/vnu.jar && \
		rm var/vnu/vnu-jar.tgz; \
	fi

vnu: $(VNU_JAR)

# --- tests ---------------------------------------------------------------------------
test: install messages axe vnu
	@bash -c 'source services/load-env.sh && exec $(BIN)/pytest $(PYTEST_ARGS)'

# On the embedded defaults (SQLite, in-memory layer, database search), whatever is running:
# the tests of what behaves differently there (tests/conftest.py EMBEDDED_DIFFERS).
# `make test` without services runs the whole suite on the embedded defaults anyway.
test-embedded: install messages axe vnu
	env -u DATABASE_URL -u REDIS_URL -u SEARCH_URL SEARCH_ENGINE=database \
		$(BIN)/pytest -m "embedded and not ($(SERVICE_MARKERS))" $(PYTEST_ARGS)

# Benchmarks and fault runs on the real services (`make services-up` first). Each is a module
# run from the root (python -m bench.<name>), prints its goals beside its results and writes
# JSON under bench/results/ (see bench/README.md); the summary table of the goals ends the
# run. QUICK=1: the same in a few minutes.
BENCHMARKS = "render_discussion $(if $(QUICK),--quick)" \
	"throughput $(if $(QUICK),--quick)" \
	"live_fanout $(if $(QUICK),--quick --layer pubsub)" \
	$(if $(QUICK),,"hearings") \
	"search_engines $(if $(QUICK),--quick)" \
	"budgets $(if $(QUICK),--quick)" \
	"load $(if $(QUICK),--quick)"

bench: install messages var/.static
	@bash -c 'source services/load-env.sh; started=$$(date +%s); failed=""; \
		for benchmark in $(BENCHMARKS); do \
			echo; echo "=== python -m bench.$$benchmark"; \
			$(BIN)/python -m bench.$$benchmark || failed="$$failed $${benchmark%% *}"; \
		done; \
		$(BIN)/python -m bench.summary --since $$started $(if $(QUICK),--within 300); \
		echo "make bench$(if $(QUICK), QUICK=1) took $$(( $$(date +%s) - started )) s"; \
		if [ -n "$$failed" ]; then echo; echo "FAILED:$$failed"; exit 1; fi'

faults: install messages var/.static
	@bash -c 'source services/load-env.sh && exec $(BIN)/python -m bench.faults'

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DJANGO_SETTINGS_MODULE=cocrea.settings.dev $(BIN)/python manage.py makemigrations --check --dry-run

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# --- services --------------------------------------------------------------------------
services-up:
	services/up.sh

services-down:
	services/down.sh

clean:
	rm -rf var/.static var/static $(MO_FILES)
