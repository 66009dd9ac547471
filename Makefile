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

.PHONY: help start test venv vendor chromium postgres hunspell sandkasse pango acl oidc-provider book serve course bench clean hub hub-deps i18n i18n-status i18n-draft

help:
	@echo "make start  – installer, bygg boka og start boka, appene og JupyterLab"
	@echo "make test   – installer og kjør alle testene"
	@echo "make bench  – mål byggetid, retting og app-respons (skriver tall)"
	@echo "make hub    – kurshuben for mange: boka, appene, JupyterLab per deltaker og retting (som root)"
	@echo "make i18n   – hent ut tekstene og oppdater de nynorske katalogene i locale/nn"
	@echo "make i18n-status – vis hva som mangler eller er uklart (fuzzy) i nynorsk"

$(STAMPS)/venv: pyproject.toml constraints.txt
	@mkdir -p $(STAMPS)
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check --upgrade "pip>=24"
	$(PY) -m pip install -q --disable-pip-version-check -c constraints.txt -e '.[test]'
	@touch $@

venv: $(STAMPS)/venv

$(STAMPS)/vendor: vendor/package.json vendor/package-lock.json vendor/build.mjs $(wildcard vendor/src/*.js) tools/vendor_assets.py tools/build_wheels.py constraints.txt | $(STAMPS)/venv
	@mkdir -p $(STAMPS)
	cd vendor && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	$(PYTHON) tools/vendor_assets.py
	$(PY) tools/build_wheels.py
	@touch $@

vendor: $(STAMPS)/vendor

# The hub runs learner servers as other Unix users, so its Python must be readable by all of them:
# Debian's python3 (a Python under /root, as pyenv makes it, is not). One venv, the same pins.
HUB_PYTHON ?= /usr/bin/python3
HUB_VENV := .venv-hub

$(STAMPS)/hub-venv: pyproject.toml constraints.txt
	@mkdir -p $(STAMPS)
	@test -x $(HUB_PYTHON) || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq python3 python3-venv >/dev/null; }
	test -x $(HUB_VENV)/bin/python || $(HUB_PYTHON) -m venv $(HUB_VENV) || { \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq python3-venv >/dev/null && $(HUB_PYTHON) -m venv $(HUB_VENV); }
	$(HUB_VENV)/bin/python -m pip install -q --disable-pip-version-check --upgrade "pip>=24"
	@# soupsieve >= 3 needs Python >= 3.11.5 (Debian 12 has 3.11.2): let pip pick the 2.x it can use.
	grep -v '^soupsieve==' constraints.txt > $(STAMPS)/hub-constraints.txt
	$(HUB_VENV)/bin/python -m pip install -q --disable-pip-version-check -c $(STAMPS)/hub-constraints.txt -e '.[hub]'
	@touch $@

$(STAMPS)/hub-npm: hub/package.json hub/package-lock.json
	@mkdir -p $(STAMPS)
	cd hub && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	@touch $@

hub-deps: venv $(STAMPS)/hub-venv $(STAMPS)/hub-npm acl

# setfacl: the hub's spawner lets «Min side» see (search only) whether a learner has fetched
# an assignment (kurshub.spawner.let_see_fetched).
acl:
	@command -v setfacl >/dev/null 2>&1 || { \
	  echo "Installerer Debians acl (setfacl) for «Min side» på huben …"; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq acl >/dev/null; }

# A real OpenID Connect provider (npm oidc-provider) for the hub's login test
$(STAMPS)/oidc-provider: tests/oidc/package.json tests/oidc/package-lock.json
	@mkdir -p $(STAMPS)
	cd tests/oidc && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	@touch $@

oidc-provider: $(STAMPS)/oidc-provider

chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installerer Debians chromium for nettlesertestene …"; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium >/dev/null; }

# bubblewrap: the sandbox every kernel that runs learner code starts in (grading/sandbox.py);
# zip: the tests make a real password-protected zip with it.
sandkasse:
	@{ command -v bwrap && command -v zip; } >/dev/null 2>&1 || { \
	  echo "Installerer Debians bubblewrap (sandkasse for rettingen) og zip …"; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq bubblewrap zip >/dev/null; }

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

# WeasyPrint (kursbevis and grading guides as tagged PDF) draws text with Pango.
pango:
	@ldconfig -p 2>/dev/null | grep -q 'libpangoft2-1.0.so.0' || { \
	  echo "Installerer Debians Pango for PDF-ene (kursbevis og rettehjelp) …"; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 \
	    libharfbuzz-subset0 >/dev/null; }

# Both editions, strictly: bokmål in _build/html, nynorsk (from locale/nn) in _build/html/nn,
# built at the same time on two cores (tools/book.py; --serial builds one after the other).
book: venv vendor
	$(PY) tools/book.py

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

course: venv sandkasse
	$(PY) -m grading.cli --stille init

start: venv vendor pango book course
	$(PY) tools/serve.py

hub: hub-deps vendor book
	cd hub && $(SUDO) ../$(HUB_VENV)/bin/python -m kurshub.run

test: venv vendor chromium postgres hunspell sandkasse pango hub-deps oidc-provider
	$(VENV)/bin/ruff check .
	$(PY) -m pytest

bench: venv vendor chromium sandkasse
	$(PY) bench/run_all.py

clean:
	rm -rf _build _vendor_static apps/jupyter/voila/templates/kurs/static/build $(STAMPS)
