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
DEBIAN_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig \
	fonts-noto-core poppler-utils postgresql chromium
STAMP_DEBIAN := $(VENV)/.installed-debian
REPORT_LANGUAGES := en vi lo km

.PHONY: run test lint venv clean lock messages

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

## make run: assess every file in examples/ and write the results under out/, with the
## report of each (out/<name>.report.html and .pdf, in English)
run: $(STAMP_RUN) $(STAMP_DEBIAN)
	$(BIN)/cleanprod assess examples -o out
	@# The report of every example in every language, two at a time:
	@# out/<name>.report.{html,pdf} in English, out/<name>.report.<lang>.{html,pdf} in the others.
	@for example in $(EXAMPLES); do for lang in $(REPORT_LANGUAGES); do \
	  name=$$(basename "$${example%.*}"); suffix=$$([ $$lang = en ] || echo ".$$lang"); \
	  echo "$$example $$lang out/$$name.report$$suffix"; \
	done; done | xargs -P 2 -L 1 sh -c \
	  '$(BIN)/cleanprod report "$$0" --lang "$$1" -o "$$2.html" -o "$$2.pdf"'

## make test: ruff, the whole pytest suite (the platform on SQLite), then the platform's tests
## again on a throwaway PostgreSQL server
test: $(STAMP_DEV) $(STAMP_DEBIAN)
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

clean:
	rm -rf $(VENV) out .pytest_cache .ruff_cache .hypothesis
