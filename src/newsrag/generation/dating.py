"""Dates a reader can use: a relative day in an answer gets its date, and a "latest" answer from
old news says how old the newest news held is.

An article's "yesterday" is the day before it was published, its "today" the day itself, its "on
Thursday" the last Thursday on or before that day and its "last Thursday" the one before: the
answer's sentence gets "(15 November 2004)" after the words, dated from the source it cites.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Sequence
from datetime import date, timedelta

from newsrag.generation.citations import answer_sentences, cited_numbers
from newsrag.models import Source

WEEKDAYS = tuple(name.lower() for name in calendar.day_name)
RELATIVE_DAY = re.compile(
    r"\b(?:(?P<last>last\s+)?(?P<weekday>" + "|".join(WEEKDAYS) + r")"
    r"|(?P<yesterday>yesterday)|(?P<today>today|tonight|this morning|this afternoon))\b"
    r"(?:\s+(?:morning|afternoon|evening|night))?",
    re.IGNORECASE,
)
# A date right after the words ("Thursday, November 9", "Monday 3 May") needs none added.
_MONTH = r"(?:" + "|".join(calendar.month_abbr[1:]) + r")[a-z]*\.?"
_DATED = re.compile(
    rf"^,?\s*(?:\(|{_MONTH}\s+\d|(?:the\s+)?\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH})",
    re.IGNORECASE,
)
# "Black Friday", "Super Tuesday": a capitalised word before the weekday names a thing, not a day.
_NAMED = re.compile(r"(?:^|\s)(?!On\b|Last\b|Since\b|By\b|Until\b|From\b)[A-Z][a-z]+\s+$")


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def resolve(match: re.Match[str], published: date) -> date:
    """The day the matched words mean in an article published on `published`."""
    if match.group("yesterday"):
        return published - timedelta(days=1)
    if match.group("today"):
        return published
    weekday = WEEKDAYS.index(match.group("weekday").lower())
    back = (published.weekday() - weekday) % 7
    if match.group("last") and back == 0:
        back = 7
    return published - timedelta(days=back)


def date_sentence(sentence: str, published: date) -> str:
    """The sentence with each relative day followed by its date, once per distinct date."""
    done: set[date] = set()
    pieces: list[str] = []
    end = 0
    for match in RELATIVE_DAY.finditer(sentence):
        day = resolve(match, published)
        after = sentence[match.end() :]
        if day in done or _DATED.match(after):
            continue
        if match.group("weekday") and _NAMED.search(sentence[: match.start()]):
            continue
        done.add(day)
        pieces += [sentence[end : match.end()], f" ({long_date(day)})"]
        end = match.end()
    return "".join(pieces) + sentence[end:]


def dated(text: str, sources: Sequence[Source]) -> str:
    """The answer with relative days dated from the source each sentence cites first (line
    breaks kept)."""
    published = {s.n: s.published_at.date() for s in sources if s.published_at is not None}
    lines = []
    for line in text.split("\n"):
        sentences = []
        for sentence in answer_sentences(line):
            cited = [n for n in cited_numbers(sentence) if n in published]
            sentences.append(date_sentence(sentence, published[cited[0]]) if cited else sentence)
        lines.append(" ".join(sentences))
    return "\n".join(lines)


def dated_piece(piece: str, sources: Sequence[Source]) -> str:
    """A streamed piece of an answer `dated` when it cites a source (a sentence of the
    extractive answer, say; a model's token is left as it is), its spaces kept."""
    body = piece.strip()
    if not cited_numbers(body):
        return piece
    start = piece.index(body)
    return piece[:start] + dated(body, sources) + piece[start + len(body) :]


def age(newest: date, today: date) -> str:
    """How long before `today` `newest` was, in words: "3 days", "5 months", "6 years"."""
    days = (today - newest).days
    if days < 60:
        return f"{days} days"
    if days < 730:
        return f"{days // 30} months"
    return f"{days // 365} years"


def staleness(sources: Sequence[Source], today: date, stale_days: int) -> str | None:
    """A sentence saying when the newest news held is from, when it is older than `stale_days`
    before `today`; None when it is newer, or when no source is dated."""
    dates = [s.published_at.date() for s in sources if s.published_at is not None]
    if not dates or (today - max(dates)).days <= stale_days:
        return None
    newest = max(dates)
    return (
        f"The newest news I have on this is from {long_date(newest)}, "
        f"{age(newest, today)} before {long_date(today)}."
    )
