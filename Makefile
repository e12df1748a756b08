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

.PHONY: demo test lint bench bench-api clean

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

# The review API under load (wrk on loopback) on a county of 650,000 people by default.
bench-api: $(STAMP)
	command -v wrk >/dev/null || (apt-get update -q && apt-get install -y -q wrk)
	$(BIN)/doudi bench-api --people $(or $(API_PEOPLE),650000)

clean:
	rm -rf $(DEMO_DIR) .pytest_cache
