"""Helpers shared by the database tests: writing an article with its chunks and vectors, and a
schema as an earlier release left it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import psycopg
from psycopg import sql

from newsrag.embeddings import Vectors
from newsrag.models import Article, Chunk, RetrievedChunk, SearchFilters
from newsrag.store import ArticleStore, ChunkSearch, Database, Fusion
from newsrag.store.database import migration_files
from tests.conftest import FakeEmbedder


def chunks_of(texts: Sequence[str]) -> list[Chunk]:
    return [Chunk(position, text, text) for position, text in enumerate(texts)]


def write(
    store: ArticleStore,
    embedder: FakeEmbedder,
    item: Article,
    texts: Sequence[str],
    model: str | None = None,
) -> str:
    return store.write_article(
        item, chunks_of(texts), embedder.embed(list(texts)), model or embedder.model_name
    )


def nearest(db: Database, vector: Vectors, limit: int) -> list[RetrievedChunk]:
    """The `limit` chunks nearest to `vector` (dense search only), best first."""
    return ChunkSearch(db).hybrid(
        vector, "", Fusion(dense_k=limit, text_k=0), SearchFilters(), limit
    )


# A chunk vector in SQL literal form, for rows written without the store.
_SQL_VECTOR = "[" + ",".join(["0.1"] * 384) + "]"


def write_old_article(
    conn: psycopg.Connection[Any], title: str, text: str, published_at: datetime | None = None
) -> None:
    """Article 1 with one chunk, written as SQL without the store (before later migrations)."""
    conn.execute(
        "INSERT INTO articles (id, url, title, body, content_hash, published_at) "
        "VALUES (1, 'https://e.org/old', %s, 'Body.', 'h', %s)",
        (title, published_at),
    )
    conn.execute(
        "INSERT INTO chunks (article_id, position, text, embedding) VALUES (1, 0, %s, %s::vector)",
        (text, _SQL_VECTOR),
    )


def migrate_before(conn: psycopg.Connection[Any], version: int) -> list[str]:
    """Apply and record the migrations numbered below `version`, as an earlier release did;
    returns the names of those left for `migrate`."""
    conn.execute(
        "CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL,"
        " applied_at timestamptz NOT NULL DEFAULT now())"
    )
    later = []
    for number, name, text in migration_files():
        if number >= version:
            later.append(name)
            continue
        conn.execute(text.encode("utf-8"))
        conn.execute("INSERT INTO schema_migrations VALUES (%s, %s)", (number, name))
    return later


def plan_index_scans(uri: str) -> None:
    """Make the planner of `uri`'s database take the vector index for ORDER BY distance, as it
    does on a large table (a few hundred rows would otherwise be sorted exactly)."""
    with psycopg.connect(uri, autocommit=True) as conn:
        row = conn.execute("SELECT current_database()").fetchone()
        assert row is not None
        name = sql.Identifier(row[0])
        for setting in ("enable_sort", "enable_seqscan"):
            conn.execute(sql.SQL("ALTER DATABASE {} SET {} = off").format(name, sql.SQL(setting)))
