"""Embedding providers, chosen by NEWSRAG_EMBEDDING_PROVIDER from the `embedders` registry."""

from newsrag.config import Settings
from newsrag.embeddings import local as _local  # noqa: F401  (registers the built-in)
from newsrag.embeddings.base import Embedder, Vectors, embedders


def create_embedder(settings: Settings) -> Embedder:
    return embedders.create(settings.embedding_provider, settings)


__all__ = ["Embedder", "Vectors", "create_embedder", "embedders"]
