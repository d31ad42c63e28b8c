"""Retries with exponential backoff and jitter, for transient provider failures only
(429, 5xx, timeouts), honouring Retry-After, within a time budget."""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from typing import TypeVar

from newsrag.errors import (
    ModelLoading,
    ProviderError,
    ProviderServerError,
    ProviderTimeout,
    RateLimited,
)

log = logging.getLogger(__name__)

T = TypeVar("T")
TRANSIENT = (RateLimited, ModelLoading, ProviderServerError, ProviderTimeout)


def suggested_wait(error: ProviderError) -> float | None:
    if isinstance(error, RateLimited):
        return error.retry_after
    if isinstance(error, ModelLoading):
        return error.estimated_time
    return None


def with_retries(
    call: Callable[[], T],
    *,
    retries: int = 2,
    budget: float = 1.5,
    base_delay: float = 0.2,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    jitter: Callable[[], float] = random.random,
) -> T:
    """Run `call`; after a transient failure wait and try again, at most `retries` more times
    and never waiting past `budget` seconds from the start. Other failures are raised at once."""
    started = clock()
    attempt = 0
    while True:
        try:
            return call()
        except TRANSIENT as error:
            if attempt >= retries:
                raise
            backoff = base_delay * (2**attempt) * (0.5 + jitter())
            wait = max(backoff, suggested_wait(error) or 0.0)
            if clock() - started + wait > budget:
                raise
            attempt += 1
            log.info("retrying in %.2f s after %s", wait, error.code)
            sleep(wait)
