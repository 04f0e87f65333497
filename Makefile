# Passeport — the two commands of the README are `make run` and `make test`.
# Every target installs what it needs first; nothing is expected to be installed by hand.

SHELL := /bin/bash
.DEFAULT_GOAL := help
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8000
export PORT

.PHONY: help install run test lint format bench system-test-deps clean

help:
	@echo "make run    — installe, migre, charge la démo et lance le service sur http://127.0.0.1:$(PORT)"
	@echo "make test   — installe ce qu'il faut (PostgreSQL, chromium) et lance toute la suite de tests"
	@echo "make lint   — formatage, analyse statique et migrations à jour"
	@echo "make bench  — lance les mesures de performance de bench/"

# Idempotent and fast: pip runs again only when pyproject.toml changed since the last install.
install: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || "$$(scripts/find-python)" -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $(STAMP)

run: install
	$(BIN)/passeport run --demo --port $(PORT)

# PostgreSQL, chromium, Node and poppler come from Debian's packages when missing (as root, like
# CI); the npm test tools (tests/node) are installed from their lock file.
system-test-deps:
	@scripts/install-system-deps
	@cd tests/node && npm ci --no-audit --no-fund --loglevel=error

# The whole suite on a throwaway PostgreSQL cluster, then again on SQLite (the embedded default;
# browser and end-to-end tests, already run once, are not repeated).
test: install system-test-deps
	$(BIN)/python -m pytest
	PASSEPORT_TEST_DB=sqlite $(BIN)/python -m pytest -q -m "not browser and not slow"

lint: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install system-test-deps
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) var/test-*
