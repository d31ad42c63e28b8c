"""From ranked chunks to the answer's sources: one source per article, best first."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from newsrag.models import RetrievedChunk, Source


@dataclass(frozen=True)
class Evidence:
    """A retrieved chunk and the number `n` of the source it is cited as."""

    n: int
    chunk: RetrievedChunk


def first_article(chunks: Sequence[RetrievedChunk]) -> list[RetrievedChunk]:
    """The chunks of the first chunk's article, in their order; none of none."""
    return [chunk for chunk in chunks if chunk.article_id == chunks[0].article_id] if chunks else []


def select_sources(
    chunks: Sequence[RetrievedChunk],
    top_k: int,
    per_article: int = 2,
    min_ratio: float = 0.0,
    kept: Collection[int] = (),
) -> tuple[list[Source], list[Evidence]]:
    """The `top_k` best articles as numbered sources, with up to `per_article` chunks each.

    Chunks scoring below `min_ratio` times the best score are left out, so that an
    answer does not list articles that merely happened to be nearest, except those of the
    articles `kept` (each part's best article of a two-part question; the article a follow-up's
    search put first, the story just told).
    """
    if chunks and min_ratio > 0:
        floor = max(chunk.score for chunk in chunks) * min_ratio
        chunks = [c for c in chunks if c.score >= floor or c.article_id in kept]
    numbers: dict[int, int] = {}
    sources: list[Source] = []
    evidence: list[Evidence] = []
    taken: dict[int, int] = {}
    for chunk in chunks:
        if chunk.article_id not in numbers:
            if len(sources) == top_k:
                continue
            numbers[chunk.article_id] = len(sources) + 1
            sources.append(
                Source(
                    n=len(sources) + 1,
                    title=chunk.title,
                    url=chunk.url,
                    score=chunk.score,
                    published_at=chunk.published_at,
                    source=chunk.source,
                )
            )
        if taken.get(chunk.article_id, 0) < per_article:
            taken[chunk.article_id] = taken.get(chunk.article_id, 0) + 1
            evidence.append(Evidence(numbers[chunk.article_id], chunk))
    return sources, evidence


def whole_articles(
    evidence: Sequence[Evidence], sources: Sequence[Source], chunks: Sequence[RetrievedChunk]
) -> list[Evidence]:
    """`evidence` and, after it, the other `chunks` of the sources' articles, each cited as its
    article's source: an answer may come from any sentence of the articles picked, not only from
    the chunks that matched the question best."""
    numbers = {source.url: source.n for source in sources}
    held = {item.chunk.chunk_id for item in evidence}
    more = [
        Evidence(numbers[chunk.url], chunk)
        for chunk in chunks
        if chunk.url in numbers and chunk.chunk_id not in held
    ]
    return [*evidence, *more]
