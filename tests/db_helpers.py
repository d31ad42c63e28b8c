"""Helpers shared by the database tests: writing an article with its chunks and vectors."""

from __future__ import annotations

from collections.abc import Sequence

from newsrag.embeddings import Vectors
from newsrag.models import Article, Chunk, RetrievedChunk, SearchFilters
from newsrag.store import ArticleStore, ChunkSearch, Database, Fusion
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
