"""SQL for hybrid search: pgvector (cosine, on HNSW or IVFFlat: store/vectors.py) and PostgreSQL
full text (`websearch_to_tsquery`, `ts_rank_cd` on the title-weighted tsvector), fused by weighted
reciprocal rank.

The two searches run at the same time, each on its own pooled connection (the vector search on a
worker thread), so a hybrid search takes about as long as the slower of them rather than both:
at 1M chunks in a 1-year window, p50 15-17 ms instead of 20-24 ms one after the other (three
rounds of 20 dev questions, benchmarks/retrieval.py's store).

Filters (publication window, outlets, categories) apply inside both searches; the window is
checked on the chunk itself (its copy of the article's date), outlets and categories on its
article. A filtered index scan uses pgvector 0.8's iterative scan, so it keeps scanning until it
has `dense_k` matching chunks instead of silently returning fewer. In a store of more than
`text_budget` chunks, the full-text search matches only on the query's rarest words
(store/lexicon.py) and still ranks by all of them, at most `rank_limit` chunks: those holding
three, then two of the rarest words first.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time
from typing import Any, Literal, Protocol, TypeVar

import numpy as np
import psycopg
from psycopg.rows import dict_row

from newsrag.embeddings.base import Vectors
from newsrag.models import RetrievedChunk, SearchFilters
from newsrag.store.lexicon import Lexicon

IterativeScan = Literal["relaxed_order", "strict_order", "off"]
# The most chunks the full-text search ranks, as estimated from the store's statistics.
TEXT_BUDGET = 2000
# In a store over the budget, the most chunks the full-text search ranks with `ts_rank_cd`:
# at 1M chunks the unwindowed hybrid query takes p50 17 ms / p95 20 ms ranking 300, 22 / 32
# ranking 500, while ranking every chunk holding the rarest word took 40 / 117
# (benchmarks/retrieval.py's store, 40 dev questions).
RANK_LIMIT = 300
# How many chunks holding a word tell how the store spells it (`ChunkSearch.spellings`).
SPELLING_SAMPLE = 20


@dataclass(frozen=True)
class Fusion:
    """How many candidates each search contributes and how their ranks are fused:
    `weight / (rrf_k + rank)` summed over the searches that found a chunk."""

    dense_k: int = 40
    text_k: int = 40
    rrf_k: int = 60
    dense_weight: float = 1.0
    text_weight: float = 1.0


@dataclass(frozen=True)
class VectorScan:
    """How the vector index is searched (store/vectors.py: HNSW or IVFFlat). A filtered search
    scans on (`iterative`) until it has its dense candidates: HNSW up to `max_scan_tuples`
    tuples, IVFFlat up to `max_probes` lists. HNSW's `hnsw.ef_search` is `ef_for`; IVFFlat
    scans `probes` lists exactly."""

    ef_search: int = 40
    iterative: IterativeScan = "relaxed_order"
    max_scan_tuples: int = 40_000
    chunks_per_ef: int = 1000
    probes: int = 10
    max_probes: int = 400

    def ef_for(self, dense_k: int, chunks: float) -> int:
        """`hnsw.ef_search` for `dense_k` candidates in a store of `chunks`: at least
        `ef_search`, twice the candidates and one per `chunks_per_ef` chunks (a larger graph
        needs a wider search for the same recall), at most 1000 (pgvector's limit). At 1M
        chunks, 1000 lifts recall@10 from 0.58 (ef_search 80) to 0.78, and from 0.74 to 0.80 in
        a 1-year window at no extra cost there; at 20k a wide search makes the planner choose an
        exact scan, 71 ms instead of 4 (benchmarks/retrieval.py)."""
        return min(1000, max(self.ef_search, dense_k * 2, int(chunks // self.chunks_per_ef)))


# Plan for these very parameters: after five runs psycopg prepares a query, and PostgreSQL's
# generic plan (window and vector unknown) scans the whole window exactly: 215 ms instead of 12
# for the filtered vector search at 1M chunks (benchmarks/retrieval.py).
_CUSTOM_PLAN = "set_config('plan_cache_mode', 'force_custom_plan', true)"
# The vector search's worker threads (the full-text search runs on the caller's).
_WORKERS = ThreadPoolExecutor(max_workers=16, thread_name_prefix="newsrag-dense")

_COLUMNS = """
    c.id AS chunk_id, c.article_id, c.position, c.text,
    1 - (c.embedding <=> %(v)s) AS score,
    a.url, a.title, a.source, a.published_at, a.categories
"""


T = TypeVar("T")


class Reads(Protocol):
    """Where searches run: the primary `Database`, or `ReadRouting` over its replicas."""

    def read(self, work: Callable[[psycopg.Connection[Any]], T]) -> T: ...


class ChunkSearch:
    def __init__(
        self,
        db: Reads,
        scan: VectorScan | None = None,
        text_budget: int = TEXT_BUDGET,
        rank_limit: int = RANK_LIMIT,
    ) -> None:
        self.db = db
        self.scan = scan or VectorScan()
        self.text_budget = text_budget
        self.rank_limit = rank_limit
        self.lexicon = Lexicon()

    def hybrid(
        self,
        vector: Vectors,
        text_query: str,
        fusion: Fusion,
        filters: SearchFilters,
        limit: int,
    ) -> list[RetrievedChunk]:
        """Up to `limit` chunks by fused rank, best first; `score` is each chunk's cosine
        similarity and `fused` its fused rank score. A search with k = 0 (or an empty text
        query) is left out, so this is also dense-only or text-only search."""
        where, params = _where(filters)
        params["v"] = np.asarray(vector)
        text_k = fusion.text_k if text_query.strip() else 0
        if not text_k:
            nearest = self._dense(fusion.dense_k, filters, where, params) if fusion.dense_k else []
            return _fused(nearest, [], fusion, limit)
        dense: Future[list[dict[str, Any]]] | None = None
        if fusion.dense_k:
            dense = _WORKERS.submit(self._dense, fusion.dense_k, filters, where, params)
        try:
            lexical = self._lexical(text_query, text_k, filters, where, params)
        finally:
            nearest = dense.result() if dense is not None else []
        return _fused(nearest, lexical, fusion, limit)

    def _dense(
        self, dense_k: int, filters: SearchFilters, where: str, params: dict[str, Any]
    ) -> list[dict[str, Any]]:
        """The `dense_k` chunks nearest the vector, nearest first."""
        sql = f"""
            SELECT {_COLUMNS}
            FROM (
                SELECT c.id, c.embedding <=> %(v)s AS distance
                FROM {_source(filters, "chunks")}
                WHERE {where}
                ORDER BY c.embedding <=> %(v)s
                LIMIT %(dense_k)s
            ) nearest JOIN chunks c ON c.id = nearest.id JOIN articles a ON a.id = c.article_id
            ORDER BY nearest.distance, c.id
        """
        scan = self.scan

        def work(conn: psycopg.Connection[Any]) -> list[dict[str, Any]]:
            with conn.cursor(row_factory=dict_row) as cur:
                chunks = self.lexicon.shares(conn).rows
                iterative = scan.iterative if filters.active else "off"
                cur.execute(
                    f"SELECT {_CUSTOM_PLAN}, set_config('hnsw.ef_search', %s, true),"
                    " set_config('hnsw.iterative_scan', %s, true),"
                    " set_config('hnsw.max_scan_tuples', %s, true),"
                    " set_config('ivfflat.probes', %s, true),"
                    " set_config('ivfflat.iterative_scan', %s, true),"
                    " set_config('ivfflat.max_probes', %s, true)",
                    (
                        str(scan.ef_for(dense_k, chunks)),
                        iterative,
                        str(scan.max_scan_tuples),
                        str(scan.probes),
                        "off" if iterative == "off" else "relaxed_order",  # IVFFlat's only order
                        str(max(scan.probes, scan.max_probes)),
                    ),
                )
                return cur.execute(sql, {**params, "dense_k": dense_k}).fetchall()

        return self.db.read(work)

    def _lexical(
        self,
        text_query: str,
        text_k: int,
        filters: SearchFilters,
        where: str,
        params: dict[str, Any],
    ) -> list[dict[str, Any]]:
        """The `text_k` chunks ranked highest by full text, best first.

        In a store over the budget, at most `rank_limit` chunks matching the filters are taken
        through the index first, tier by tier (store/lexicon.py: those holding three, then two,
        of the query's rarest words, then those holding one); the whole query and the rank are
        then checked on those alone. Through the index, the whole query would read every word's
        posting list, and a date window every chunk in the window."""

        def work(conn: psycopg.Connection[Any]) -> list[dict[str, Any]]:
            with conn.cursor(row_factory=dict_row) as cur:
                tiers = self.lexicon.tiers(conn, text_query, self.text_budget)
                if filters.start or filters.end:
                    # A date window narrows what is ranked already, while every further tier
                    # reads its chunks outside the window too.
                    tiers = tiers[-1:]
                opening, matches, condition = _text_matches(tiers, filters, where)
                values = {**params, "q": text_query, "text_k": text_k, "limit": self.rank_limit}
                values.update({f"tier{n}": tier for n, tier in enumerate(tiers)})
                sql = f"""
                    {opening}
                    SELECT {_COLUMNS}
                    FROM (
                        SELECT c.id, ts_rank_cd(c.tsv, query, 1) AS rank_cd
                        FROM {matches}, websearch_to_tsquery('english', %(q)s) AS query
                        WHERE {condition}
                        ORDER BY rank_cd DESC, c.id
                        LIMIT %(text_k)s
                    ) found JOIN chunks c ON c.id = found.id JOIN articles a ON a.id = c.article_id
                    ORDER BY found.rank_cd DESC, c.id
                """
                cur.execute(f"SELECT {_CUSTOM_PLAN}")
                return cur.execute(sql, values).fetchall()

        return self.db.read(work)

    def spellings(self, words: Sequence[str]) -> dict[str, tuple[int, int]]:
        """For each lower-case word, how often the first SPELLING_SAMPLE chunks holding it write
        it capitalised inside a sentence ("in Boston"), and how often in lower case. Words
        other than lower-case ASCII letters are not looked up (they go into a pattern)."""
        asked = [word for word in words if word.isascii() and word.isalpha() and word.islower()]
        rows = self.db.read(
            lambda conn: conn.execute(
                _SPELLINGS, {"words": asked, "sample": SPELLING_SAMPLE}
            ).fetchall()
        )
        return {row[0]: (int(row[1]), int(row[2])) for row in rows}

    def openings(self, article_ids: Sequence[int]) -> dict[int, str]:
        """The text of each article's first chunk, by article id."""
        rows = self.db.read(
            lambda conn: conn.execute(
                "SELECT article_id, text FROM chunks WHERE article_id = ANY(%s) AND position = 0",
                (list(article_ids),),
            ).fetchall()
        )
        return {row[0]: row[1] for row in rows}

    def article_chunks(self, vector: Vectors, urls: Sequence[str]) -> list[RetrievedChunk]:
        """Every chunk of the articles at `urls`, most similar to `vector` first."""
        sql = f"""
            SELECT {_COLUMNS}, 0.0 AS fused
            FROM chunks c JOIN articles a ON a.id = c.article_id
            WHERE a.url = ANY(%(urls)s)
            ORDER BY score DESC, c.id
        """
        return self._rows(sql, {"v": np.asarray(vector), "urls": list(urls)})

    def newest(self, vector: Vectors, filters: SearchFilters, limit: int) -> list[RetrievedChunk]:
        """The opening chunks of the newest articles, newest first ("the latest news")."""
        where, params = _where(filters)
        params.update(v=np.asarray(vector), limit=limit)
        sql = f"""
            SELECT {_COLUMNS}, 0.0 AS fused
            FROM chunks c JOIN articles a ON a.id = c.article_id
            WHERE c.position = 0 AND a.published_at IS NOT NULL AND {where}
            ORDER BY a.published_at DESC, c.id
            LIMIT %(limit)s
        """
        return self._rows(sql, params)

    def _rows(self, sql: str, params: dict[str, Any]) -> list[RetrievedChunk]:
        def work(conn: psycopg.Connection[Any]) -> list[dict[str, Any]]:
            with conn.cursor(row_factory=dict_row) as cur:
                return cur.execute(sql, params).fetchall()

        return [retrieved(row) for row in self.db.read(work)]


# The words are lower-case ASCII letters only (`ChunkSearch.spellings`), safe in a pattern.
_SPELLINGS = r"""
    SELECT w,
           coalesce(sum((SELECT count(*) FROM regexp_matches(
               c.text, '[^.!?"\s]\s+' || initcap(w) || '\M', 'g'))), 0),
           coalesce(sum((SELECT count(*) FROM regexp_matches(c.text, '\m' || w || '\M', 'g'))), 0)
    FROM unnest(%(words)s::text[]) AS w
    LEFT JOIN LATERAL (
        SELECT text FROM chunks WHERE tsv @@ plainto_tsquery('english', w) LIMIT %(sample)s
    ) c ON true
    GROUP BY w
"""


def _text_matches(tiers: Sequence[str], filters: SearchFilters, where: str) -> tuple[str, str, str]:
    """The opening CTE, FROM and WHERE of the chunks the full-text search ranks (`c`, with the
    tsquery `query`): without `tiers`, every chunk matching the filters and the query; with
    them, the first `limit` chunks matching the filters taken tier by tier, each tier through
    the full-text index alone (OFFSET 0 keeps the filters out of it: a window would add its own
    index scan to every tier)."""
    if not tiers:
        return "", _source(filters, "chunks"), f"{where} AND c.tsv @@ query"
    branches = " UNION ALL ".join(
        f"(SELECT id, article_id, published_at FROM chunks WHERE tsv @@ %(tier{n})s::tsquery"
        " OFFSET 0)"
        for n in range(len(tiers))
    )
    opening = (
        "WITH rare AS MATERIALIZED (SELECT DISTINCT id FROM (SELECT c.id"
        f" FROM {_source(filters, f'({branches})')} WHERE {where} LIMIT %(limit)s) tiers)"
    )
    return opening, "rare JOIN chunks c ON c.id = rare.id", "ts_match_vq(c.tsv, query)"


def _fused(
    nearest: list[dict[str, Any]], lexical: list[dict[str, Any]], fusion: Fusion, limit: int
) -> list[RetrievedChunk]:
    """Both rankings fused, `weight / (rrf_k + rank)` summed per chunk; ties go to the newer
    article, then the lower chunk id."""
    rows: dict[int, dict[str, Any]] = {}
    fused: dict[int, float] = {}
    for ranking, weight in ((nearest, fusion.dense_weight), (lexical, fusion.text_weight)):
        for rank, row in enumerate(ranking, start=1):
            chunk_id = row["chunk_id"]
            rows[chunk_id] = row
            fused[chunk_id] = fused.get(chunk_id, 0.0) + weight / (fusion.rrf_k + rank)

    def order(chunk_id: int) -> tuple[float, float, int]:
        published = rows[chunk_id]["published_at"]
        return (-fused[chunk_id], -published.timestamp() if published else math.inf, chunk_id)

    best = sorted(fused, key=order)[:limit]
    return [replace(retrieved(rows[chunk_id]), fused=fused[chunk_id]) for chunk_id in best]


def _source(filters: SearchFilters, table: str) -> str:
    """The chunks of `table` as `c`, joined to their articles `a` when a filter reads them."""
    if filters.sources or filters.categories:
        return f"{table} c JOIN articles a ON a.id = c.article_id"
    return f"{table} c"


def _where(filters: SearchFilters) -> tuple[str, dict[str, Any]]:
    """The WHERE condition for the filters (on `c` and on `a`, see `_source`), and its
    parameters."""
    conditions = ["true"]
    params: dict[str, Any] = {}
    if filters.start is not None:
        conditions.append("c.published_at >= %(start)s")
        params["start"] = _midnight(filters.start)
    if filters.end is not None:
        conditions.append("c.published_at < %(end)s")
        params["end"] = _midnight(filters.end)
    if filters.sources:
        conditions.append("a.source = ANY(%(sources)s)")
        params["sources"] = list(filters.sources)
    if filters.categories:
        conditions.append("a.categories && %(categories)s")
        params["categories"] = list(filters.categories)
    return " AND ".join(conditions), params


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def retrieved(row: dict[str, Any]) -> RetrievedChunk:
    return RetrievedChunk(
        chunk_id=row["chunk_id"],
        article_id=row["article_id"],
        position=row["position"],
        text=row["text"],
        score=float(row["score"]),
        url=row["url"],
        title=row["title"],
        source=row["source"],
        published_at=row["published_at"],
        categories=tuple(row["categories"] or ()),
        fused=float(row.get("fused") or 0.0),
    )
