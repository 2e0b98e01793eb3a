# cibwatch: the whole quick start is `make demo` and `make test` on a fresh clone.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: setup demo test lint typecheck bench bench-peers clean help

help:
	@echo "make demo    create $(VENV), install, run detection on the bundled data (demo-out/)"
	@echo "make test    install what the tests need and run the whole suite (lint + types + pytest)"
	@echo "make bench   speed benchmarks (benchmarks/README.md); needs ../shared/data for real data"

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

setup: $(STAMP)

demo: $(STAMP)
	$(BIN)/cibwatch demo --out demo-out

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

test: lint typecheck
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) demo-out .pytest_cache .mypy_cache .ruff_cache build *.egg-info src/*.egg-info
