# cibwatch: the whole quick start is `make demo` and `make test` on a fresh clone.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: setup demo test lint typecheck bench bench-quick bench-cases docs clean help

help:
	@echo "make demo    create $(VENV), install, run detection on the bundled data (demo-out/)"
	@echo "make test    install what the tests need and run the whole suite (lint + types + pytest)"
	@echo "make bench   speed benchmarks against the QUT toolkit, 10 M posts and the IRA set (about 30 min;"
	@echo "             benchmarks/README.md); the IRA part is skipped when ../shared/data is absent"
	@echo "make bench-quick   the same at 100 k posts only (about a minute)"
	@echo "make bench-cases   the case API under load: 50 clients for 60 s, a 30,000-account fan-out"

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

setup: $(STAMP)

demo: $(STAMP)
	$(BIN)/cibwatch demo --out demo-out

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks evaluation

typecheck: $(STAMP)
	$(BIN)/mypy

# The case-store tests run on SQLite and on a throw-away PostgreSQL server that
# .ci/with-postgres installs (Debian's postgresql package) when absent, starts and stops; the
# workspace's browser tests drive Debian's chromium, which .ci/with-chromium installs when absent.
test: lint typecheck
	.ci/with-postgres .ci/with-chromium $(BIN)/python -m pytest -q

bench-cases: $(STAMP)
	$(BIN)/python benchmarks/cases_load.py

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py --sizes 100k,1m --big 10m --ira

bench-quick: $(STAMP)
	$(BIN)/python benchmarks/run.py --sizes 100k

docs: $(STAMP)
	$(BIN)/python -m cibwatch.cli_docs > docs/CLI.md

clean:
	rm -rf $(VENV) demo-out .pytest_cache .mypy_cache .ruff_cache build *.egg-info src/*.egg-info
