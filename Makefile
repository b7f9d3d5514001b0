# The two commands of the README: `make run` and `make test`. Each installs what it needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CONSTRAINTS := requirements/constraints.txt
STAMP_RUN := $(VENV)/.installed-run
STAMP_DEV := $(VENV)/.installed-dev

.PHONY: run test lint venv clean lock

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

## make run: assess every file in examples/ and write the results under out/
run: $(STAMP_RUN)
	$(BIN)/cleanprod assess examples -o out

## make test: ruff and the whole pytest suite
test: $(STAMP_DEV)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

lint: $(STAMP_DEV)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## make lock: re-pin every dependency after a change to pyproject.toml
lock: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	{ echo '# Pinned versions; regenerate with `make lock`.'; echo "pip==$$($(BIN)/python -m pip --version | cut -d' ' -f2)"; \
	  $(BIN)/python -m pip freeze --exclude-editable | grep -v '^-e'; } > $(CONSTRAINTS)

clean:
	rm -rf $(VENV) out .pytest_cache .ruff_cache .hypothesis
