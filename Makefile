# Outside-In: `make run` sets everything up and serves the demo; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export OUTSIDEIN_DATA_DIR ?= $(CURDIR)/var
PG_URL ?= postgres://postgres@127.0.0.1:5432/test

.PHONY: messages run test test-sqlite test-postgres install assets browser nginx audit lint demo clean bench

$(STAMP): pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Outside-In needs Python 3.11 or newer")'
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c requirements.lock -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

assets: $(STAMP)
	@bash scripts/build-assets.sh

# The compiled catalogue is committed; recompile when gettext is there.
messages: install
	@if command -v msgfmt >/dev/null; then $(PY) manage.py compilemessages -l fr --ignore=.venv --ignore=node_modules -v 0; \
	else echo "gettext (msgfmt) not installed: using the committed French catalogue"; fi

migrate: install assets messages
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput -v 0

demo: migrate
	$(VENV)/bin/outsidein demo

run: demo
	$(VENV)/bin/outsidein serve

browser:
	@bash scripts/ensure-browser.sh

# The reverse-proxy test runs the application behind a real nginx.
nginx:
	@bash scripts/ensure-nginx.sh

# Known vulnerabilities in the pinned Python and front-end packages, less audit-allowlist.toml.
audit: install
	$(PY) scripts/audit.py

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

test: install assets messages browser nginx audit lint
	@bash scripts/test.sh

bench: install
	@echo "Benchmarks live in bench/; see bench/README.md"

clean:
	rm -rf var node_modules outsidein/static/vendor
