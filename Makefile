# tnrwatch — `make help` lists the targets.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
export DJANGO_SETTINGS_MODULE := tnrwatch.config.settings

.PHONY: help install demo serve test test-sqlite test-postgres lint check bench eval clean vendor screenshots

help: ## this list
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is needed ($(PYTHON) not found)"; exit 1; }
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) ## create the virtual environment and install tnrwatch with its dev tools

demo: $(STAMP) ## migrate, load the demo data and serve the atlas at http://127.0.0.1:8000
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput -v0
	$(PY) manage.py load_demo
	$(PY) manage.py intake_load_examples
	$(PY) manage.py demo_analyst
	$(PY) manage.py intake_demo_recipient
	$(PY) manage.py runserver --noreload 127.0.0.1:8000

test: $(STAMP) ## run the whole suite on SQLite, then its database tests on PostgreSQL
	$(MAKE) test-sqlite
	$(MAKE) test-postgres

test-sqlite: $(STAMP)
	TNR_ENV=test TNR_DATA_DIR=$(CURDIR)/var/test $(PY) -m pytest -q -p no:cacheprovider $(PYTEST_ARGS)

test-postgres: $(STAMP) ## the database tests against PostgreSQL at 127.0.0.1:5432 (TNR_PG_ALL=1: every test; skips with a reason if none, except under CI)
	TNR_ENV=test TNR_DATA_DIR=$(CURDIR)/var/test-pg $(PY) scripts/pg_test.py $(PYTEST_ARGS)

lint: $(STAMP) ## ruff, mypy (settings in pyproject.toml) and the complexity limit (scripts/complexity.py)
	$(VENV)/bin/ruff check tnrwatch bench scripts
	$(VENV)/bin/mypy
	$(PY) scripts/complexity.py

check: lint test ## lint and tests

bench: $(STAMP) ## benchmarks; figures go to docs/benchmarks.md
	TNR_ENV=test $(PY) -m bench.run

eval: $(STAMP) ## extractor F1 on the dev and held-out sets (prints; WRITE=1 writes docs/benchmarks.md)
	$(PY) -m tnrwatch.extraction.evaluate $(if $(WRITE),--write)

AXE_CORE_VERSION := 4.10.3
GOVUK_FRONTEND_VERSION := 6.6.0
SASS_VERSION := 1.108.2
RTLCSS_VERSION := 4.3.0
GOVUK_OUT := tnrwatch/static/vendor/govuk-frontend

vendor: ## re-vendor the pinned front-end packages from the npm registry (GOV.UK Frontend's CSS, axe-core for the tests)
	@command -v npm >/dev/null || { echo "npm is needed (Debian package npm)"; exit 1; }
	rm -rf vendor/axe-core && mkdir -p vendor/axe-core
	tmp=$$(mktemp -d) && cd $$tmp && npm pack --silent axe-core@$(AXE_CORE_VERSION) >/dev/null \
	  && tar xzf axe-core-$(AXE_CORE_VERSION).tgz \
	  && cp package/axe.min.js package/LICENSE package/LICENSE-3RD-PARTY.txt $(CURDIR)/vendor/axe-core/ \
	  && rm -rf $$tmp
	echo $(AXE_CORE_VERSION) > vendor/axe-core/VERSION
	# GOV.UK Frontend, compiled from its Sass with our settings (static/scss/govuk.scss), and its
	# right-to-left mirror made by RTLCSS; the compiled CSS is committed, so installing needs no npm.
	rm -rf $(GOVUK_OUT) && mkdir -p $(GOVUK_OUT)
	tmp=$$(mktemp -d) && cd $$tmp && npm init -y >/dev/null \
	  && npm install --silent --no-audit --no-fund govuk-frontend@$(GOVUK_FRONTEND_VERSION) sass@$(SASS_VERSION) rtlcss@$(RTLCSS_VERSION) \
	  && npx sass --no-source-map --style=compressed --load-path=node_modules $(CURDIR)/tnrwatch/static/scss/govuk.scss $(CURDIR)/$(GOVUK_OUT)/govuk.min.css \
	  && npx rtlcss --silent $(CURDIR)/$(GOVUK_OUT)/govuk.min.css $(CURDIR)/$(GOVUK_OUT)/govuk.rtl.min.css \
	  && rm -rf $$tmp
	echo "govuk-frontend $(GOVUK_FRONTEND_VERSION), sass $(SASS_VERSION), rtlcss $(RTLCSS_VERSION)" > $(GOVUK_OUT)/VERSION
	cp tnrwatch/static/scss/GOVUK-FRONTEND-LICENSE.txt $(GOVUK_OUT)/LICENSE.txt

screenshots: $(STAMP) ## home, a country page, the report form and an inbox report at 1280 and 390 px, into docs/screenshots/
	TNR_ENV=test TNR_DATA_DIR=$(CURDIR)/var/test TNR_SCREENSHOTS=$(CURDIR)/docs/screenshots \
	  $(PY) -m pytest -q -p no:cacheprovider tnrwatch/atlas/tests/test_browser_accessibility.py

clean: ## remove the virtual environment and local data
	rm -rf $(VENV) var
