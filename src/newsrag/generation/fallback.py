"""Keep answering when the configured generator's provider fails: answer with the fallback
(`extractive`) and say so.

`Fallback` is shared by all requests: after a failure it sends answers straight to the fallback
for `cooldown` seconds, so a hanging provider costs one timeout, not one per question. Each
answer gets its own `Drafting`, which records whether it was degraded and why.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence

from newsrag.errors import ProviderError
from newsrag.generation.base import Generator
from newsrag.metrics import PROVIDER_ERRORS
from newsrag.models import Message
from newsrag.retrieval import Evidence
from newsrag.retrieval.query import standalone_query

log = logging.getLogger(__name__)


class Fallback:
    def __init__(
        self,
        primary: Generator,
        fallback: Generator | None,
        *,
        cooldown: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.primary = primary
        self.fallback = fallback
        self.cooldown = cooldown
        self.clock = clock
        self._failure: ProviderError | None = None
        self._retry_at = 0.0
        self._lock = threading.Lock()

    def drafting(self) -> Drafting:
        """A new answer's generators; already degraded while the primary is cooling down."""
        return Drafting(self, self.cooling_down() if self.fallback is not None else None)

    def cooling_down(self) -> ProviderError | None:
        """The primary's last failure while answers still go to the fallback because of it."""
        with self._lock:
            return self._failure if self.clock() < self._retry_at else None

    def failed(self, error: ProviderError) -> None:
        with self._lock:
            changed = self._failure is None or self._failure.message != error.message
            self._failure = error
            self._retry_at = self.clock() + self.cooldown
        if changed:
            log.warning("answering with the fallback generator for now: %s", error.message)

    def recovered(self) -> None:
        with self._lock:
            self._failure = None


class Drafting:
    """One answer: the primary generator until it fails before its first piece, then the
    fallback. Without a fallback, failures are raised."""

    def __init__(self, policy: Fallback, failure: ProviderError | None = None) -> None:
        self.policy = policy
        self.failure = failure

    @property
    def generator(self) -> Generator:
        if self.failure is not None and self.policy.fallback is not None:
            return self.policy.fallback
        return self.policy.primary

    @property
    def degraded(self) -> bool:
        return self.generator is not self.policy.primary

    def standalone(self, question: str, history: Sequence[Message]) -> str:
        """The search query; when the primary's rewrite fails, the deterministic one."""
        try:
            return self.generator.standalone(question, history)
        except ProviderError as error:
            self._fail(error)
            return standalone_query(question, history)

    def stream(
        self, question: str, evidence: Sequence[Evidence], *, message: str = ""
    ) -> Iterator[str]:
        """The answer's pieces (`Generator.stream`). A failure after the first piece is raised:
        what was already sent cannot be taken back."""
        generator = self.generator
        started = False
        try:
            for piece in generator.stream(question, evidence, message=message):
                started = True
                yield piece
        except ProviderError as error:
            if started or generator is not self.policy.primary:
                raise
            self._fail(error)
            yield from self.generator.stream(question, evidence, message=message)
            return
        if generator is self.policy.primary:
            self.policy.recovered()

    def _fail(self, error: ProviderError) -> None:
        PROVIDER_ERRORS.labels("generator", error.code).inc()
        if self.policy.fallback is None:
            raise error
        self.failure = error
        self.policy.failed(error)
