"""What benchmarks/retrieval.py and benchmarks/ivfflat.py share: the dev questions asked, the
windows, and newsrag's own `ChunkSearch` timed and its recall@10 counted against an exact scan."""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import quote

from newsrag.embeddings.base import Vectors
from newsrag.models import SearchFilters
from newsrag.retrieval.search import text_query
from newsrag.store import ChunkSearch, Database, Fusion

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))

from faultlib import dev_questions, p50, p95
from retrieval_data import Store

WINDOW = SearchFilters(start=date(2012, 1, 1), end=date(2013, 1, 1))
# The real chunks alone have one article from 2012; 2009 holds about as large a share of them.
REAL_WINDOW = SearchFilters(start=date(2009, 1, 1), end=date(2010, 1, 1))
NO_FILTER = SearchFilters()
BOTH = (False, True)
QUESTIONS = dev_questions()


@dataclass(frozen=True)
class Query:
    text: str
    vector: Vectors


@dataclass(frozen=True)
class Timing:
    seconds: list[float]
    found: list[list[int]]

    @property
    def p50(self) -> float:
        return p50(self.seconds) * 1000

    @property
    def p95(self) -> float:
        return p95(self.seconds) * 1000


def timed(search: ChunkSearch, queries: list[Query], filters: SearchFilters, text: bool) -> Timing:
    """Each query once after a warm-up of the first few: the hybrid search as newsrag runs it
    (`text`), or its dense part alone, 10 results."""
    fusion = Fusion() if text else Fusion(text_k=0)
    limit = fusion.dense_k + fusion.text_k if text else 10

    def one(query: Query) -> list[int]:
        words = text_query(query.text) if text else ""
        found = search.hybrid(query.vector, words, fusion, filters, limit)
        return [chunk.chunk_id for chunk in found]

    for query in queries[:3]:
        one(query)
    seconds: list[float] = []
    found: list[list[int]] = []
    for query in queries:
        started = time.perf_counter()
        found.append(one(query))
        seconds.append(time.perf_counter() - started)
    return Timing(seconds, found)


def recall(
    approximate: Timing, exact: Timing, same: Callable[[int], int] = lambda chunk_id: chunk_id
) -> float:
    """The share of the exact top 10 that the approximate top 10 holds, each chunk standing for
    `same(chunk_id)`."""

    def top(found: list[int]) -> set[int]:
        return {same(chunk_id) for chunk_id in found[:10]}

    hits = [
        len(top(a) & top(e)) / max(1, len(top(e)))
        for a, e in zip(approximate.found, exact.found, strict=True)
    ]
    return statistics.mean(hits)


def pool(store: Store, queries: list[Query], exact: bool = False) -> Database:
    """Two connections, as newsrag's search takes (the vector and full-text searches run at the
    same time); `exact`: index scans off (the vector search scans and sorts)."""
    uri = store.server.uri
    if exact:
        uri += "?options=" + quote("-c enable_indexscan=off")
    db = Database(uri, embedded=False, max_size=2)
    timed(ChunkSearch(db), queries[:3], NO_FILTER, text=True)  # both connections open
    return db


def filters_for(filtered: bool, window: SearchFilters = WINDOW) -> SearchFilters:
    return window if filtered else NO_FILTER
