"""When the time a question names is that of a past event, not of the news asked for.

"Which team drafted Kobe Bryant in 1996?" names a year in which nothing held was published, and
"the 2018 referendum" is recalled by a 2019 report; "the jet that went down in the Atlantic in
June 2009" is recalled by a July report far better than by anything published in June. Then the
whole store is searched instead of the time asked (`recalled_time`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import timedelta

from newsrag.models import RetrievedChunk, TimeWindow
from newsrag.retrieval.search import Retriever, SearchRequest
from newsrag.text import YEAR

YEAR_DAYS = 365
# How much better than anything published in a month a later report recalling it must match,
# sought only when the month's best match is below RECALL_BELOW (a search saved on most).
RECALL_GAIN = 0.1
RECALL_BELOW = 0.55


def recalled_time(
    retriever: Retriever,
    question: str,
    unbounded: SearchRequest,
    chunks: Sequence[RetrievedChunk],
    window: TimeWindow | None,
    min_score: float,
) -> list[RetrievedChunk] | None:
    """What the `unbounded` search (the request without the time asked) finds, when the time
    asked names a past event: a year (or more) whose news (`chunks`) matches below `min_score`
    and that the store's best match names as the `question` does, or that nothing was
    published in; a month whose
    news matches below RECALL_BELOW and that a later report recalls (`_recalls_month`). Else
    None, and the time asked stands."""
    if window is None:
        return None
    best = _best(chunks)
    years = _whole_years(window)
    if years:
        worth = best < min_score
    else:
        worth = not window.recent and bool(window.end) and best < RECALL_BELOW
    if not worth:
        return None
    found = retriever.search(unbounded)
    if years:
        recalls = not chunks or _recalls(found, question, min_score)
    else:
        recalls = _recalls_month(found, window, best)
    return found if recalls else None


def _best(chunks: Sequence[RetrievedChunk]) -> float:
    return max((chunk.score for chunk in chunks), default=0.0)


def _recalls(chunks: Sequence[RetrievedChunk], question: str, min_score: float) -> bool:
    """Whether the best of the chunks matches well and names a year the question names (a
    2019 report recalling "the 2018 referendum")."""
    best = max(chunks, key=lambda chunk: chunk.score, default=None)
    years = set(YEAR.findall(question))
    return (
        best is not None
        and best.score >= min_score
        and bool(years & set(YEAR.findall(f"{best.title} {best.text}")))
    )


def _recalls_month(chunks: Sequence[RetrievedChunk], window: TimeWindow, best: float) -> bool:
    """Whether the best of the chunks matches RECALL_GAIN better than the best published in
    the window, names its month and was published after it (within a year)."""
    found = max(chunks, key=lambda chunk: chunk.score, default=None)
    if found is None or found.published_at is None or window.start is None or not window.end:
        return False
    published = found.published_at.date()
    month = f"{window.start:%B}"
    return (
        found.score >= best + RECALL_GAIN
        and window.end <= published < window.end + timedelta(days=YEAR_DAYS)
        and bool(re.search(rf"\b{month}\b", f"{found.title} {found.text}"))
    )


def _whole_years(window: TimeWindow) -> bool:
    """Whether the window is a year or more ("in 1996"), not a month or a day of the news."""
    days = window.days
    return days is not None and days >= YEAR_DAYS
