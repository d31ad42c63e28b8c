"""The store of benchmarks/retrieval.py: the real Wikinews chunks embedded once, replicated into a
private PostgreSQL (scripts/faultlib.py) with perturbed vectors and shifted dates.

Replica 0 is the corpus as ingested; each further replica of an article has its dates shifted by
a random number of days within +-`SPREAD_DAYS` and every chunk vector moved by Gaussian noise
(`NOISE` per dimension, about 0.3 in norm) and normalised again, so a replica's chunk stays
near its original (cosine ~0.95) but is a different point. Text and tsvector are copied as they
are. Rows go in by binary COPY (tsvectors as the server's own `tsvectorsend` bytes), with
foreign keys not checked while copying; the HNSW and GIN indexes are built after each load.
"""

from __future__ import annotations

import struct
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import psycopg
from numpy.typing import NDArray

from newsrag.config import Settings
from newsrag.embeddings import create_embedder
from newsrag.ingest.chunking import chunk_article
from newsrag.ingest.sources import make_client, read_source
from newsrag.models import Article
from newsrag.store.database import migrate

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from faultlib import WIKINEWS, LocalPostgres  # noqa: E402

NOISE = 0.015
SPREAD_DAYS = 3650
SEED = 8
# Generous settings for a 2-core, 24 GiB machine; durability off, as for any bulk load.
SERVER_SETTINGS = {
    "shared_buffers": "8GB",
    "effective_cache_size": "16GB",
    "maintenance_work_mem": "8GB",
    "work_mem": "64MB",
    "max_parallel_maintenance_workers": "1",
    "max_parallel_workers_per_gather": "1",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "wal_level": "minimal",
    "max_wal_senders": "0",
    "max_wal_size": "64GB",
    "checkpoint_timeout": "1h",
}
COPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + struct.pack(">ii", 0, 0)
COPY_TRAILER = struct.pack(">h", -1)
CHUNK_COLUMNS = "id, article_id, position, text, heading, tsv, embedding, published_at"
POSTGRES_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
VECTOR_HEADER = struct.pack(">hh", 384, 0)
# The schema's HNSW index, and the one newsrag's store/vectors.py builds in its place.
VECTOR_INDEXES = "chunks_embedding_hnsw_idx, chunks_embedding_idx"


@dataclass(frozen=True)
class Corpus:
    """The real articles, their chunks (article index, position, text) and unit vectors."""

    articles: list[Article]
    chunks: list[tuple[int, int, str]]
    vectors: NDArray[np.float32]


class VectorIndex(Protocol):
    """An index on the chunks' vectors: the statement that builds it."""

    def sql(self) -> str: ...


@dataclass(frozen=True)
class Index:
    """How the HNSW index is built."""

    m: int = 16
    ef_construction: int = 64

    def sql(self) -> str:
        return (
            "CREATE INDEX chunks_embedding_hnsw_idx ON chunks USING hnsw "
            f"(embedding vector_cosine_ops) WITH (m = {self.m}, "
            f"ef_construction = {self.ef_construction})"
        )


@dataclass(frozen=True)
class Load:
    rows: int
    copy_seconds: float
    gin_seconds: float
    hnsw_seconds: float

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.copy_seconds


def read_corpus(settings: Settings) -> Corpus:
    """The Wikinews articles chunked and embedded as newsrag ingests them."""
    batch = read_source(str(WIKINEWS), make_client(settings), fetch_full_articles=False)
    chunks: list[tuple[int, int, str]] = []
    texts: list[str] = []
    for number, article in enumerate(batch.articles):
        for chunk in chunk_article(article, settings.chunk_tokens, settings.chunk_overlap):
            chunks.append((number, chunk.position, chunk.text))
            texts.append(chunk.embedding_text)
    vectors = np.asarray(create_embedder(settings).embed(texts), dtype=np.float32)
    return Corpus(batch.articles, chunks, vectors)


class Store:
    """A fresh PostgreSQL with the newsrag schema, grown by whole replicas of the corpus."""

    def __init__(self, folder: Path, corpus: Corpus) -> None:
        self.server = LocalPostgres(folder)
        self.corpus = corpus
        self.rows = 0
        self.articles = 0
        self.replica = 0
        self.random = np.random.default_rng(SEED)
        # Per corpus chunk: its text, heading and tsvector as binary COPY fields.
        self.fields: list[bytes] = []
        # Per chunk row (id - 1): its article's publication time.
        self.dates: list[datetime] = []

    def open(self) -> None:
        self.server.init()
        with self.connect() as conn:
            for name, value in SERVER_SETTINGS.items():
                conn.execute(f"ALTER SYSTEM SET {name} = '{value}'")
        self.server.stop()
        self.server.start()
        migrate(self.server.uri)
        with self.connect() as conn:
            conn.execute("DROP INDEX chunks_embedding_hnsw_idx, chunks_tsv_idx")
            titles = [self.corpus.articles[a].title for a, _, _ in self.corpus.chunks]
            self.fields = [
                _field(text.encode()) + _field(title.encode()) + _field(tsv)
                for (_, _, text), title, tsv in zip(
                    self.corpus.chunks, titles, self._tsvectors(conn, titles), strict=True
                )
            ]
            conn.execute("ALTER TABLE chunks ALTER COLUMN tsv DROP EXPRESSION")

    def close(self) -> None:
        self.server.close()

    def connect(self) -> psycopg.Connection[Any]:
        return psycopg.connect(self.server.uri, autocommit=True)

    def _tsvectors(self, conn: psycopg.Connection[Any], titles: list[str]) -> list[bytes]:
        """The binary tsvector of each corpus chunk, as the schema's generated column makes it."""
        rows = conn.execute(
            "SELECT tsvectorsend(setweight(to_tsvector('english', h), 'A')"
            " || setweight(to_tsvector('english', t), 'B'))"
            " FROM unnest(%s::text[], %s::text[]) WITH ORDINALITY AS x(h, t, n) ORDER BY n",
            (titles, [text for _, _, text in self.corpus.chunks]),
        ).fetchall()
        return [bytes(row[0]) for row in rows]

    def grow(self, target: int, index: VectorIndex | None) -> Load:
        """Add replicas until the store holds `target` chunks, then (re)build the indexes (no
        vector index without `index`)."""
        with self.connect() as conn:
            conn.execute(f"DROP INDEX IF EXISTS {VECTOR_INDEXES}, chunks_tsv_idx")
            started = time.perf_counter()
            added = self._copy(conn, target)
            copy_seconds = time.perf_counter() - started
            started = time.perf_counter()
            conn.execute("CREATE INDEX chunks_tsv_idx ON chunks USING gin (tsv)")
            gin_seconds = time.perf_counter() - started
            hnsw_seconds = self.build(conn, index) if index else 0.0
            conn.execute("VACUUM ANALYZE articles, chunks")
        return Load(added, copy_seconds, gin_seconds, hnsw_seconds)

    def build(self, conn: psycopg.Connection[Any], index: VectorIndex) -> float:
        """Build the vector index (dropping any other); returns the seconds it took."""
        conn.execute(f"DROP INDEX IF EXISTS {VECTOR_INDEXES}")
        started = time.perf_counter()
        conn.execute(index.sql())
        return time.perf_counter() - started

    def _copy(self, conn: psycopg.Connection[Any], target: int) -> int:
        before = self.rows
        with conn.transaction():
            conn.execute("SET LOCAL session_replication_role = replica")
            articles: list[tuple[Any, ...]] = []
            with conn.cursor().copy(
                f"COPY chunks ({CHUNK_COLUMNS}) FROM STDIN (FORMAT BINARY)"
            ) as copy:
                copy.write(COPY_HEADER)
                for block in self._replicas(target, articles):
                    copy.write(block)
                copy.write(COPY_TRAILER)
            columns = "id, url, title, source, published_at, categories, body, content_hash"
            with conn.cursor().copy(f"COPY articles ({columns}) FROM STDIN") as copy:
                for row in articles:
                    copy.write_row(row)
            conn.execute("SELECT setval('articles_id_seq', %s)", (self.articles,))
            conn.execute("SELECT setval('chunks_id_seq', %s)", (self.rows,))
        return self.rows - before

    def _replicas(self, target: int, articles: list[tuple[Any, ...]]) -> Iterator[bytes]:
        """Binary COPY rows of whole replicas of the corpus (the last one cut short) until the
        store holds `target` chunks; the replicas' articles are appended to `articles`."""
        corpus = self.corpus
        while self.rows < target:
            replica = self.replica
            vectors = corpus.vectors
            if replica:
                noisy = vectors + self.random.normal(0, NOISE, vectors.shape).astype(np.float32)
                vectors = noisy / np.linalg.norm(noisy, axis=1, keepdims=True)
            encoded = vectors.astype(">f4")
            shifts = self.random.integers(-SPREAD_DAYS, SPREAD_DAYS, len(corpus.articles))
            ids: dict[int, int] = {}
            rows: list[bytes] = []
            for number, (article_index, position, _) in enumerate(corpus.chunks):
                if self.rows >= target:
                    break
                article = corpus.articles[article_index]
                assert article.published_at is not None
                published = article.published_at + timedelta(days=int(shifts[article_index]))
                if replica == 0:
                    published = article.published_at
                if article_index not in ids:
                    self.articles += 1
                    ids[article_index] = self.articles
                    articles.append(_article_row(self.articles, article, replica, published))
                self.rows += 1
                self.dates.append(published)
                rows.append(
                    struct.pack(">hiqiqii", 8, 8, self.rows, 8, ids[article_index], 4, position)
                    + self.fields[number]
                    + _field(VECTOR_HEADER + encoded[number].tobytes())
                    + _field(struct.pack(">q", _microseconds(published)))
                )
            self.replica += 1
            yield b"".join(rows)


def _article_row(
    article_id: int, article: Article, replica: int, published: datetime
) -> tuple[Any, ...]:
    url = article.url if replica == 0 else f"{article.url}?replica={replica}"
    return (
        article_id,
        url,
        article.title,
        article.source,
        published,
        list(article.categories),
        article.body,
        f"{article.content_hash}-{replica}",
    )


def _microseconds(moment: datetime) -> int:
    """A timestamptz as binary COPY takes it: microseconds since 2000-01-01 UTC."""
    return (moment - POSTGRES_EPOCH) // timedelta(microseconds=1)


def _field(data: bytes) -> bytes:
    return struct.pack(">i", len(data)) + data
