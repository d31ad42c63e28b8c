"""How long the steps of one chat answer took, for the access log's `timings`.

The access log opens a `Timings` record for each request (`recording`); the chat service adds to
the record open in its context (`add`, `measured`) and `TimedEmbedder` adds the time spent
embedding the query. Outside a request (the command line, ingestion) nothing is recorded.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Literal

from newsrag.embeddings.base import Vectors, Wrapper

Step = Literal["embedding", "retrieval", "generation"]


@dataclass
class Timings:
    """Seconds spent embedding the query, searching (the embedding included) and generating (the
    search query's rewrite and the answer); `measured` once a chat answer added to it."""

    embedding: float = 0.0
    retrieval: float = 0.0
    generation: float = 0.0
    measured: bool = False

    def as_log(self) -> dict[str, float]:
        return {
            "embeddingMs": round(self.embedding * 1000, 1),
            "retrievalMs": round(self.retrieval * 1000, 1),
            "generationMs": round(self.generation * 1000, 1),
        }


_current: ContextVar[Timings | None] = ContextVar("newsrag_timings", default=None)


@contextmanager
def recording() -> Iterator[Timings]:
    """A new record, the one `add` adds to within this context (and threads started from it)."""
    timings = Timings()
    token = _current.set(timings)
    try:
        yield timings
    finally:
        _current.reset(token)


def add(step: Step, seconds: float) -> None:
    timings = _current.get()
    if timings is not None:
        setattr(timings, step, getattr(timings, step) + seconds)
        timings.measured = True


@contextmanager
def timed(step: Step) -> Iterator[None]:
    started = time.perf_counter()
    try:
        yield
    finally:
        add(step, time.perf_counter() - started)


def measured(pieces: Iterator[str], step: Step) -> Iterator[str]:
    """`pieces`, the time spent producing each added to `step` (not the time the consumer
    spends between them)."""
    while True:
        with timed(step):
            piece = next(pieces, None)
        if piece is None:
            return
        yield piece


class TimedEmbedder(Wrapper):
    """`inner`, the time spent in `embed` added to the record's `embedding`."""

    def embed(self, texts: Sequence[str]) -> Vectors:
        with timed("embedding"):
            return self.inner.embed(texts)
