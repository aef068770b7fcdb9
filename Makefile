# Académie: `make demo` runs the demo, `make test` runs the whole suite.
# Needs only Python 3.11 (with pip), make and Node.js/npm on the machine.

PYTHON ?= python3
UV := $(PYTHON) -m uv
RUN := $(UV) run --frozen
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?= -n 2
BENCHES := pages ingest certificates hr_measure diagnostic_measure weight load faults

.PHONY: help install system-packages python-packages node-packages assets demo test test-production check lint bench clean

help:
	@echo "make demo             install everything, build the demo, serve it on http://$(HOST):$(PORT)/"
	@echo "make test             install everything and run the whole test suite (embedded profile)"
	@echo "make test-production  the suite against PostgreSQL + Redis + a Celery worker (needs DATABASE_URL, REDIS_URL, SECRET_KEY)"
	@echo "make check            lint (ruff), format check, migrations in step with the models, import contracts"
	@echo "make bench            run the benchmarks under bench/ (PostgreSQL and Redis on 127.0.0.1)"

install: python-packages node-packages assets

# uv is the project's installer; fetched with pip when missing.
python-packages:
	@$(UV) --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet --disable-pip-version-check uv
	$(UV) sync --frozen --quiet

# Stamp files: npm ci and the assets are redone only when what they come from changed.
node-packages: node_modules/.installed
node_modules/.installed: package.json package-lock.json
	# --ignore-scripts: the packages ship built files; a preinstall hook of h5p-standalone runs npx.
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

# Translations compiled with Babel (no GNU gettext needed); certificate fonts converted to TTF.
CATALOGUES := $(shell find . -name django.po -not -path './.venv/*' -not -path './node_modules/*')
# The fonts go to the data folder: one stamp per data folder.
ASSETS_STAMP := $(or $(ACADEMIE_DATA_DIR),var)/.assets-built
assets: $(ASSETS_STAMP)
$(ASSETS_STAMP): $(CATALOGUES) node_modules/.installed | python-packages
	$(RUN) python manage.py compile_translations
	$(RUN) python manage.py certificate_fonts
	@mkdir -p $(dir $@) && touch $@

# Browser and PDF tools for the tests (Debian packages). Installed when missing and possible.
system-packages:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v pdftoppm >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "Missing$$missing: the browser and PDF tests will be skipped (install them to run those)."; \
	  fi; \
	fi

# HOST and PORT reach the commands: SITE_URL (links printed, e-mailed, stored and in QR codes)
# then names the address actually served (academy/settings/env.py).
demo: export HOST := $(HOST)
demo: export PORT := $(PORT)
demo: install
	$(RUN) python manage.py migrate --noinput
	$(RUN) python manage.py seed_demo
	$(RUN) python manage.py runserver $(HOST):$(PORT)

test: install system-packages
	$(RUN) pytest $(PYTEST_ARGS)

# CI's second pass: same suite, production profile (PostgreSQL, Redis, real Celery worker).
test-production: install system-packages
	@test -n "$$DATABASE_URL" -a -n "$$REDIS_URL" || { echo "DATABASE_URL and REDIS_URL must be set"; exit 2; }
	$(RUN) python manage.py check --deploy --fail-level WARNING
	$(RUN) pytest $(PYTEST_ARGS)

# Fast gates, before the suite (CI runs them first): lint, format, migrations in step with models,
# dependency direction between apps (import-linter contracts in pyproject.toml).
check: python-packages
	$(RUN) ruff check .
	$(RUN) ruff format --check .
	$(RUN) python manage.py makemigrations --check --dry-run
	$(RUN) lint-imports

lint: check

# Each benchmark prints its figures; they use PostgreSQL and Redis on 127.0.0.1.
bench: install
	for b in $(BENCHES); do echo "== bench/$$b.py"; $(RUN) python bench/$$b.py || exit 1; done

clean:
	rm -rf var .pytest_cache
