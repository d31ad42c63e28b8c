"""Re-ranking fused search results for news: near-duplicate chunks collapsed, a soft boost for
articles in a category the question names, and, for "latest" questions, the newest on-topic
articles first (a decay on article age)."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from functools import lru_cache

from newsrag.models import RetrievedChunk

_WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class Ranking:
    """The knobs, each a NEWSRAG_* setting.

    `half_life_days`: a "latest" question halves an article's weight per this many days of age.
    `topic_depth`, `topic_margin`: a chunk among this many most relevant ones, or within this
    cosine of the best one, is on topic for "latest".
    `topic_boost`: fused score multiplied by 1 + this for articles in a named category.
    `duplicate_overlap`: chunks of different articles sharing this fraction of their words are
    one syndicated story; the better ranked is kept.
    `dense_lead`: a chunk more than this closer to the question (cosine) than the fused leader
    leads instead (0: rank fusion alone orders).
    """

    half_life_days: float = 7.0
    topic_depth: int = 20
    topic_margin: float = 0.15
    topic_boost: float = 0.25
    duplicate_overlap: float = 0.8
    dense_lead: float = 0.1


def rerank(
    chunks: Sequence[RetrievedChunk],
    ranking: Ranking,
    *,
    topics: Sequence[str] = (),
    recent: bool = False,
    as_of: date | None = None,
    limit: int | None = None,
    only_topics: bool = False,
) -> list[RetrievedChunk]:
    """The best `limit` chunks, best first, each `fused` score adjusted and near-duplicates
    collapsed. With `recent`, only on-topic chunks are kept (unless none is) and they come
    newest first, weighted by relevance.

    On topic for "latest": when the question names `only_topics` ("the latest technology
    news"), a chunk in one of those categories, if any is; else
    within `topic_margin` of the best cosine similarity, or within twice that and among the
    `topic_depth` most relevant chunks (by fused score)."""
    named = set(topics)
    boosted = [
        replace(c, fused=c.fused * (1 + ranking.topic_boost)) if named & set(c.categories) else c
        for c in chunks
    ]
    if recent and boosted:
        best = max(c.score for c in boosted)
        relevant = {
            c.chunk_id for c in sorted(boosted, key=lambda c: -c.fused)[: ranking.topic_depth]
        }
        in_named = [c for c in boosted if named & set(c.categories)] if only_topics else []
        on_topic = in_named or [
            c
            for c in boosted
            if c.score >= best - ranking.topic_margin
            or (c.chunk_id in relevant and c.score >= best - 2 * ranking.topic_margin)
        ]
        today = as_of or datetime.now(UTC).date()
        boosted = [
            replace(c, fused=c.fused * _decay(c, today, ranking)) for c in on_topic or boosted
        ]
    ordered = sorted(boosted, key=lambda c: (-c.fused, -_timestamp(c)))
    if not recent:
        ordered = _closest_first(ordered, ranking.dense_lead)
    return collapse_duplicates(ordered, ranking.duplicate_overlap, limit)


def _closest_first(ordered: list[RetrievedChunk], lead: float) -> list[RetrievedChunk]:
    """The chunks, the most similar first when it is more than `lead` closer to the question
    than the fused leader: rank fusion weighs a rank, not by how much a chunk matches better."""
    if not ordered or lead <= 0:
        return ordered
    closest = max(ordered, key=lambda c: c.score)
    if closest.score <= ordered[0].score + lead:
        return ordered
    return [closest, *(c for c in ordered if c is not closest)]


def collapse_duplicates(
    chunks: Sequence[RetrievedChunk], overlap: float, limit: int | None = None
) -> list[RetrievedChunk]:
    """The chunks (the first `limit` kept) without those that repeat, nearly word for word, an
    earlier chunk of another article (Jaccard overlap of their word sets at least `overlap`)."""
    kept: list[tuple[RetrievedChunk, Words]] = []
    for chunk in chunks:
        if limit is not None and len(kept) == limit:
            break
        words = chunk_words(chunk.text, overlap)
        if any(
            other.article_id != chunk.article_id and words.similar(seen, overlap)
            for other, seen in kept
        ):
            continue
        kept.append((chunk, words))
    return [chunk for chunk, _ in kept]


@dataclass(frozen=True)
class Words:
    """A chunk's words, and its longest ones: as many as make sure that two chunks sharing
    `overlap` of their words share one of those (the prefix filter of set-similarity joins:
    with every set's words in one order, the `n - floor(overlap * n) + 1` first of each)."""

    words: frozenset[str]
    longest: frozenset[str]

    def similar(self, other: Words, overlap: float) -> bool:
        """Jaccard >= overlap. Sets of too different sizes (Jaccard is at most the ratio of
        their sizes), or without a long word in common, are told apart without counting."""
        a, b = self.words, other.words
        if not a or not b:
            return not a and not b
        if min(len(a), len(b)) < overlap * max(len(a), len(b)):
            return False
        if self.longest.isdisjoint(other.longest):
            return False
        shared = len(a & b)
        return shared >= overlap * (len(a) + len(b) - shared)


# The same chunks come back question after question: their words are remembered.
@lru_cache(maxsize=2048)
def chunk_words(text: str, overlap: float) -> Words:
    words = frozenset(_WORD.findall(text.lower()))
    ordered = sorted(words, key=lambda word: (-len(word), word))
    return Words(words, frozenset(ordered[: len(words) - math.floor(overlap * len(words)) + 1]))


def _decay(chunk: RetrievedChunk, today: date, ranking: Ranking) -> float:
    """0.5 per `half_life_days` of age at `today`; an undated article counts as very old."""
    if chunk.published_at is None:
        return 0.0
    age = max(0.0, (today - chunk.published_at.date()).days)
    return float(0.5 ** (age / ranking.half_life_days))


def _timestamp(chunk: RetrievedChunk) -> float:
    return chunk.published_at.timestamp() if chunk.published_at else 0.0
