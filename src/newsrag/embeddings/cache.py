"""An embedding cache keyed by (model, text hash) in the database: re-ingesting or re-asking
never pays for the same text twice."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

from newsrag.embeddings.base import Embedder, EmbedderState, Vectors
from newsrag.store.cache import EmbeddingCache


def text_key(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8")).digest()


class CachedEmbedder(Embedder):
    def __init__(self, inner: Embedder, cache: EmbeddingCache) -> None:
        self.inner = inner
        self.cache = cache
        self.model_name = inner.model_name
        self.batch_size = inner.batch_size

    @property
    def dimension(self) -> int:
        return self.inner.dimension

    @property
    def ready(self) -> bool:
        return self.inner.ready

    def state(self) -> EmbedderState:
        return self.inner.state()

    def embed_batch(self, texts: Sequence[str]) -> Vectors:
        return self.embed(texts)

    def embed(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return self.inner.embed(texts)
        keys = [text_key(text) for text in texts]
        found = self.cache.get(self.model_name, keys)
        missing = {key: text for key, text in zip(keys, texts, strict=True) if key not in found}
        if missing:
            fresh = self.inner.embed(list(missing.values()))
            computed = dict(zip(missing, fresh, strict=True))
            self.cache.put(self.model_name, computed)
            found.update(computed)
        return np.vstack([found[key] for key in keys]).astype(np.float32, copy=False)
