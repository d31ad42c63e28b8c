"""When the time a question names is that of a past event, not of the news asked for.

"Which team drafted Kobe Bryant in 1996?" names a year in which nothing held was published, and
"the 2018 referendum" is recalled by a 2019 report; "the 2020 race" the candidates left in 2019
is told of by reports of that year; "the jet that went down in the Atlantic in
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
    published in, or whose news matches below RECALL_BELOW and that a later report recalls
    (`_later_report`) or an earlier one names as coming (`_earlier_preview`); a month whose
    news matches below RECALL_BELOW and that a later report naming it recalls
    (`_recalls_month`). Else None, and the time asked stands."""
    if window is None:
        return None
    best = _best(chunks)
    years = _whole_years(window)
    if window.recent or not window.end or best >= max(min_score, RECALL_BELOW):
        return None
    found = retriever.search(unbounded)
    if years or window.start is None:  # "the last time before 2020" is told by a 2020 report
        named = best < min_score and (not chunks or _recalls(found, question, min_score))
        recalls = (
            named
            or _later_report(found, window, best) is not None
            or _earlier_preview(found, window, best)
        )
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
    """Whether the best of the chunks is a later report (`_later_report`) naming the month."""
    found = _later_report(chunks, window, best)
    if found is None or window.start is None:
        return False
    return bool(re.search(rf"\b{window.start:%B}\b", f"{found.title} {found.text}"))


def _later_report(
    chunks: Sequence[RetrievedChunk], window: TimeWindow, best: float
) -> RetrievedChunk | None:
    """The best of the chunks, when it matches RECALL_GAIN better than the best published in
    the window and was published after it (within a year): "the jet that went into the Java
    Sea in 2018", whose voice recorder was found in January 2019."""
    found = max(chunks, key=lambda chunk: chunk.score, default=None)
    if found is None or found.published_at is None or not window.end:
        return None
    published = found.published_at.date()
    later = window.end <= published < window.end + timedelta(days=YEAR_DAYS)
    return found if later and found.score >= best + RECALL_GAIN else None


def _earlier_preview(chunks: Sequence[RetrievedChunk], window: TimeWindow, best: float) -> bool:
    """Whether the best of the chunks matches RECALL_GAIN better than the best published in the
    window, was published in the year before it, and names the window's first year: "dropping
    out of the 2020 race" is told in August 2019 ("the 2020 United States presidential
    election"), when a 2020 report merely mentions the race."""
    found = max(chunks, key=lambda chunk: chunk.score, default=None)
    if found is None or found.published_at is None or window.start is None:
        return False
    published = found.published_at.date()
    earlier = window.start - timedelta(days=YEAR_DAYS) <= published < window.start
    named = str(window.start.year) in f"{found.title} {found.text}"
    return earlier and named and found.score >= best + RECALL_GAIN


def _whole_years(window: TimeWindow) -> bool:
    """Whether the window is a year or more ("in 1996"), not a month or a day of the news."""
    days = window.days
    return days is not None and days >= YEAR_DAYS
