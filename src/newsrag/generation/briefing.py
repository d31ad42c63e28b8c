"""The answer to "what's the latest?": a digest of the newest stories found, newest first, one
line each: the headline, outlet and date, and the sentence opening the article, cited."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from newsrag.generation.dating import long_date
from newsrag.generation.extractive import MIN_WORDS, stated
from newsrag.models import Source
from newsrag.retrieval import Evidence
from newsrag.text import split_sentences

MAX_ITEMS = 5


def briefing(
    sources: Sequence[Source], evidence: Sequence[Evidence], openings: Mapping[int, str]
) -> str:
    """One line per source, newest first (undated last), at most MAX_ITEMS: "Headline (Outlet,
    16 November 2004): What happened. [n]". What happened is the first statement of the
    article's opening (`openings`, by article id), else of its best evidence."""
    article = {item.n: item.chunk.article_id for item in reversed(evidence)}
    text = {item.n: item.chunk.text for item in reversed(evidence)}
    lines = []
    for source in sorted(sources, key=_timestamp, reverse=True)[:MAX_ITEMS]:
        opening = openings.get(article.get(source.n, -1)) or text.get(source.n, "")
        sentence = first_statement(opening)
        if not sentence:
            continue
        when = long_date(source.published_at.date()) if source.published_at else ""
        about = ", ".join(part for part in (source.source, when) if part)
        headline = f"{source.title} ({about})" if about else source.title
        lines.append(f"{headline}: {sentence} [{source.n}]")
    return "\n".join(lines)


def newest_first(
    sources: Sequence[Source], evidence: Sequence[Evidence]
) -> tuple[list[Source], list[Evidence]]:
    """The sources renumbered newest first (undated last), the evidence with them, so that a
    briefing cites [1], [2], ... in order."""
    ordered = sorted(sources, key=_timestamp, reverse=True)
    number = {source.n: n for n, source in enumerate(ordered, start=1)}
    return (
        [replace(source, n=number[source.n]) for source in ordered],
        [replace(item, n=number[item.n]) for item in evidence],
    )


def _timestamp(source: Source) -> float:
    return source.published_at.timestamp() if source.published_at else float("-inf")


def first_statement(text: str) -> str:
    """The first sentence of `text` that states something and is not a fragment."""
    return next((s for s in split_sentences(text) if len(s.split()) >= MIN_WORDS and stated(s)), "")
