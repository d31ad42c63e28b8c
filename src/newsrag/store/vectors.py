"""The index of the vector search: HNSW or IVFFlat (pgvector), as NEWSRAG_VECTOR_INDEX says.

HNSW, the schema's own (migration 0001), is a graph that takes each chunk as it arrives. IVFFlat
sorts the chunks into `lists` around k-means centres and scans the probed lists exactly: at 1M
chunks (benchmarks/retrieval.py's store) it finds the exact 10 nearest at 10 probes (recall@10
1.000 in and out of a 1-year window, HNSW 0.72) in 50 s of building instead of 135 (`make
bench`, 2026-12-07). Its centres are trained on the chunks present when it is built, so it is
built again once the store holds twice the chunks it was trained on (`VectorIndexes.maintain`,
after each ingestion): a store of any size has been trained on at least half of its chunks.

An index is built beside the one in use (CREATE INDEX CONCURRENTLY), which is then dropped, so
searches and ingestion go on meanwhile; one process builds at a time (an advisory lock).
"""

from __future__ import annotations

import logging
import math
import re
import time
from dataclasses import dataclass
from typing import Any, Literal

import psycopg

from newsrag.errors import StorageError
from newsrag.store.database import Database, first_line

log = logging.getLogger(__name__)

Kind = Literal["hnsw", "ivfflat"]
NAME = "chunks_embedding_idx"
BUILDING = "chunks_embedding_building_idx"
BUILD_LOCK = 7_201_002
# pgvector's advice for `lists`: rows / 1000 up to 1M rows, their square root beyond.
ROWS_PER_LIST = 1000
MIN_LISTS = 10
# IVFFlat's build samples 50 vectors a list for k-means; this many bytes of
# maintenance_work_mem a sampled dimension leaves room for the centres and the sums beside them.
BYTES_PER_SAMPLED_DIMENSION = 8
SAMPLES_PER_LIST = 50
_TRAINED = re.compile(r"trained on (\d+) chunks")


def lists_for(chunks: int) -> int:
    """IVFFlat lists for a store of `chunks`: pgvector's advice, at least MIN_LISTS."""
    wanted = chunks // ROWS_PER_LIST if chunks <= 1_000_000 else math.isqrt(chunks)
    return max(MIN_LISTS, wanted)


@dataclass(frozen=True)
class VectorIndex:
    """The vector index in use: its kind (None: there is none), and for IVFFlat its lists and
    the chunks it was trained on."""

    kind: Kind | None
    lists: int | None = None
    trained_on: int | None = None

    def stale(self, wanted: Kind, chunks: int) -> bool:
        """Whether the index to search a store of `chunks` by is another: another kind, or an
        IVFFlat trained on fewer than half of them."""
        if self.kind != wanted:
            return True
        return wanted == "ivfflat" and 2 * (self.trained_on or 0) < chunks


class VectorIndexes:
    """Reads and (re)builds the chunks' vector index of `kind`."""

    def __init__(self, db: Database, kind: Kind) -> None:
        self.db = db
        self.kind = kind

    def current(self) -> VectorIndex:
        with self.db.connection() as conn:
            return _current(conn)

    def maintain(self) -> VectorIndex | None:
        """Build the index of this kind when the one in use is stale (see `VectorIndex.stale`);
        the index built, or None when none was (not stale, or another process is building)."""
        with self.db.connection() as conn:
            current = _current(conn)
            if current.kind == self.kind == "hnsw":  # no need to count the chunks
                return None
            chunks = _chunks(conn)
        return self.build() if current.stale(self.kind, chunks) else None

    def build(self) -> VectorIndex | None:
        """Build the index of this kind on the chunks present now, in place of the one in use;
        None when another process is building one. StorageError when the database fails it
        (the index in use stays)."""
        try:
            with psycopg.connect(self.db.uri, autocommit=True) as conn:
                locked = conn.execute("SELECT pg_try_advisory_lock(%s)", (BUILD_LOCK,)).fetchone()
                if not (locked and locked[0]):
                    return None
                try:
                    return self._build(conn)
                finally:
                    conn.execute("SELECT pg_advisory_unlock(%s)", (BUILD_LOCK,))
        except psycopg.Error as exc:
            raise StorageError(
                f"Building the {self.kind} vector index failed on {self.db.display_uri} "
                f"({first_line(exc)}); searches go on with the index in use: run `newsrag "
                "reindex --vectors` again once the database is back.",
                code="index_build_failed",
            ) from exc

    def _build(self, conn: psycopg.Connection[Any]) -> VectorIndex:
        started = time.perf_counter()
        chunks = _chunks(conn)
        conn.execute(f"DROP INDEX IF EXISTS {BUILDING}")  # left by a build that was stopped
        if self.kind == "ivfflat":
            lists = lists_for(chunks)
            dimensions = _dimensions(conn)
            memory = lists * SAMPLES_PER_LIST * dimensions * BYTES_PER_SAMPLED_DIMENSION
            conn.execute(  # raised, never lowered
                "SELECT set_config('maintenance_work_mem', %(m)s, false) WHERE"
                " pg_size_bytes(current_setting('maintenance_work_mem')) < pg_size_bytes(%(m)s)",
                {"m": f"{64 + memory // 2**20}MB"},
            )
            method = f"ivfflat (embedding vector_cosine_ops) WITH (lists = {lists})"
            built = VectorIndex("ivfflat", lists, chunks)
        else:
            method = "hnsw (embedding vector_cosine_ops)"
            built = VectorIndex("hnsw")
        conn.execute(f"CREATE INDEX CONCURRENTLY {BUILDING} ON chunks USING {method}")
        for name in _vector_indexes(conn):
            if name != BUILDING:
                conn.execute(f'DROP INDEX CONCURRENTLY IF EXISTS "{name}"')
        conn.execute(f"ALTER INDEX {BUILDING} RENAME TO {NAME}")
        conn.execute(f"COMMENT ON INDEX {NAME} IS 'newsrag: trained on {chunks} chunks'")
        log.info(
            "built the %s vector index on %d chunks in %.1f s",
            self.kind,
            chunks,
            time.perf_counter() - started,
        )
        return built


def _current(conn: psycopg.Connection[Any]) -> VectorIndex:
    row = conn.execute(
        "SELECT am.amname, c.reloptions, obj_description(c.oid, 'pg_class')"
        " FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam"
        " WHERE i.indrelid = 'chunks'::regclass AND i.indisvalid"
        " AND am.amname IN ('hnsw', 'ivfflat') ORDER BY c.relname = %s DESC LIMIT 1",
        (NAME,),
    ).fetchone()
    if row is None:
        return VectorIndex(None)
    kind, options, comment = row
    if kind == "hnsw":
        return VectorIndex("hnsw")
    lists = next((int(o.split("=")[1]) for o in options or () if o.startswith("lists=")), 100)
    trained = _TRAINED.search(comment or "")
    return VectorIndex("ivfflat", lists, int(trained.group(1)) if trained else 0)


def _vector_indexes(conn: psycopg.Connection[Any]) -> list[str]:
    rows = conn.execute(
        "SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
        " JOIN pg_am am ON am.oid = c.relam"
        " WHERE i.indrelid = 'chunks'::regclass AND am.amname IN ('hnsw', 'ivfflat')"
    ).fetchall()
    return [row[0] for row in rows]


def _chunks(conn: psycopg.Connection[Any]) -> int:
    row = conn.execute("SELECT count(*) FROM chunks").fetchone()
    return int(row[0]) if row else 0


def _dimensions(conn: psycopg.Connection[Any]) -> int:
    """The embedding column's declared dimensions (vector(n)'s type modifier)."""
    row = conn.execute(
        "SELECT atttypmod FROM pg_attribute"
        " WHERE attrelid = 'chunks'::regclass AND attname = 'embedding'"
    ).fetchone()
    return int(row[0]) if row and row[0] > 0 else 384
