"""Embedding providers, chosen by NEWSRAG_EMBEDDING_PROVIDER from the `embedders` registry:
`onnx` (default: all-MiniLM-L6-v2 on ONNX Runtime, offline), `local` (the same model on torch,
offline), `hf` (Hugging Face Inference Providers), `openai` (compatible APIs)."""

import logging

from newsrag.config import Settings
from newsrag.embeddings import hf as _hf  # noqa: F401  (register the built-ins)
from newsrag.embeddings import local as _local  # noqa: F401
from newsrag.embeddings import onnx as _onnx  # noqa: F401
from newsrag.embeddings import openai as _openai  # noqa: F401
from newsrag.embeddings.base import Embedder, EmbedderState, Vectors, embedders
from newsrag.embeddings.fallback import FallbackEmbedder
from newsrag.embeddings.local import MINILM

log = logging.getLogger(__name__)


def create_embedder(settings: Settings) -> Embedder:
    """The configured provider; a remote MiniLM falls back to the local one
    (NEWSRAG_EMBEDDING_FALLBACK=local, the default) because both share one vector space. The
    fallback runs on ONNX Runtime in fp32, the vectors of sentence-transformers without torch
    (which the light install leaves out)."""
    embedder = embedders.create(settings.embedding_provider, settings)
    if not getattr(embedder, "remote", False) or settings.embedding_fallback == "none":
        return embedder
    if embedder.model_name != MINILM:
        log.info(
            "no local fallback for %s: only %s can be embedded locally", embedder.model_name, MINILM
        )
        return embedder
    fp32 = settings.model_copy(update={"onnx_precision": "fp32"})
    return FallbackEmbedder(embedder, embedders.create("onnx", fp32))


__all__ = ["Embedder", "EmbedderState", "Vectors", "create_embedder", "embedders"]
