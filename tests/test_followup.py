"""A follow-up is read with the previous turn: the articles its answer cited are candidates, and
"what happened next?" is the next article in time on the same story."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from newsrag.generation.citations import cited_before
from newsrag.models import Message, RetrievedChunk, Source
from newsrag.retrieval.followup import follow_up_chunks
from newsrag.retrieval.search import Retriever, SearchRequest

NOW = datetime(2020, 8, 30, tzinfo=UTC)


def chunk(article: int, score: float, day: int = 1) -> RetrievedChunk:
    published = datetime(2020, 8, day, tzinfo=UTC)
    url = f"https://example.org/{article}"
    return RetrievedChunk(
        article, article, 0, f"Text {article}.", score, url, f"T{article}", "", published
    )


def source(article: int, n: int = 1, day: int = 1) -> Source:
    return Source(
        n,
        f"T{article}",
        f"https://example.org/{article}",
        0.5,
        datetime(2020, 8, day, tzinfo=UTC),
        "",
    )


class Stored(Retriever):
    """A retriever over fixed chunks: `search` answers `found` (or `later` for a search from a
    start date on), `article_chunks` the chunks of `own` at the URLs asked for."""

    def __init__(
        self, found: list[RetrievedChunk], own: list[RetrievedChunk], later: list[RetrievedChunk]
    ) -> None:
        self.found, self.own, self.later = found, own, later

    def search(self, request: SearchRequest) -> list[RetrievedChunk]:
        return self.later if request.filters.start else self.found

    def article_chunks(self, urls: Sequence[str], query: str) -> list[RetrievedChunk]:
        return [c for c in self.own if c.url in urls]


def articles(chunks: list[RetrievedChunk]) -> list[int]:
    return list(dict.fromkeys(c.article_id for c in chunks))


REQUEST = SearchRequest("query", 40)


def test_the_cited_article_comes_first_when_it_matches_about_as_well() -> None:
    retriever = Stored([chunk(1, 0.41), chunk(2, 0.36)], [chunk(9, 0.39)], [])

    chunks = follow_up_chunks(
        retriever, REQUEST, "How many were on board?", [source(9)], retriever.found
    )

    assert articles(chunks) == [9, 1, 2]


def test_a_weaker_cited_article_stays_a_candidate_of_a_follow_up() -> None:
    retriever = Stored([chunk(1, 0.6), chunk(2, 0.5)], [chunk(9, 0.3)], [])

    chunks = follow_up_chunks(retriever, REQUEST, "What did he say?", [source(9)], retriever.found)

    assert articles(chunks) == [1, 2, 9]


def test_a_new_question_does_not_get_a_weaker_cited_article() -> None:
    retriever = Stored([chunk(1, 0.6), chunk(2, 0.5)], [chunk(9, 0.3)], [])

    chunks = follow_up_chunks(
        retriever,
        REQUEST,
        "When was Firefox 1.0 released by Mozilla?",
        [source(9)],
        retriever.found,
    )

    assert articles(chunks) == [1, 2]


def test_what_happened_next_is_the_first_later_article_on_the_story() -> None:
    later = [chunk(5, 0.55, day=20), chunk(4, 0.5, day=10), chunk(3, 0.2, day=5)]
    retriever = Stored([chunk(1, 0.6)], [], later)

    chunks = follow_up_chunks(
        retriever, REQUEST, "What happened next?", [source(9, day=2)], retriever.found
    )

    assert articles(chunks)[:2] == [4, 1]


def test_the_sources_an_answer_cited_are_read_from_the_history() -> None:
    answer = Message("assistant", "It rained. [2]", NOW, sources=(source(1, n=1), source(2, n=2)))

    assert cited_before([Message("user", "Weather?", NOW), answer]) == [source(2, n=2)]
