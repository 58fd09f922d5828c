# The two commands a newcomer needs: `make run` and `make test`. Everything else is installed here.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run dev demo test lint format bench clean system-deps run-deps

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Reinstall when the project's dependency list changes.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Debian's Chromium drives the browser tests (Playwright never downloads a browser here); Pango,
# HarfBuzz and fonts let WeasyPrint render the PDF exports; poppler-utils (pdftoppm) lets the tests
# render those PDFs to PNG and check the page layout.
PDF_DEPS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 fonts-dejavu-core

# wrk loads the web pages in bench/pages.py (8 connections on loopback, against a bare Django view).
BENCH_DEPS := wrk

# R with lme4 regenerates tests/reference/network_lme4_values.csv and is the peer in bench/network.py.
R_DEPS := r-base-core r-cran-lme4

system-deps:
	@bash scripts/system-deps.sh chromium poppler-utils $(PDF_DEPS)

# Only what the application itself needs at run time (no browser).
run-deps:
	@bash scripts/system-deps.sh $(PDF_DEPS)

# The web application on http://127.0.0.1:8000 through gunicorn (migrations applied, task worker
# and reminder scheduler started beside it, all stopping with it).
run: $(STAMP) run-deps
	$(BIN)/interdep serve

# For changing the code: Django's development server, restarted on every change (task worker too).
dev: $(STAMP) run-deps
	$(BIN)/interdep serve --dev

# A linked demo couple who answered and agreed to share; prints their logins.
demo: $(STAMP)
	$(BIN)/interdep demo

# The import order is checked before the tests (lint-imports reads pyproject.toml), and so is
# every import placed inside a function (each must say why). pytest runs on every core.
test: $(STAMP) system-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/python scripts/check_function_imports.py
	$(BIN)/pytest -p no:cacheprovider -n auto

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/python scripts/check_function_imports.py

bench: $(STAMP)
	@bash scripts/system-deps.sh $(BENCH_DEPS) $(PDF_DEPS)
	$(BIN)/python bench/pages.py
	$(BIN)/python bench/score.py
	$(BIN)/python bench/apim.py
	$(BIN)/python bench/dynamics.py
	@bash scripts/system-deps.sh $(R_DEPS)
	$(BIN)/python bench/network.py

clean:
	rm -rf $(VENV) var build dist .pytest_cache .ruff_cache
