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

.PHONY: help start test venv vendor chromium postgres hunspell book serve course bench clean i18n i18n-status i18n-draft

help:
	@echo "make start  – installer, bygg boka og start boka, appene og JupyterLab"
	@echo "make test   – installer og kjør alle testene"
	@echo "make bench  – mål byggetid, retting og app-respons (skriver tall)"
	@echo "make i18n   – hent ut tekstene og oppdater de nynorske katalogene i locale/nn"
	@echo "make i18n-status – vis hva som mangler eller er uklart (fuzzy) i nynorsk"

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

# The spell check (tests/test_spelling.py) uses Debian's hunspell with hunspell-no: nb_NO
# for the bokmål text, nn_NO for the nynorsk edition.
hunspell:
	@{ command -v hunspell >/dev/null 2>&1 && test -f /usr/share/hunspell/nb_NO.dic \
	   && test -f /usr/share/hunspell/nn_NO.dic; } || { \
	  echo "Installerer Debians hunspell og hunspell-no for stavekontrollen …"; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq hunspell hunspell-no >/dev/null; }

# Both editions: bokmål in _build/html, nynorsk (from locale/nn) in _build/html/nn.
book: venv vendor
	$(VENV)/bin/jupyter-book build . -W -n --keep-going
	$(PY) tools/i18n.py build --lang nn

# Translators: bring locale/nn in step with the bokmål text (changed sentences become fuzzy).
i18n: venv
	$(PY) tools/i18n.py extract
	$(PY) tools/i18n.py update --lang nn
	-$(PY) tools/i18n.py status --lang nn

# A machine draft (Apertium, Debian's apertium-nno-nob) for untranslated entries, marked
# fuzzy: a translator reads and corrects every one. Neither the build nor the tests need it.
i18n-draft: venv
	@command -v apertium >/dev/null 2>&1 && test -f /usr/share/apertium/modes/nob-nno_e.mode || { \
	  echo "Installerer Debians apertium-nno-nob for maskinutkast …"; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq apertium-nno-nob >/dev/null; }
	$(PY) tools/i18n.py draft --lang nn

i18n-status: venv
	$(PY) tools/i18n.py extract
	$(PY) tools/i18n.py status --lang nn

course: venv
	$(PY) -m grading.cli --stille init

start: venv vendor book course
	$(PY) tools/serve.py

test: venv vendor chromium postgres hunspell
	$(PY) -m pytest

bench: venv vendor chromium
	$(PY) bench/run_all.py

clean:
	rm -rf _build _vendor_static apps/jupyter/voila/templates/kurs/static/build $(STAMPS)
