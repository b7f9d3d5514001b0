# The two commands of the README: `make run` and `make test`. Each installs what it needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CONSTRAINTS := requirements/constraints.txt
STAMP_RUN := $(VENV)/.installed-run
STAMP_DEV := $(VENV)/.installed-dev
# Debian packages of the report (`cleanprod report`): Pango and HarfBuzz for WeasyPrint, the
# Noto fonts that carry Vietnamese, Lao (Noto Sans Lao) and Khmer (Noto Sans Khmer), and
# poppler-utils (pdftoppm, pdftotext, pdffonts), which the report's tests read the PDF with.
# The platform's tests need a PostgreSQL server (started by tests/with_postgres.py as a
# throwaway cluster) and Chromium (driven headless by Playwright in tests/web/browser).
# GNU gettext extracts the platform's messages (`make web-messages`) and checks them in tests.
DEBIAN_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig \
	fonts-noto-core poppler-utils postgresql chromium gettext
STAMP_DEBIAN := $(VENV)/.installed-debian
REPORT_LANGUAGES := en vi lo km
# The platform's catalogues (src/cleanprod/web/locale): the .po files are kept in git, the .mo
# files Django reads are compiled from them (`web-catalogues`, before `run` and `test`).
WEB_LOCALE := src/cleanprod/web/locale
WEB_LANGUAGES := vi lo km
WEB_CATALOGUES := $(foreach lang,$(WEB_LANGUAGES),$(WEB_LOCALE)/$(lang)/LC_MESSAGES/django.mo)

.PHONY: run reports test lint venv clean lock messages

# Installs the missing Debian packages (with sudo when not root); fails, saying what to
# install, when it cannot.
$(STAMP_DEBIAN): Makefile
	@missing=""; \
	for package in $(DEBIAN_PACKAGES); do \
	  dpkg -s $$package 2>/dev/null | grep -q '^Status: install ok installed' \
	    || missing="$$missing $$package"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if ! command -v apt-get >/dev/null 2>&1; then \
	    echo "cleanprod needs the Debian packages$$missing (or their equivalents), and this" \
	      "machine has no apt-get; install them and run make again." >&2; exit 1; \
	  fi; \
	  if [ "$$(id -u)" = 0 ]; then sudo=""; \
	  elif command -v sudo >/dev/null 2>&1; then sudo="sudo"; \
	  else echo "cleanprod needs the Debian packages$$missing; run as root:" \
	      "apt-get install --no-install-recommends$$missing" >&2; exit 1; fi; \
	  echo "Installing the Debian packages$$missing"; \
	  $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing \
	  || { $$sudo apt-get update -q && $$sudo env DEBIAN_FRONTEND=noninteractive \
	       apt-get install -y -q --no-install-recommends $$missing; } \
	  || { echo "Could not install the Debian packages$$missing; install them with" \
	       "'sudo apt-get install --no-install-recommends$$missing' and run make again." >&2; \
	       exit 1; }; \
	fi
	@mkdir -p $(VENV) && touch $@

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "cleanprod needs Python 3.11 or newer" or 0)'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip==$$(grep -E '^pip==' $(CONSTRAINTS) | cut -d= -f3)"

$(STAMP_RUN): $(BIN)/python pyproject.toml $(CONSTRAINTS)
	$(BIN)/python -m pip install --quiet -c $(CONSTRAINTS) -e .
	touch $@

$(STAMP_DEV): $(BIN)/python pyproject.toml $(CONSTRAINTS)
	$(BIN)/python -m pip install --quiet -c $(CONSTRAINTS) -e '.[dev]'
	touch $@ $(STAMP_RUN)

venv: $(STAMP_DEV)

EXAMPLES := $(sort $(wildcard examples/*.yaml examples/*.yml examples/*.json examples/*.xlsx))

## make run: start the platform on http://127.0.0.1:8000 (demo data and logins on the first
## start; stop with Ctrl-C) while, in the background at low priority, every example is
## assessed and reported under out/ (`make reports`; its log is out/reports.log).
run: $(STAMP_RUN) $(STAMP_DEBIAN) web-catalogues
	@mkdir -p out
	@echo "Writing the results and reports of examples/ to out/ in the background, at low" \
	  "priority (about 4 min on 2 cores; log: out/reports.log)."
	@# The reports run in a session of their own, which the trap ends with the server.
	@setsid nice -n 10 $(MAKE) --no-print-directory reports >out/reports.log 2>&1 & \
	reports=$$!; \
	trap 'kill -s TERM -- -$$reports 2>/dev/null' EXIT; trap 'exit 130' INT TERM; \
	$(BIN)/python -m cleanprod.web start

## make reports: assess every file in examples/ and write the results under out/, with the
## report of each in every language (out/<name>.report.html and .pdf, in English, and
## out/<name>.report.<lang>.html and .pdf)
reports: $(STAMP_RUN) $(STAMP_DEBIAN)
	$(BIN)/cleanprod assess examples -o out
	@# The report of every example in every language, two at a time:
	@# out/<name>.report.{html,pdf} in English, out/<name>.report.<lang>.{html,pdf} in the others.
	@for example in $(EXAMPLES); do for lang in $(REPORT_LANGUAGES); do \
	  name=$$(basename "$${example%.*}"); suffix=$$([ $$lang = en ] || echo ".$$lang"); \
	  echo "$$example $$lang out/$$name.report$$suffix"; \
	done; done | xargs -P 2 -L 1 sh -c \
	  '$(BIN)/cleanprod report "$$0" --lang "$$1" -o "$$2.html" -o "$$2.pdf"'
	@echo "Every result and report is under out/."

## make test: ruff, the whole pytest suite (the platform on SQLite), then the platform's tests
## again on a throwaway PostgreSQL server
test: $(STAMP_DEV) $(STAMP_DEBIAN) web-catalogues
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest
	$(BIN)/python tests/with_postgres.py $(BIN)/python -m pytest tests/web -p no:cacheprovider \
	  -m "not browser"

lint: $(STAMP_DEV)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## make lock: re-pin every dependency after a change to pyproject.toml
lock: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	{ echo '# Pinned versions; regenerate with `make lock`.'; echo "pip==$$($(BIN)/python -m pip --version | cut -d' ' -f2)"; \
	  $(BIN)/python -m pip freeze --exclude-editable | grep -v '^-e'; } > $(CONSTRAINTS)

## make messages: extract every message of the report (templates, charts, words) and every
## sentence of the calculations the report shows (`Message("...")` in src/cleanprod/core) into
## the catalogue template src/cleanprod/report/locale/cleanprod.pot, and bring the vi, lo and
## km catalogues up to date with it (new messages empty, to translate; none is guessed).
## `cleanprod report --lang vi` refuses a catalogue with an empty message.
LOCALE := src/cleanprod/report/locale
messages: $(STAMP_DEV)
	$(BIN)/pybabel extract --no-location --omit-header --sort-output \
	  -F src/cleanprod/report/babel.cfg -k t -k N_ -k Message --project cleanprod \
	  -o $(LOCALE)/cleanprod.pot src/cleanprod/report src/cleanprod/core
	for lang in vi lo km; do \
	  if [ -f $(LOCALE)/$$lang/LC_MESSAGES/cleanprod.po ]; then \
	    $(BIN)/pybabel update --no-fuzzy-matching --ignore-obsolete -D cleanprod -l $$lang \
	      -i $(LOCALE)/cleanprod.pot -d $(LOCALE) || exit 1; \
	  else \
	    $(BIN)/pybabel init -D cleanprod -l $$lang -i $(LOCALE)/cleanprod.pot -d $(LOCALE) \
	      || exit 1; \
	  fi; \
	done

## make web-messages: bring the platform's catalogues (src/cleanprod/web/locale/{vi,lo,km}/
## LC_MESSAGES/django.po) up to date with its templates and Python code (Django's
## makemessages over src/cleanprod/web, sorted, without line numbers): new messages come in
## empty, changed ones fuzzy, unused ones go. Then translate every empty and fuzzy message
## (`make test` fails, naming them, until then) and compile.
.PHONY: web-messages web-catalogues
web-messages: $(STAMP_DEV) $(STAMP_DEBIAN)
	cd src/cleanprod/web && CLEANPROD_DATA_DIR="$(CURDIR)/data" "$(CURDIR)/$(BIN)/python" -P \
	  -m cleanprod.web makemessages -d django $(WEB_LANGUAGES:%=-l %) --no-location --no-obsolete
	for lang in $(WEB_LANGUAGES); do \
	  msgcat --sort-output -o $(WEB_LOCALE)/$$lang/LC_MESSAGES/django.po \
	    $(WEB_LOCALE)/$$lang/LC_MESSAGES/django.po || exit 1; \
	done
	$(BIN)/python -m cleanprod.web compile_catalogues

## make web-catalogues: compile the catalogues whose .po file changed (each .mo file is the
## stamp of its .po file); Babel compiles them, no GNU gettext needed.
web-catalogues: $(WEB_CATALOGUES)
$(WEB_LOCALE)/%/LC_MESSAGES/django.mo: $(WEB_LOCALE)/%/LC_MESSAGES/django.po | $(STAMP_RUN)
	$(BIN)/python -m cleanprod.web compile_catalogues --locale $*

clean:
	rm -rf $(VENV) out .pytest_cache .ruff_cache .hypothesis
