# pocketchain: `make run` and `make test` are all a new user needs (see README.md).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint typecheck unit system-deps bench clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "pocketchain needs Python 3.11 or newer (found $$($(PYTHON) --version))" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	@echo "pocketchain $$($(BIN)/pocketchain --version | cut -d' ' -f2) is installed in $(VENV)."
	@echo "Not yet: nodes cannot find each other yet, so there is no 3-node devnet to start."
	@echo "When peers land, 'make run' starts a 3-node local devnet that mines and prints"
	@echo "the web UI address (http://127.0.0.1:5000/); Ctrl-C stops all nodes."
	@echo "One node works today: $(BIN)/pocketchain node --network regtest (see README.md)."

system-deps:
	@bash scripts/system-deps.sh

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest -n auto

test: $(STAMP) system-deps lint typecheck unit

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis build src/*.egg-info
