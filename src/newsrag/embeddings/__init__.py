"""Embedding providers, chosen by NEWSRAG_EMBEDDING_PROVIDER from the `embedders` registry:
`local` (default, offline), `onnx` (the same model on ONNX Runtime, offline), `hf` (Hugging Face
Inference Providers), `openai` (compatible APIs)."""

import logging

from newsrag.config import Settings
from newsrag.embeddings import hf as _hf  # noqa: F401  (register the built-ins)
from newsrag.embeddings import local as _local  # noqa: F401
from newsrag.embeddings import onnx as _onnx  # noqa: F401
from newsrag.embeddings import openai as _openai  # noqa: F401
from newsrag.embeddings.base import Embedder, EmbedderState, Vectors, embedders
from newsrag.embeddings.fallback import FallbackEmbedder
from newsrag.embeddings.local import MINILM, LocalEmbedder

log = logging.getLogger(__name__)


def create_embedder(settings: Settings) -> Embedder:
    """The configured provider; a remote MiniLM falls back to the local one
    (NEWSRAG_EMBEDDING_FALLBACK=local, the default) because both share one vector space."""
    embedder = embedders.create(settings.embedding_provider, settings)
    if not getattr(embedder, "remote", False) or settings.embedding_fallback == "none":
        return embedder
    if embedder.model_name != MINILM:
        log.info(
            "no local fallback for %s: only %s can be embedded locally", embedder.model_name, MINILM
        )
        return embedder
    return FallbackEmbedder(embedder, LocalEmbedder(MINILM, settings.embedding_batch))


__all__ = ["Embedder", "EmbedderState", "Vectors", "create_embedder", "embedders"]
