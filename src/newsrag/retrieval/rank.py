"""Re-ranking fused search results for news: near-duplicate chunks collapsed, a soft boost for
articles in a category the question names, and, for "latest" questions, the newest on-topic
articles first (a decay on article age)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime

from newsrag.models import RetrievedChunk
from newsrag.text import keywords

_WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class Ranking:
    """The knobs, each a NEWSRAG_* setting.

    `half_life_days`: a "latest" question halves an article's weight per this many days of age.
    `topic_margin`: a chunk within this cosine of the best one is on topic for "latest".
    `topic_boost`: fused score multiplied by 1 + this for articles in a named category.
    `duplicate_overlap`: chunks of different articles sharing this fraction of their words are
    one syndicated story; the better ranked is kept.
    """

    half_life_days: float = 30.0
    topic_margin: float = 0.15
    topic_boost: float = 0.25
    duplicate_overlap: float = 0.8


def rerank(
    chunks: Sequence[RetrievedChunk],
    query: str,
    ranking: Ranking,
    *,
    topics: Sequence[str] = (),
    recent: bool = False,
    as_of: date | None = None,
) -> list[RetrievedChunk]:
    """The chunks best first, each `fused` score adjusted. With `recent`, only on-topic chunks
    are kept (unless none is) and they come newest first, weighted by relevance."""
    kept = collapse_duplicates(chunks, ranking.duplicate_overlap)
    named = set(topics)
    boosted = [
        replace(c, fused=c.fused * (1 + ranking.topic_boost)) if named & set(c.categories) else c
        for c in kept
    ]
    if not recent or not boosted:
        return sorted(boosted, key=lambda c: (-c.fused, -_timestamp(c)))
    wanted = keywords(query)
    best = max(c.score for c in boosted)
    on_topic = [
        c
        for c in boosted
        if c.score >= best - ranking.topic_margin
        or named & set(c.categories)
        or wanted & keywords(f"{c.title} {c.text}")
    ]
    today = as_of or datetime.now(UTC).date()
    decayed = [replace(c, fused=c.fused * _decay(c, today, ranking)) for c in on_topic or boosted]
    return sorted(decayed, key=lambda c: (-c.fused, -_timestamp(c)))


def collapse_duplicates(chunks: Sequence[RetrievedChunk], overlap: float) -> list[RetrievedChunk]:
    """The chunks without those that repeat, nearly word for word, an earlier chunk of another
    article (Jaccard overlap of their word sets at least `overlap`)."""
    kept: list[tuple[RetrievedChunk, set[str]]] = []
    for chunk in chunks:
        words = set(_WORD.findall(chunk.text.lower()))
        if any(
            other.article_id != chunk.article_id and _jaccard(words, seen) >= overlap
            for other, seen in kept
        ):
            continue
        kept.append((chunk, words))
    return [chunk for chunk, _ in kept]


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


def _decay(chunk: RetrievedChunk, today: date, ranking: Ranking) -> float:
    """0.5 per `half_life_days` of age at `today`; an undated article counts as very old."""
    if chunk.published_at is None:
        return 0.0
    age = max(0.0, (today - chunk.published_at.date()).days)
    return float(0.5 ** (age / ranking.half_life_days))


def _timestamp(chunk: RetrievedChunk) -> float:
    return chunk.published_at.timestamp() if chunk.published_at else 0.0
