"""Keeping the store from growing forever: the articles published before a cutoff go, with their
chunks, a batch at a time in short transactions, then the vectors cached before it.

`newsrag prune --older-than 365d` prunes once; with NEWSRAG_RETENTION_DAYS the refresher prunes
after each refresh. An article without a publication date counts from when it was ingested.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from newsrag.errors import InvalidInput
from newsrag.store import ArticleStore
from newsrag.store.cache import EmbeddingCache

BATCH = 500
CACHE_BATCH = 5000
_AGE = re.compile(r"^\s*(\d+)\s*([dwy]?)\s*$", re.IGNORECASE)
_DAYS = {"": 1, "d": 1, "w": 7, "y": 365}


@dataclass
class Pruned:
    """What a prune deleted so far."""

    articles: int = 0
    chunks: int = 0
    cached: int = 0


@dataclass(frozen=True)
class Retention:
    store: ArticleStore
    cache: EmbeddingCache

    def prune(
        self,
        before: datetime,
        *,
        batch: int = BATCH,
        on_batch: Callable[[Pruned], None] = lambda _: None,
    ) -> Pruned:
        """Delete the articles published before `before` with their chunks, `batch` articles
        a transaction, then the vectors cached before it; `on_batch` sees the totals after each
        transaction."""
        done = Pruned()
        while True:
            articles, chunks = self.store.prune_batch(before, batch)
            if not articles:
                break
            done.articles += articles
            done.chunks += chunks
            on_batch(done)
        while cached := self.cache.prune_batch(before, CACHE_BATCH):
            done.cached += cached
            on_batch(done)
        return done


def parse_age(text: str) -> timedelta:
    """ "365d", "52w", "1y" or "30" (days) as a length of time."""
    found = _AGE.match(text)
    if not found or int(found[1]) == 0:
        raise InvalidInput(
            f"--older-than {text!r} is not an age: write a number of days, weeks or years "
            "such as 365d, 52w or 1y."
        )
    return timedelta(days=int(found[1]) * _DAYS[found[2].lower()])
