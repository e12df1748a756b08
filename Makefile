# Two commands do everything on a fresh machine: `make demo` and `make test`.
# Each creates .venv and installs the project from the package registry when missing.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DEMO_DIR ?= demo
PEOPLE ?= 20000
SEED ?= 7
# DATA: a data drop folder; when empty, the demo runs on a synthetic county.
DATA ?=

.PHONY: demo test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
ifeq ($(DATA),)
	$(BIN)/doudi run --out $(DEMO_DIR)/out --people $(PEOPLE) --seed $(SEED)
	$(BIN)/doudi evaluate --truth $(DEMO_DIR)/out/county/truth --out $(DEMO_DIR)/out
else
	$(BIN)/doudi run $(DATA) --out $(DEMO_DIR)/out
endif

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/pytest

bench: $(STAMP)
	$(BIN)/doudi bench --people $(PEOPLE)

clean:
	rm -rf $(DEMO_DIR) .pytest_cache
