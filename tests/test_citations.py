from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from newsrag.api.app import create_app
from newsrag.embeddings.local import LocalEmbedder
from newsrag.generation.base import Generator
from newsrag.generation.citations import apply_citations, cited_numbers
from newsrag.models import Source
from newsrag.retrieval import Evidence
from newsrag.services import build_services
from tests.conftest import make_settings

SOURCES = [
    Source(n, f"title {n}", f"https://news.example/{n}", 1 - n / 10, None, "") for n in (1, 2, 3)
]


def urls(sources: Sequence[Source]) -> list[str]:
    return [source.url for source in sources]


def test_a_citation_of_a_source_that_was_not_retrieved_is_removed() -> None:
    text, sources = apply_citations("Rain fell [1]. Snow fell [9]. Wind blew [0].", SOURCES)

    assert text == "Rain fell [1]. Snow fell. Wind blew."
    assert urls(sources) == urls(SOURCES)


def test_cited_sources_come_first_and_markers_follow_them() -> None:
    text, sources = apply_citations("Snow fell [3]. Rain fell [1].", SOURCES)

    assert text == "Snow fell [1]. Rain fell [2]."
    assert urls(sources) == [
        "https://news.example/3",
        "https://news.example/1",
        "https://news.example/2",
    ]
    assert [source.n for source in sources] == [1, 2, 3]


def test_grouped_and_repeated_markers_are_split_and_collapsed() -> None:
    text, _ = apply_citations("Both said so [2, 3][2] [2].", SOURCES)

    assert text == "Both said so [1] [2] [1]."
    assert cited_numbers(text) == [1, 2]


def test_an_answer_without_citations_keeps_the_retrieval_order() -> None:
    text, sources = apply_citations("No markers here.", SOURCES)

    assert text == "No markers here."
    assert urls(sources) == urls(SOURCES)


class CitesNine(Generator):
    """Cites a source that does not exist, as a careless language model would."""

    model = "test:cites-nine"

    def generate(self, question: str, evidence: Sequence[Evidence]) -> str:
        numbers = sorted({item.n for item in evidence})
        return f"First claim [{numbers[-1]}]. Invented claim [9]. Second claim [{numbers[0]}]."


@pytest.fixture
def careless_client(corpus_uri: str, minilm: LocalEmbedder, tmp_path: Path) -> Iterator[TestClient]:
    services = build_services(
        make_settings(corpus_uri, tmp_path, top_k=3, min_source_ratio=0.0),
        embedder=minilm,
        generator=CitesNine(),
    )
    with TestClient(create_app(services=services)) as client:
        yield client
    services.close()


def test_the_api_never_returns_a_citation_to_a_source_it_did_not_retrieve(
    careless_client: TestClient,
) -> None:
    body = careless_client.post(
        "/api/chat", json={"sessionId": "cites-nine", "message": "When was Firefox 1.0 released?"}
    ).json()

    assert len(body["sources"]) == 3
    assert "[9]" not in body["answer"]
    assert body["answer"] == "First claim [1]. Invented claim. Second claim [2]."
    assert all(1 <= n <= len(body["sources"]) for n in cited_numbers(body["answer"]))
