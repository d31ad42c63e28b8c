"""What the remote embedding providers share: concurrent batches, retries, answer checks."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np

from newsrag.embeddings.base import Embedder, Vectors
from newsrag.errors import BadProviderResponse, ProviderError
from newsrag.metrics import PROVIDER_ERRORS
from newsrag.providers.diagnosis import Endpoint
from newsrag.providers.retry import with_retries

KNOWN_DIMENSIONS = {"sentence-transformers/all-MiniLM-L6-v2": 384}


class RemoteEmbedder(Embedder):
    """An embedder behind an HTTP API. Subclasses implement `request` (one call, one batch)."""

    remote = True

    def __init__(
        self,
        endpoint: Endpoint,
        *,
        batch_size: int = 32,
        concurrency: int = 4,
        retries: int = 2,
        retry_budget: float = 1.5,
    ) -> None:
        self.endpoint = endpoint
        self.model_name = endpoint.model
        self.batch_size = batch_size
        self.concurrency = concurrency
        self.retries = retries
        self.retry_budget = retry_budget
        self._dimension = KNOWN_DIMENSIONS.get(endpoint.model)

    @property
    def dimension(self) -> int:
        if self._dimension is None:
            self.embed_batch(["dimension probe"])
        assert self._dimension is not None
        return self._dimension

    @abstractmethod
    def request(self, texts: Sequence[str]) -> Any:
        """Send one batch; return the decoded answer. Failures raise ProviderError."""

    def embed_batch(self, texts: Sequence[str]) -> Vectors:
        try:
            answer = with_retries(
                lambda: self.request(texts), retries=self.retries, budget=self.retry_budget
            )
            return self.checked(answer, len(texts))
        except ProviderError as error:
            PROVIDER_ERRORS.labels("embedder", error.code).inc()
            raise

    def map_batches(self, batches: Sequence[Sequence[str]]) -> list[Vectors]:
        if len(batches) == 1 or self.concurrency == 1:
            return super().map_batches(batches)
        with ThreadPoolExecutor(max_workers=min(self.concurrency, len(batches))) as pool:
            return list(pool.map(self.embed_batch, batches))

    def checked(self, answer: Any, count: int) -> Vectors:
        """The answer as a (count, dimension) array, or BadProviderResponse naming the problem."""
        where = f"{self.endpoint.subject} answered for {self.model_name} with"
        try:
            vectors = np.asarray(answer, dtype=np.float32)
        except (TypeError, ValueError) as exc:
            raise BadProviderResponse(
                f"{where} something that is not a list of vectors: check that "
                f"{self.endpoint.model_setting} names a sentence-embedding model."
            ) from exc
        if vectors.ndim == 3:
            raise BadProviderResponse(
                f"{where} one vector per token, not per text: set {self.endpoint.model_setting} "
                "to a sentence-embedding model (with pooling)."
            )
        if vectors.ndim != 2 or vectors.shape[0] != count:
            raise BadProviderResponse(
                f"{where} an array of shape {vectors.shape} for {count} texts: check that "
                f"{self.endpoint.model_setting} names a sentence-embedding model."
            )
        expected = self._dimension
        if expected is not None and vectors.shape[1] != expected:
            raise BadProviderResponse(
                f"{where} vectors of {vectors.shape[1]} dimensions, expected {expected}: set "
                f"{self.endpoint.model_setting} to the model the index was built with."
            )
        self._dimension = int(vectors.shape[1])
        return vectors
