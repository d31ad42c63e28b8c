# newsrag: `make run` serves on the embedded defaults, `make test` runs every check.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
NEWSRAG := $(BIN)/newsrag
# The shared real-news snapshot, ingested by `make run` when it is present beside the project.
DEMO_DATA := $(wildcard ../shared/data/wikinews_en.jsonl)

.PHONY: install install-test run test lint clean

install: $(VENV)/.installed

# torch first, pinned: pip takes the CPU build of 2.13.0, so nothing pulls a CUDA build later.
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e .
	touch $@

install-test: $(VENV)/.installed-test

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

run: install
	$(NEWSRAG) ingest
	$(if $(DEMO_DATA),$(NEWSRAG) ingest $(DEMO_DATA))
	$(NEWSRAG) serve

lint: install-test
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	$(BIN)/mypy

test: lint
	bash scripts/ensure-redis.sh
	$(BIN)/pytest

clean:
	rm -rf $(VENV) .newsrag .pytest_cache .mypy_cache .ruff_cache
