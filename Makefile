# «Nyskapende arbeidsgivere»: two commands on a fresh machine.
#   make start  installs everything, builds the book and serves book, apps and JupyterLab
#   make test   installs everything (Chromium and PostgreSQL too) and runs the whole test suite
SHELL := /bin/bash
.DEFAULT_GOAL := help
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMPS := .stamps
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: help start test venv vendor chromium postgres book serve course bench clean

help:
	@echo "make start  – installer, bygg boka og start boka, appene og JupyterLab"
	@echo "make test   – installer og kjør alle testene"
	@echo "make bench  – mål byggetid, retting og app-respons (skriver tall)"

$(STAMPS)/venv: pyproject.toml constraints.txt
	@mkdir -p $(STAMPS)
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check --upgrade "pip>=24"
	$(PY) -m pip install -q --disable-pip-version-check -c constraints.txt -e '.[test]'
	@touch $@

venv: $(STAMPS)/venv

$(STAMPS)/vendor: vendor/package.json vendor/package-lock.json vendor/build.mjs $(wildcard vendor/src/*.js) tools/vendor_assets.py
	@mkdir -p $(STAMPS)
	cd vendor && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	$(PYTHON) tools/vendor_assets.py
	@touch $@

vendor: $(STAMPS)/vendor

chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installerer Debians chromium for nettlesertestene …"; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium >/dev/null; }

postgres:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1 || { \
	  echo "Installerer Debians postgresql for lagringstestene …"; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq postgresql >/dev/null; }

book: venv vendor
	$(VENV)/bin/jupyter-book build . -W -n --keep-going

course: venv
	$(PY) -m grading.cli --stille init

start: venv vendor book course
	$(PY) tools/serve.py

test: venv vendor chromium postgres
	$(VENV)/bin/ruff check .
	$(PY) -m pytest

bench: venv vendor chromium
	$(PY) bench/run_all.py

clean:
	rm -rf _build _vendor_static apps/jupyter/voila/templates/kurs/static/build $(STAMPS)
