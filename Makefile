# Two commands do everything on a fresh machine: `make demo` and `make test`.
# Each creates .venv and installs the project from the package registry when missing.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DEMO_DIR ?= demo
PEOPLE ?= 20000
SEED ?= 7
PORT ?= 8000
# DATA: a data drop folder; when empty, the demo runs on a synthetic county.
DATA ?=

.PHONY: demo test browser java lint bench bench-api stress clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The demo ends serving the review API on localhost (Ctrl-C stops it).
demo: $(STAMP)
ifeq ($(DATA),)
	$(BIN)/doudi run --out $(DEMO_DIR)/out --people $(PEOPLE) --seed $(SEED)
	$(BIN)/doudi evaluate --truth $(DEMO_DIR)/out/county/truth --out $(DEMO_DIR)/out
else
	$(BIN)/doudi run $(DATA) --out $(DEMO_DIR)/out
endif
	@echo "审计员令牌（仅显示这一次，请求头 Authorization: Bearer <令牌>）:"
	@$(BIN)/doudi token create --db $(DEMO_DIR)/out/doudi.duckdb --role auditor --name 演示审计员
	$(BIN)/doudi serve --db $(DEMO_DIR)/out/doudi.duckdb --port $(PORT)

# The browser tests drive Debian's Chromium; CJK fonts make the page readable in screenshots.
test: $(STAMP) browser java
	$(BIN)/ruff check .
	$(BIN)/pytest -n 2 --dist loadfile --durations=15

browser:
	@command -v chromium >/dev/null && fc-list :lang=zh | grep -q . || \
		(apt-get update -q && apt-get install -y -q chromium fonts-noto-cjk)

# `doudi run --engine spark` and its test need a Java runtime (Spark 4: Java 17 or newer).
java:
	@command -v java >/dev/null || \
		(apt-get update -q && apt-get install -y -q openjdk-17-jre-headless)

bench: $(STAMP)
	$(BIN)/doudi bench --people $(PEOPLE)

# Doudi beside stock Splink on every variant county and on the independent generator's
# counties (STRESS_PEOPLE each); one table of precision, recall and money per case type.
stress: $(STAMP)
	$(BIN)/doudi stress --out $(DEMO_DIR)/stress --people $(or $(STRESS_PEOPLE),50000)

# The review API under load (wrk on loopback) on a county of 650,000 people by default.
bench-api: $(STAMP)
	command -v wrk >/dev/null || (apt-get update -q && apt-get install -y -q wrk)
	$(BIN)/doudi bench-api --people $(or $(API_PEOPLE),650000)

clean:
	rm -rf $(DEMO_DIR) .pytest_cache
