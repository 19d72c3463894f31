# The two commands a newcomer needs: `make run` and `make test`. Both set everything up on a fresh machine.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
BIN := $(VENV)/bin
# Python 3.12 or newer: on PATH, or under pyenv (these machines' python3 is 3.11).
PYTHON := $(shell for candidate in python3.13 python3.12 \
	$$(ls -d $$(pyenv root 2>/dev/null || echo $$HOME/.pyenv)/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV) python3; do \
	  if command -v $$candidate >/dev/null 2>&1 && $$candidate -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
	    command -v $$candidate; break; fi; done)
DEV_ENV := DJANGO_DEBUG=1
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: help setup system-packages run test lint checks pytest chromium libreoffice demo clean

help:
	@echo "make run    set up, load the demo data and serve http://127.0.0.1:8000/ (SQLite)"
	@echo "make test   set up and run every check and test (lint, migrations, deploy checks, pytest, browser)"

$(BIN)/.installed: pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.12 or newer is needed (none found on PATH or under pyenv)"; exit 1; }
	@echo "Using $(PYTHON)"
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet ".[test]"
	touch $@

setup: system-packages $(BIN)/.installed

# Pango and HarfBuzz from Debian for WeasyPrint (the Board pack PDF), installed only when missing.
system-packages:
	@PATH="$$PATH:/usr/sbin:/sbin" ldconfig -p | grep -q libpango-1.0 || { $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq \
		libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b fonts-liberation >/dev/null; }

demo: setup
	$(DEV_ENV) $(BIN)/python manage.py migrate --no-input
	$(DEV_ENV) $(BIN)/python manage.py load_demo

# The server and one background worker (verifications, exports, emails, PDFs, the nightly run) side by side. Ctrl+C
# reaches both (they share the terminal's process group); the trap stops the worker however the server ends.
run: demo
	@echo "Serving http://127.0.0.1:8000/ with a background worker (stop both with Ctrl+C)"
	@$(DEV_ENV) $(BIN)/python manage.py run_worker --reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	$(DEV_ENV) $(BIN)/python manage.py runserver 127.0.0.1:8000

# Debian's Chromium for the browser tests; Playwright never downloads a browser of its own.
chromium:
	@command -v chromium >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null; }

# LibreOffice Calc without its desktop, for the tests only (make run does not need it): the XLSX exports must open
# as intended, and the import must read files saved as an officer would; installed only when missing.
libreoffice:
	@command -v soffice >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq libreoffice-calc-nogui >/dev/null; }

lint: setup
	@# A merge left half-done would otherwise pass: ruff reads no Markdown, templates or YAML.
	@if git grep -nE '^(<<<<<<<|>>>>>>>) ' 2>/dev/null; then echo "Merge conflict markers above"; exit 1; fi
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	@# The apps' layers (pyproject.toml): an import against them fails the build, one inside a function included.
	$(BIN)/lint-imports

checks: setup
	$(DEV_ENV) $(BIN)/python manage.py makemigrations --check --dry-run
	DJANGO_DEBUG=0 ALLOWED_HOSTS=prevent.example.gov.uk \
		SECRET_KEY="$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
		AUDIT_SIGNING_KEY="$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(32))')" \
		AUDIT_CHECKPOINT_PATH="$$(mktemp -u)" \
		$(BIN)/python manage.py check --deploy --fail-level WARNING

# One pytest-xdist worker per core (two on these machines and CI's): each has its own test database (pytest-django
# suffixes its name), its own files (tests/conftest.py) and its own live server and Chromium. worksteal: a worker
# that runs dry takes tests from the other, since a few files (the browser's, the matrix) take most of the time.
# PYTEST_WORKERS=0 runs the suite in one process; PYTEST_ARGS adds to pytest's arguments.
PYTEST_WORKERS ?= auto
PYTEST_ARGS ?=

pytest: setup chromium libreoffice
	$(DEV_ENV) $(BIN)/pytest -n $(PYTEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

test: lint checks pytest

# The development checkpoints vouch for db.sqlite3's chain alone: they go with it.
clean:
	rm -rf $(VENV) db.sqlite3 staticfiles var/audit-checkpoints.log
