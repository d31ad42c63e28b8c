"""SQL for articles, chunks, the index metadata and vector search."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

import numpy as np
import psycopg

from newsrag.embeddings.base import Vectors
from newsrag.errors import IndexMismatch, InvalidInput
from newsrag.models import Article, Chunk
from newsrag.store.database import Database

WriteOutcome = Literal["new", "updated"]


@dataclass(frozen=True)
class IndexInfo:
    model: str
    dimension: int


@dataclass(frozen=True)
class DeletedArticle:
    id: int
    url: str
    title: str
    chunks: int


@dataclass(frozen=True)
class StoreStats:
    articles: int
    chunks: int
    newest: datetime | None


class ArticleStore:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._checked: IndexInfo | None = None

    def index_info(self) -> IndexInfo | None:
        with self.db.connection() as conn:
            row = conn.execute("SELECT model, dimension FROM index_meta").fetchone()
        return IndexInfo(row[0], row[1]) if row else None

    def ensure_index(self, model: str, dimension: int) -> IndexInfo:
        """Record the model the index is built with, or refuse a different one."""
        wanted = IndexInfo(model, dimension)
        if self._checked == wanted:
            return wanted
        with self.db.connection() as conn:
            conn.execute(
                "INSERT INTO index_meta (model, dimension) VALUES (%s, %s) "
                "ON CONFLICT (id) DO NOTHING",
                (model, dimension),
            )
            row = conn.execute("SELECT model, dimension FROM index_meta").fetchone()
        assert row is not None
        built = IndexInfo(row[0], row[1])
        if built != wanted:
            raise IndexMismatch(
                f"The index was built with {built.model} ({built.dimension} dimensions) but "
                f"NEWSRAG_EMBEDDING_MODEL is {model} ({dimension} dimensions): set "
                f"NEWSRAG_EMBEDDING_MODEL={built.model}, or use a new NEWSRAG_DATA_DIR / "
                "DATABASE_URL for the other model.",
            )
        self._checked = built
        return built

    def content_hashes(self, urls: Sequence[str]) -> dict[str, str]:
        with self.db.connection() as conn:
            rows = conn.execute(
                "SELECT url, content_hash FROM articles WHERE url = ANY(%s)", (list(urls),)
            ).fetchall()
        return {url: content_hash for url, content_hash in rows}

    def write_article(
        self, article: Article, chunks: Sequence[Chunk], vectors: Vectors, model: str
    ) -> WriteOutcome:
        """Upsert the article and replace its chunks, all in one transaction."""
        self.ensure_index(model, int(vectors.shape[1]))
        try:
            return self._write(article, chunks, vectors)
        except psycopg.DataError as exc:
            raise InvalidInput(
                f"The article {article.url} holds data PostgreSQL cannot store ({exc}); "
                "it was skipped.",
                code="unstorable_article",
            ) from exc

    def _write(self, article: Article, chunks: Sequence[Chunk], vectors: Vectors) -> WriteOutcome:
        with self.db.connection() as conn, conn.transaction():
            row = conn.execute(
                """
                INSERT INTO articles (url, title, source, published_at, categories, body,
                                      content_hash)
                VALUES (%s, %s, %s, %s, %s, %s, %s)
                ON CONFLICT (url) DO UPDATE SET
                    title = EXCLUDED.title, source = EXCLUDED.source,
                    published_at = EXCLUDED.published_at, categories = EXCLUDED.categories,
                    body = EXCLUDED.body, content_hash = EXCLUDED.content_hash,
                    updated_at = now()
                RETURNING id, (xmax = 0) AS inserted
                """,
                (
                    article.url,
                    article.title,
                    article.source,
                    article.published_at,
                    list(article.categories),
                    article.body,
                    article.content_hash,
                ),
            ).fetchone()
            assert row is not None
            article_id, inserted = row
            conn.execute("DELETE FROM chunks WHERE article_id = %s", (article_id,))
            with conn.cursor() as cur:
                cur.executemany(
                    "INSERT INTO chunks (article_id, position, heading, text, embedding,"
                    " published_at) VALUES (%s, %s, %s, %s, %s, %s)",
                    [
                        (
                            article_id,
                            chunk.position,
                            article.title,
                            chunk.text,
                            np.asarray(vector),
                            article.published_at,
                        )
                        for chunk, vector in zip(chunks, vectors, strict=True)
                    ],
                )
        return "new" if inserted else "updated"

    def delete(
        self, *, article_id: int | None = None, url: str | None = None
    ) -> DeletedArticle | None:
        """Remove the article with this id or URL, and its chunks; None when there is none."""
        column, value = ("id", article_id) if url is None else ("url", url)
        with self.db.connection() as conn:
            row = conn.execute(
                f"""
                WITH gone AS (DELETE FROM articles WHERE {column} = %s RETURNING id, url, title)
                SELECT id, url, title, (SELECT count(*) FROM chunks WHERE article_id = gone.id)
                FROM gone
                """,
                (value,),
            ).fetchone()
        return DeletedArticle(*row) if row else None

    def prune_batch(self, before: datetime, limit: int) -> tuple[int, int]:
        """Delete up to `limit` articles published before `before` (an undated one: ingested
        before it), with their chunks, in one short transaction; rows another transaction holds
        are skipped, not waited for. Returns (articles, chunks) deleted."""
        with self.db.connection() as conn:
            row = conn.execute(
                """
                WITH picked AS (
                    SELECT id FROM articles WHERE coalesce(published_at, ingested_at) < %(before)s
                    ORDER BY id LIMIT %(limit)s FOR UPDATE SKIP LOCKED
                ), counted AS (
                    SELECT count(*) AS chunks FROM chunks
                    WHERE article_id IN (SELECT id FROM picked)
                ), gone AS (
                    DELETE FROM articles WHERE id IN (SELECT id FROM picked) RETURNING id
                )
                SELECT (SELECT count(*) FROM gone), (SELECT chunks FROM counted)
                """,
                {"before": before, "limit": limit},
            ).fetchone()
        assert row is not None
        return int(row[0]), int(row[1])

    def stored_articles(self, after: int, limit: int) -> list[tuple[int, Article]]:
        """Up to `limit` stored articles with an id above `after`, by id, with their ids."""
        with self.db.connection() as conn:
            rows = conn.execute(
                "SELECT id, url, title, body, source, published_at, categories FROM articles "
                "WHERE id > %s ORDER BY id LIMIT %s",
                (after, limit),
            ).fetchall()
        return [
            (row[0], Article(row[1], row[2], row[3], row[4], row[5], tuple(row[6] or ())))
            for row in rows
        ]

    def categories(self) -> list[str]:
        """Every category an article is in, most used first."""
        with self.db.connection() as conn:
            rows = conn.execute(
                "SELECT category FROM articles, unnest(categories) AS category "
                "GROUP BY category ORDER BY count(*) DESC, category"
            ).fetchall()
        return [row[0] for row in rows]

    def analyze_if_new(self) -> None:
        """Gather the chunks' statistics when they have none yet: the full-text search narrows
        on them in a large store (store/lexicon.py), and autovacuum gathers them only later."""
        with self.db.connection() as conn:
            row = conn.execute(
                "SELECT reltuples FROM pg_class WHERE oid = 'chunks'::regclass"
            ).fetchone()
            if row is not None and row[0] < 0:
                conn.execute("ANALYZE chunks")

    def stats(self) -> StoreStats:
        with self.db.connection() as conn:
            row = conn.execute(
                "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM chunks),"
                " (SELECT max(published_at) FROM articles)"
            ).fetchone()
        assert row is not None
        return StoreStats(articles=row[0], chunks=row[1], newest=row[2])

    def pgvector_version(self) -> str | None:
        with self.db.connection() as conn:
            row = conn.execute(
                "SELECT extversion FROM pg_extension WHERE extname = 'vector'"
            ).fetchone()
        return row[0] if row else None
