"""Finding the chunks that answer a question. One replaceable component: `Retriever`."""

from __future__ import annotations

from abc import ABC, abstractmethod

from newsrag.embeddings import Embedder
from newsrag.models import RetrievedChunk
from newsrag.store import ArticleStore


class Retriever(ABC):
    @abstractmethod
    def search(self, query: str, limit: int) -> list[RetrievedChunk]:
        """Up to `limit` chunks, best first, each with a similarity score in [-1, 1]."""


class DenseRetriever(Retriever):
    """Nearest chunks by cosine similarity of MiniLM vectors (pgvector HNSW)."""

    def __init__(self, embedder: Embedder, store: ArticleStore) -> None:
        self.embedder = embedder
        self.store = store

    def search(self, query: str, limit: int) -> list[RetrievedChunk]:
        return self.store.dense_search(self.embedder.embed_one(query), limit)
