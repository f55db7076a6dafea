# esep — two commands: `make demo` serves the platform with demo data, `make test` runs the suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
ESEP   := $(BIN)/esep
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: demo test install install-test lint bench bench-finance bench-appeals bench-ballots bench-participation serve messages clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "esep needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python requirements.lock pyproject.toml
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed requirements-test.lock
	$(BIN)/pip install --quiet -r requirements-test.lock
	touch $@

install: $(VENV)/.installed
	$(ESEP) compile-catalogues

install-test: $(VENV)/.installed-test
	$(ESEP) compile-catalogues

demo: install
	$(ESEP) migrate --no-input
	ESEP_DEMO=1 $(ESEP) demo
	ESEP_DEMO=1 $(ESEP) serve --host $(HOST) --port $(PORT)

serve: install
	ESEP_DEMO=1 $(ESEP) serve --host $(HOST) --port $(PORT)

lint: install-test
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

test: install-test lint
	$(BIN)/pytest $(PYTEST_ARGS)

bench: install-test
	$(BIN)/python bench/run.py && $(BIN)/python bench/finance.py && $(BIN)/python bench/appeals.py \
	  && $(BIN)/python bench/ballots.py && $(BIN)/python bench/participation.py

bench-finance: install-test
	$(BIN)/python bench/finance.py

bench-appeals: install-test
	$(BIN)/python bench/appeals.py

bench-ballots: install-test
	$(BIN)/python bench/ballots.py

bench-participation: install-test
	$(BIN)/python bench/participation.py

# Re-extract translatable strings into the kk, ru and en catalogues (needs GNU gettext).
messages: install-test
	cd src/esep && ../../$(ESEP) makemessages -l kk -l ru -l en --no-location --ignore 'overrides/*'

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
