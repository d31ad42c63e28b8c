"""The embedding provider contract: one abstract method, `embed_batch`."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from newsrag.registry import Registry

Vectors = npt.NDArray[np.float32]


@dataclass(frozen=True)
class EmbedderState:
    """`state` is "ok", or "degraded" when answering from a fallback; `detail` says why."""

    state: str = "ok"
    detail: str = ""
    fallback: str = ""


class Embedder(ABC):
    """Turns texts into unit-length vectors. Subclasses implement `embed_batch` only."""

    model_name: str
    batch_size: int = 32

    @property
    @abstractmethod
    def dimension(self) -> int:
        """Length of each vector."""

    @abstractmethod
    def embed_batch(self, texts: Sequence[str]) -> Vectors:
        """Embed up to `batch_size` texts; returns an array of shape (len(texts), dimension)."""

    @property
    def ready(self) -> bool:
        """Whether the model is loaded (or needs no loading)."""
        return True

    def state(self) -> EmbedderState:
        """How the provider is doing, for /health and `newsrag doctor`."""
        return EmbedderState()

    def embed(self, texts: Sequence[str]) -> Vectors:
        """Embed any number of texts in batches, normalised to unit length."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        batches = [
            texts[start : start + self.batch_size]
            for start in range(0, len(texts), self.batch_size)
        ]
        vectors = np.vstack(self.map_batches(batches)).astype(np.float32, copy=False)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        unit: Vectors = (vectors / norms).astype(np.float32, copy=False)
        return unit

    def map_batches(self, batches: Sequence[Sequence[str]]) -> list[Vectors]:
        """`embed_batch` over every batch, in order; remote providers run them concurrently."""
        return [self.embed_batch(batch) for batch in batches]

    def embed_one(self, text: str) -> Vectors:
        vectors: Vectors = self.embed([text])[0]
        return vectors


class Wrapper(Embedder):
    """An embedder around another (`inner`) that changes how `embed` is done, not the model:
    it reports the inner one's name, size, readiness and state, and embeds through its `embed`."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
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


embedders: Registry[Embedder] = Registry("embedding provider", "NEWSRAG_EMBEDDING_PROVIDER")
