# pocketchain: `make run` and `make test` are all a new user needs (see README.md).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test test-faults lint typecheck unit system-deps bench bench-compare docs clean

$(STAMP): pyproject.toml setup.py src/pocketchain/mining/_kernel.c
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "pocketchain needs Python 3.11 or newer (found $$($(PYTHON) --version))" >&2; exit 1; }
	@echo "[1/3] creating $(VENV) (once)"
	$(PYTHON) -m venv $(VENV)
	@echo "[2/3] updating pip"
	$(BIN)/pip install --quiet --upgrade pip
	@echo "[3/3] installing pocketchain and its libraries into $(VENV) (once: about half a minute)"
	$(BIN)/pip install --quiet --progress-bar on -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/pocketchain devnet --nodes 3 --demo

system-deps:
	@bash scripts/system-deps.sh

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks examples scripts
	$(BIN)/ruff format --check src tests benchmarks examples scripts
	$(BIN)/lint-imports

# the API reference, from the docstrings of the public names (docs/library.md is the guide)
docs: $(STAMP)
	$(BIN)/python scripts/docs.py build/docs
	@echo "open build/docs/index.html"

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest -n auto

# system-deps first: the install builds the native nonce search with the C compiler it brings
test: system-deps $(STAMP) lint typecheck unit

# the fault suite alone (make test runs it too)
test-faults: system-deps $(STAMP)
	$(BIN)/pytest -n auto -m faults

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

bench-compare: $(STAMP) system-deps
	$(BIN)/python benchmarks/compare.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .import_linter_cache .hypothesis build src/*.egg-info
