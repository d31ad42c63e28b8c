"""Keep answering when a remote provider fails: embed locally with the same model.

Only engaged when the remote model *is* the local one (same vector space); a different remote
model never falls back silently into a space its index was not built with.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence

from newsrag.embeddings.base import Embedder, EmbedderState, Vectors
from newsrag.errors import ProviderError

log = logging.getLogger(__name__)


class FallbackEmbedder(Embedder):
    """Tries `primary`; on a provider failure (after its retries) uses `fallback`, and keeps
    using it for `cooldown` seconds before trying `primary` again."""

    def __init__(
        self,
        primary: Embedder,
        fallback: Embedder,
        *,
        cooldown: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if primary.model_name != fallback.model_name:
            raise ValueError("a fallback must embed with the same model as the primary")
        self.primary = primary
        self.fallback = fallback
        self.model_name = primary.model_name
        self.batch_size = primary.batch_size
        self.cooldown = cooldown
        self.clock = clock
        self._retry_at = 0.0
        self._last_error: ProviderError | None = None
        self._lock = threading.Lock()

    @property
    def dimension(self) -> int:
        return self.fallback.dimension if self._degraded() else self.primary.dimension

    @property
    def ready(self) -> bool:
        return self.primary.ready

    def state(self) -> EmbedderState:
        error = self._last_error
        if error is None:
            return self.primary.state()
        return EmbedderState("degraded", error.message, fallback=f"local {self.model_name}")

    def embed_batch(self, texts: Sequence[str]) -> Vectors:
        return self.embed(texts)

    def embed(self, texts: Sequence[str]) -> Vectors:
        if self._degraded():
            return self.fallback.embed(texts)
        try:
            vectors = self.primary.embed(texts)
        except ProviderError as error:
            self._fail(error)
            return self.fallback.embed(texts)
        self._last_error = None
        return vectors

    def _degraded(self) -> bool:
        return self._last_error is not None and self.clock() < self._retry_at

    def _fail(self, error: ProviderError) -> None:
        with self._lock:
            changed = self._last_error is None or self._last_error.message != error.message
            self._last_error = error
            self._retry_at = self.clock() + self.cooldown
        if changed:
            log.warning(
                "embedding locally with %s until the provider recovers: %s",
                self.model_name,
                error.message,
            )
