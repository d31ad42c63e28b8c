"""An embedding cache keyed by (model, text hash) in the database: re-ingesting or re-asking
never pays for the same text twice."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

from newsrag.embeddings.base import Embedder, Vectors, Wrapper
from newsrag.store.cache import EmbeddingCache


def text_key(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8")).digest()


class CachedEmbedder(Wrapper):
    def __init__(self, inner: Embedder, cache: EmbeddingCache) -> None:
        super().__init__(inner)
        self.cache = cache

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
