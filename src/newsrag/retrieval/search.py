"""Finding the chunks that answer a question. One replaceable component: `Retriever`."""

from __future__ import annotations

import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Literal

from newsrag.embeddings import Embedder
from newsrag.models import RetrievedChunk, SearchFilters
from newsrag.retrieval.names import MIN_SEEN, ProperNames
from newsrag.retrieval.rank import Ranking, rerank
from newsrag.retrieval.timeparse import MONTHS
from newsrag.store.search import ChunkSearch, Fusion
from newsrag.text import keywords

Mode = Literal["hybrid", "dense", "text"]

RECENT_DEPTH = 4
CATEGORY_SECONDS = 300.0
# Words that say when or how, not what: left out of the full-text query.
QUERY_NOISE = frozenset(
    {
        "news",
        "latest",
        "recent",
        "recently",
        "newest",
        "new",
        "current",
        "currently",
        "today",
        "yesterday",
        "week",
        "month",
        "year",
        "stories",
        "story",
        "happened",
        "happening",
        "update",
        "updates",
        "report",
        "reports",
        "reported",
        "say",
        "said",
        "tell",
        "global",
        "event",
        "events",
        "development",
        "developments",
        "headlines",
        "affairs",
        "going",
    }
)


@dataclass(frozen=True)
class SearchRequest:
    """What to search for: the query, how many chunks, the filters, and whether the question
    asks for the latest news (as of `as_of`)."""

    query: str
    limit: int
    filters: SearchFilters = field(default_factory=SearchFilters)
    recent: bool = False
    as_of: date | None = None


class Retriever(ABC):
    @abstractmethod
    def search(self, request: SearchRequest) -> list[RetrievedChunk]:
        """Up to `request.limit` chunks, best first, each with its cosine similarity to the
        query in `score`."""

    def openings(self, article_ids: Sequence[int]) -> dict[int, str]:
        """The text opening each article, by id; none by default (answers then use what was
        found)."""
        return {}

    def article_chunks(self, urls: Sequence[str], query: str) -> list[RetrievedChunk]:
        """The chunks of the articles at `urls`, most similar to `query` first; none by
        default."""
        return []

    def proper_names(self, words: set[str], seen: int = MIN_SEEN) -> set[str]:
        """Those of the lower-case `words` the store writes as names, seen at least `seen` times
        (`retrieval/names.py`); none by default."""
        return set()


class HybridRetriever(Retriever):
    """Dense and full-text search fused in SQL (`mode` "dense" or "text" uses one of them), then
    re-ranked for news: duplicates collapsed, named categories boosted, "latest" by date."""

    def __init__(
        self,
        embedder: Embedder,
        chunks: ChunkSearch,
        categories: Callable[[], Sequence[str]],
        *,
        mode: Mode = "hybrid",
        fusion: Fusion | None = None,
        ranking: Ranking | None = None,
    ) -> None:
        self.embedder = embedder
        self.chunks = chunks
        self.mode = mode
        self.fusion = fusion or Fusion()
        self.ranking = ranking or Ranking()
        self._categories = categories
        self._known: tuple[list[str], float] = ([], 0.0)
        self.names = ProperNames(lambda words: self.chunks.spellings(words))
        self._lock = threading.Lock()

    def search(self, request: SearchRequest) -> list[RetrievedChunk]:
        topical = bool(topic_words(request.query))
        if request.recent and not topical:
            vector = self.embedder.embed_one(request.query)
            return self.chunks.newest(vector, request.filters, request.limit)
        depth = RECENT_DEPTH if request.recent else 1
        fusion = replace(
            self.fusion,
            dense_k=0 if self.mode == "text" else self.fusion.dense_k * depth,
            text_k=0 if self.mode == "dense" else self.fusion.text_k * depth,
        )
        found = self.chunks.hybrid(
            self.embedder.embed_one(request.query),
            text_query(request.query),
            fusion,
            request.filters,
            limit=fusion.dense_k + fusion.text_k,
        )
        topics = self.topics(request.query)
        named = _stems(word for topic in topics for word in keywords(topic))
        ranked = rerank(
            found,
            self.ranking,
            topics=topics,
            only_topics=bool(topics) and _stems(topic_words(request.query)) <= named,
            recent=request.recent,
            as_of=request.as_of,
            limit=request.limit,
        )
        return ranked

    def openings(self, article_ids: Sequence[int]) -> dict[int, str]:
        return self.chunks.openings(article_ids)

    def article_chunks(self, urls: Sequence[str], query: str) -> list[RetrievedChunk]:
        return self.chunks.article_chunks(self.embedder.embed_one(query), urls)

    def proper_names(self, words: set[str], seen: int = MIN_SEEN) -> set[str]:
        return self.names.named(words, seen)

    def topics(self, query: str) -> list[str]:
        """The corpus categories the query names a word of ("technology" names "Science and
        technology", "sport" names "Sports")."""
        wanted = _stems(word for word in content_words(query) if len(word) > 3)
        return [
            category for category in self.known_categories() if wanted & _stems(keywords(category))
        ]

    def known_categories(self) -> list[str]:
        """The store's categories, read again at most every CATEGORY_SECONDS."""
        with self._lock:
            names, read_at = self._known
            if time.monotonic() - read_at > CATEGORY_SECONDS:
                names = list(self._categories())
                self._known = (names, time.monotonic())
            return names


def content_words(query: str) -> set[str]:
    """The query's keywords without the words that say when or how (QUERY_NOISE)."""
    return keywords(query) - QUERY_NOISE


def text_query(query: str) -> str:
    """A `websearch_to_tsquery` text matching any of the query's content words."""
    return " or ".join(sorted(content_words(query)))


def topic_words(query: str) -> set[str]:
    """The query's content words that are not about time ("What happened in March 2020?" has
    none)."""
    return {word for word in content_words(query) if not word.isdigit() and word not in MONTHS}


def _stems(words: Iterable[str]) -> set[str]:
    """The words without a plural "s", so that "sport" matches "Sports"."""
    return {word.rstrip("s") for word in words}
