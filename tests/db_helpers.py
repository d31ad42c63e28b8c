"""Helpers shared by the database tests: writing an article with its chunks and vectors."""

from __future__ import annotations

from collections.abc import Sequence

from newsrag.models import Article, Chunk
from newsrag.store import ArticleStore
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
