"""SQL for hybrid search: pgvector HNSW (cosine) and PostgreSQL full text (`websearch_to_tsquery`,
`ts_rank_cd` on the title-weighted tsvector), fused by weighted reciprocal rank in one query.

Filters (publication window, outlets, categories) apply inside both searches. A filtered HNSW
scan uses pgvector 0.8's iterative scan, so it keeps scanning until it has `dense_k` matching
chunks instead of silently returning fewer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any, Literal

import numpy as np
from psycopg.rows import dict_row

from newsrag.embeddings.base import Vectors
from newsrag.models import RetrievedChunk, SearchFilters
from newsrag.store.database import Database

IterativeScan = Literal["relaxed_order", "strict_order", "off"]


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
class HnswScan:
    """How the HNSW index is searched: `hnsw.ef_search` is at least `ef_search` and at least
    twice the dense candidates (at most 1000); a filtered search scans on (`iterative`, up to
    `max_scan_tuples` tuples) until it has its dense candidates."""

    ef_search: int = 40
    iterative: IterativeScan = "relaxed_order"
    max_scan_tuples: int = 40_000


_COLUMNS = """
    c.id AS chunk_id, c.article_id, c.position, c.text,
    1 - (c.embedding <=> %(v)s) AS score,
    a.url, a.title, a.source, a.published_at, a.categories
"""


class ChunkSearch:
    def __init__(self, db: Database, scan: HnswScan | None = None) -> None:
        self.db = db
        self.scan = scan or HnswScan()

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
        text_k = fusion.text_k if text_query.strip() else 0
        params.update(
            v=np.asarray(vector),
            q=text_query,
            dense_k=fusion.dense_k,
            text_k=text_k,
            rrf_k=fusion.rrf_k,
            wd=fusion.dense_weight,
            wt=fusion.text_weight,
            limit=limit,
        )
        sql = f"""
            WITH dense AS (
                SELECT id, row_number() OVER (ORDER BY distance, id) AS rank
                FROM (
                    SELECT c.id, c.embedding <=> %(v)s AS distance
                    FROM chunks c JOIN articles a ON a.id = c.article_id
                    WHERE {where}
                    ORDER BY c.embedding <=> %(v)s
                    LIMIT %(dense_k)s
                ) nearest
            ), lexical AS (
                SELECT id, row_number() OVER (ORDER BY rank_cd DESC, id) AS rank
                FROM (
                    SELECT c.id, ts_rank_cd(c.tsv, query, 1) AS rank_cd
                    FROM chunks c JOIN articles a ON a.id = c.article_id,
                         websearch_to_tsquery('english', %(q)s) AS query
                    WHERE %(text_k)s > 0 AND c.tsv @@ query AND {where}
                    ORDER BY rank_cd DESC
                    LIMIT %(text_k)s
                ) matched
            ), fused AS (
                SELECT coalesce(d.id, l.id) AS id,
                       coalesce(%(wd)s / (%(rrf_k)s + d.rank), 0)
                       + coalesce(%(wt)s / (%(rrf_k)s + l.rank), 0) AS fused
                FROM dense d FULL JOIN lexical l ON l.id = d.id
            )
            SELECT {_COLUMNS}, f.fused
            FROM fused f JOIN chunks c ON c.id = f.id JOIN articles a ON a.id = c.article_id
            ORDER BY f.fused DESC, a.published_at DESC NULLS LAST, c.id
            LIMIT %(limit)s
        """
        with self.db.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            # A plan for these very parameters: after five runs psycopg prepares the query, and
            # PostgreSQL's generic plan (window and vector unknown) scans the whole window
            # exactly: 215 ms instead of 12 for the filtered vector search at 1M chunks
            # (benchmarks/retrieval.py).
            cur.execute("SELECT set_config('plan_cache_mode', 'force_custom_plan', true)")
            scan = self.scan
            ef_search = max(scan.ef_search, min(fusion.dense_k * 2, 1000))
            cur.execute("SELECT set_config('hnsw.ef_search', %s, true)", (str(ef_search),))
            if filters.active:
                cur.execute("SELECT set_config('hnsw.iterative_scan', %s, true)", (scan.iterative,))
                cur.execute(
                    "SELECT set_config('hnsw.max_scan_tuples', %s, true)",
                    (str(scan.max_scan_tuples),),
                )
            rows = cur.execute(sql, params).fetchall()
        return [retrieved(row) for row in rows]

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
        with self.db.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            rows = cur.execute(sql, params).fetchall()
        return [retrieved(row) for row in rows]


def _where(filters: SearchFilters) -> tuple[str, dict[str, Any]]:
    """The WHERE condition on `a` (articles) for the filters, and its parameters."""
    conditions = ["true"]
    params: dict[str, Any] = {}
    if filters.start is not None:
        conditions.append("a.published_at >= %(start)s")
        params["start"] = _midnight(filters.start)
    if filters.end is not None:
        conditions.append("a.published_at < %(end)s")
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
