"""What an answer carries: citations checked against the sources retrieved (through POST
/api/chat, with scripted generators and the extractive one, over the Wikinews corpus), and the
fallback policy that answers with the extractive generator when the configured one fails."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from newsrag.api.app import create_app
from newsrag.embeddings.local import LocalEmbedder
from newsrag.errors import ProviderError
from newsrag.generation.base import Generator
from newsrag.generation.fallback import Fallback
from newsrag.models import Message
from newsrag.retrieval import Evidence
from newsrag.services import build_services
from tests.api_helpers import (
    ABSENT_QUESTION,
    FIREFOX_QUESTION,
    FIREFOX_TOPIC,
    api_services_fixture,  # noqa: F401  (the `api_services` fixture)
    chat,
    client_fixture,  # noqa: F401  (the `client` fixture)
    new_id,
)
from tests.conftest import make_settings

pytestmark = pytest.mark.model

MARKER = re.compile(r"\[(\d+)\]")
DOWN = "The test provider is down: try again, or set NEWSRAG_GENERATOR=extractive."


class Scripted(Generator):
    """Answers `text` whatever the question; keeps the evidence it was given."""

    model = "test:scripted"

    def __init__(self) -> None:
        self.text = ""
        self.evidence: list[Evidence] = []

    def generate(self, question: str, evidence: Sequence[Evidence]) -> str:
        self.evidence = list(evidence)
        return self.text

    def url_of(self, n: int) -> str:
        return next(item.chunk.url for item in self.evidence if item.n == n)


@pytest.fixture(scope="module")
def scripted() -> Scripted:
    return Scripted()


@pytest.fixture(scope="module")
def scripted_client(
    scripted: Scripted,
    corpus_uri: str,
    minilm: LocalEmbedder,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[TestClient]:
    """The API answering with `scripted`, up to five sources however far below the best."""
    settings = make_settings(corpus_uri, tmp_path_factory.mktemp("answers"), min_source_ratio=0.0)
    services = build_services(settings, embedder=minilm, generator=scripted)
    with TestClient(create_app(services=services)) as test_client:
        yield test_client
    services.close()


# --- citations checked against the sources -------------------------------------------------


def test_an_invented_citation_is_dropped_and_the_cited_source_is_listed_first(
    scripted: Scripted, scripted_client: TestClient
) -> None:
    scripted.text = "Firefox came out in 2004 [9]. It was free [3]. Mozilla made it [1]."

    body = chat(scripted_client, new_id(), FIREFOX_QUESTION)

    sources = body["sources"]
    assert len(sources) >= 3
    assert body["answer"] == "Firefox came out in 2004. It was free [1]. Mozilla made it [2]."
    assert all(int(n) <= len(sources) for n in MARKER.findall(body["answer"]))
    assert [s["url"] for s in sources[:2]] == [scripted.url_of(3), scripted.url_of(1)]
    assert [s["n"] for s in sources] == list(range(1, len(sources) + 1))
    assert {s["url"] for s in sources} == {item.chunk.url for item in scripted.evidence}


def test_citations_never_reference_a_source_that_is_not_returned(
    scripted: Scripted, scripted_client: TestClient
) -> None:
    scripted.text = "One [9]. Two [2, 7]. Three [12][1]."

    body = chat(scripted_client, new_id(), FIREFOX_QUESTION)

    numbers = {s["n"] for s in body["sources"]}
    cited = [n for citation in body["citations"] for n in citation["sources"]]
    assert cited == [1, 2]
    assert set(cited) <= numbers
    assert body["answer"] == "One. Two [1]. Three [2]."


def test_citations_list_each_sentence_with_the_numbers_it_cites(
    scripted: Scripted, scripted_client: TestClient
) -> None:
    scripted.text = "Firefox 1.0 came out in November 2004 [1]. It was free [1][2]. Nobody knew."

    body = chat(scripted_client, new_id(), FIREFOX_QUESTION)

    assert body["answer"] == (
        "Firefox 1.0 came out in November 2004 [1]. It was free [1] [2]. Nobody knew."
    )
    assert body["citations"] == [
        {"sentence": "Firefox 1.0 came out in November 2004.", "sources": [1]},
        {"sentence": "It was free.", "sources": [1, 2]},
        {"sentence": "Nobody knew.", "sources": []},
    ]


def test_a_marker_after_the_full_stop_belongs_to_the_sentence_before_it(
    scripted: Scripted, scripted_client: TestClient
) -> None:
    scripted.text = "Firefox 1.0 came out in November 2004. [1] Mozilla released it. [2]"

    body = chat(scripted_client, new_id(), FIREFOX_QUESTION)

    assert body["citations"] == [
        {"sentence": "Firefox 1.0 came out in November 2004.", "sources": [1]},
        {"sentence": "Mozilla released it.", "sources": [2]},
    ]


def test_extractive_answers_cite_one_source_per_sentence(client: TestClient) -> None:
    body = chat(client, new_id(), FIREFOX_TOPIC)

    citations = body["citations"]
    assert len(citations) >= 2
    assert all(len(c["sources"]) == 1 for c in citations)
    rebuilt = " ".join(f"{c['sentence']} [{c['sources'][0]}]" for c in citations)
    assert rebuilt == body["answer"]
    assert any("November" in c["sentence"] for c in citations)
    assert {n for c in citations for n in c["sources"]} <= {s["n"] for s in body["sources"]}


def test_a_question_the_news_does_not_cover_has_no_citations(client: TestClient) -> None:
    body = chat(client, new_id(), ABSENT_QUESTION)

    assert body["covered"] is False
    assert body["citations"] == []
    assert body["degraded"] is False
    assert body["notice"] is None


# --- the fallback policy --------------------------------------------------------------------


class Pieces(Generator):
    """Streams `pieces`; raises ProviderError(DOWN) instead when `down`, or after `fail_after`
    pieces. Counts its calls."""

    def __init__(self, model: str, pieces: Sequence[str], fail_after: int | None = None) -> None:
        self.model = model
        self.pieces = list(pieces)
        self.fail_after = fail_after
        self.down = False
        self.calls = 0
        self.rewrites = 0

    def generate(self, question: str, evidence: Sequence[Evidence]) -> str:
        return "".join(self.stream(question, evidence))

    def stream(
        self, question: str, evidence: Sequence[Evidence], *, message: str = ""
    ) -> Iterator[str]:
        self.calls += 1
        for index, piece in enumerate(self.pieces):
            if self.down or index == self.fail_after:
                raise ProviderError(DOWN, code="test_down")
            yield piece

    def standalone(self, question: str, history: Sequence[Message]) -> str:
        self.rewrites += 1
        if self.down:
            raise ProviderError(DOWN, code="test_down")
        return f"rewritten: {question}"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


def primary_and_backup() -> tuple[Pieces, Pieces]:
    return Pieces("test:primary", ["From ", "the model. [1]"]), Pieces("test:backup", ["Backup."])


def draft(policy: Fallback) -> tuple[str, bool, str | None, str]:
    """(answer, degraded, failure message, generator model) of one answer."""
    drafting = policy.drafting()
    text = "".join(drafting.stream("Q?", []))
    failure = drafting.failure.message if drafting.failure else None
    return text, drafting.degraded, failure, drafting.generator.model


def test_a_failure_before_the_first_piece_is_answered_by_the_fallback(clock: Clock) -> None:
    primary, backup = primary_and_backup()
    primary.down = True

    answer = draft(Fallback(primary, backup, clock=clock))

    assert answer == ("Backup.", True, DOWN, "test:backup")


def test_during_the_cooldown_the_primary_is_not_asked(clock: Clock) -> None:
    primary, backup = primary_and_backup()
    policy = Fallback(primary, backup, cooldown=30, clock=clock)
    primary.down = True
    draft(policy)
    primary.down = False
    clock.now += 29

    answer = draft(policy)

    assert answer == ("Backup.", True, DOWN, "test:backup")
    assert primary.calls == 1
    assert backup.calls == 2


def test_after_the_cooldown_the_primary_is_asked_again(clock: Clock) -> None:
    primary, backup = primary_and_backup()
    policy = Fallback(primary, backup, cooldown=30, clock=clock)
    primary.down = True
    draft(policy)
    primary.down = False
    clock.now += 30

    answers = [draft(policy), draft(policy)]

    assert answers == [("From the model. [1]", False, None, "test:primary")] * 2
    assert primary.calls == 3
    assert backup.calls == 1


def test_a_failure_after_the_first_piece_is_raised_not_replaced(clock: Clock) -> None:
    primary = Pieces("test:primary", ["From ", "the model."], fail_after=1)
    backup = Pieces("test:backup", ["Backup."])
    drafting = Fallback(primary, backup, clock=clock).drafting()
    produced: list[str] = []

    with pytest.raises(ProviderError, match="test provider is down"):
        for piece in drafting.stream("Q?", []):
            produced.append(piece)

    assert produced == ["From "]
    assert backup.calls == 0


def test_without_a_fallback_the_failure_is_raised(clock: Clock) -> None:
    primary, _ = primary_and_backup()
    primary.down = True
    policy = Fallback(primary, None, clock=clock)

    with pytest.raises(ProviderError, match="test provider is down"):
        draft(policy)
    with pytest.raises(ProviderError, match="test provider is down"):
        draft(policy)
    assert primary.calls == 2


def test_a_failed_rewrite_searches_the_carried_over_terms_and_degrades(clock: Clock) -> None:
    primary, backup = primary_and_backup()
    primary.down = True
    drafting = Fallback(primary, backup, clock=clock).drafting()
    asked = Message("user", "When did Mozilla release Firefox?", datetime(2025, 3, 1, tzinfo=UTC))

    query = drafting.standalone("And who made it?", [asked])

    assert query == "And who made it? Mozilla release Firefox"
    assert drafting.degraded is True
    assert "".join(drafting.stream(query, [])) == "Backup."
    assert primary.calls == 0
