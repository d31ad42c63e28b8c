"""An embedding cache keyed by (model, text hash) in the database: re-ingesting or re-asking
never pays for the same text twice. The most recently used vectors are also kept in the process
(MEMORY_ENTRIES of them, about 30 MiB), so that a question or an article's sentences asked about
again cost no database round trip."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence

import numpy as np

from newsrag.embeddings.base import Embedder, Vectors, Wrapper
from newsrag.store.cache import EmbeddingCache

MEMORY_ENTRIES = 20_000


def text_key(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8")).digest()


class CachedEmbedder(Wrapper):
    def __init__(
        self, inner: Embedder, cache: EmbeddingCache, *, memory: int = MEMORY_ENTRIES
    ) -> None:
        super().__init__(inner)
        self.cache = cache
        self.memory = memory
        self._recent: OrderedDict[bytes, Vectors] = OrderedDict()
        self._lock = threading.Lock()

    def embed(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return self.inner.embed(texts)
        keys = [text_key(text) for text in texts]
        found = self._recalled(keys)
        unknown = [key for key in dict.fromkeys(keys) if key not in found]
        if unknown:
            found.update(self.cache.get(self.model_name, unknown))
        missing = {key: text for key, text in zip(keys, texts, strict=True) if key not in found}
        if missing:
            fresh = self.inner.embed(list(missing.values()))
            computed = dict(zip(missing, fresh, strict=True))
            self.cache.put(self.model_name, computed)
            found.update(computed)
        self._remember(found.items())
        return np.vstack([found[key] for key in keys]).astype(np.float32, copy=False)

    def _recalled(self, keys: Sequence[bytes]) -> dict[bytes, Vectors]:
        with self._lock:
            found = {key: self._recent[key] for key in keys if key in self._recent}
            for key in found:
                self._recent.move_to_end(key)
        return found

    def _remember(self, vectors: Iterable[tuple[bytes, Vectors]]) -> None:
        with self._lock:
            for key, vector in vectors:
                self._recent[key] = vector
                self._recent.move_to_end(key)
            while len(self._recent) > self.memory:
                self._recent.popitem(last=False)
