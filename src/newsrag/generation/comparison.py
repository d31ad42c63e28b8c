"""The comparison a two-part question asks for, worked out from the sentences answering each part.

"Which fire killed more people, the hotel fire in Delhi or the slum fire in Chittagong?" is
answered by one sentence per part; when each gives a number of what the question counts ("kills
at least seventeen", "killed nine"), one more sentence says which is larger and by how much. "How
long was it between A and B?" and "Which came first, A or B?" compare the dates the sentences
give (a relative day, "yesterday", dated from its article). When a sentence gives no such value,
or more than one, nothing is added: a comparison is only stated from what the articles say.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from newsrag.generation.dating import RELATIVE_DAY, long_date, resolve
from newsrag.retrieval.parts import Kind
from newsrag.text import YEAR, keywords

_LATER = re.compile(r"\b(earlier|first|before|after|later|sooner|between|how long)\b", re.I)
_MORE = re.compile(
    r"\b(more|most|fewer|less|larger|largest|bigger|biggest|higher|highest|greater|smaller|"
    r"lower|deadlier|older|younger|longer|shorter)\b",
    re.I,
)
_UNITS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen"
)
_TENS_WORDS = "twenty thirty forty fifty sixty seventy eighty ninety"
_SMALL = {word: value for value, word in enumerate(_UNITS.split())}
_TENS = {word: 10 * (index + 2) for index, word in enumerate(_TENS_WORDS.split())}
_SCALE = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
_NUMBER = re.compile(
    r"(?<![\w.,$£€])(?P<digits>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)"
    r"(?:\s(?P<scale>hundred|thousand|million|billion))?(?![\w%])"
    r"|\b(?P<words>(?:" + "|".join([*_TENS, *_SMALL]) + r")(?:-(?:" + "|".join(_SMALL) + r"))?)"
    r"(?:\s(?P<wscale>hundred|thousand|million|billion))?\b",
    re.I,
)
_MONTHS = "|".join(calendar.month_name[1:])
_DATE = re.compile(
    rf"\b(?:(?P<d1>\d{{1,2}})\s+(?P<m1>{_MONTHS})\s+(?P<y1>\d{{4}})"
    rf"|(?P<m2>{_MONTHS})\s+(?P<d2>\d{{1,2}}),?\s+(?P<y2>\d{{4}}))\b"
)
_YEARLIKE = range(1800, 2100)
_WORDS = re.compile(r"\d[\d,.]*\d|[\w'-]+")
# Words of a comparison question that say how it asks, not what it is about.
_ASKING = frozenset(
    re.findall(
        r"\w+",
        """which one two these those how long many much time year month day week roughly about
        apart passed pass came come happen happened""",
    )
)
NEAR = 6
STEM = 4


@dataclass(frozen=True)
class Answered:
    """A part of the question and the sentences answering it, each with its source number and
    its article's publication date."""

    subject: str
    sentences: tuple[tuple[str, int, date | None], ...]


@dataclass(frozen=True, order=True)
class When:
    """A day, or only its year (`year_only`)."""

    day: date
    year_only: bool = False

    def __str__(self) -> str:
        return str(self.day.year) if self.year_only else long_date(self.day)


V = TypeVar("V", When, float)  # what two parts compare: days or numbers


def comparison(question: str, kind: Kind, answered: Sequence[Answered]) -> str | None:
    """One sentence comparing the two parts' values, cited; None for two questions in one
    (`kind` "clauses") or when a part's sentence gives no single value."""
    if len(answered) != 2 or kind == "clauses":
        return None
    head = _head(question, answered)
    if kind == "span" or (_LATER.search(question) and not _MORE.search(question)):
        dates = _ordered(answered, [_when(part, head, kind == "span") for part in answered])
        if dates is None:
            return None
        (first, (early, n)), (second, (late, m)) = dates
        return (
            f"{_label(first.subject)} ({early}) came {_span(early, late)} before "
            f"{_label(second.subject)} ({late}). {_cited(n, m)}"
        )
    if _MORE.search(question):
        numbers = _ordered(answered, [_value(part, head) for part in answered])
        if numbers is None:
            return None
        (first, (low, n)), (second, (high, m)) = numbers
        return (
            f"{_label(second.subject)}: {_show(high)}; {first.subject}: {_show(low)}; "
            f"a difference of {_show(high - low)}. {_cited(m, n)}"
        )
    return None


def _ordered(
    answered: Sequence[Answered], values: Sequence[tuple[V, int] | None]
) -> list[tuple[Answered, tuple[V, int]]] | None:
    """The two parts with their values, the smaller (or earlier) first; None when a part has
    none or both the same."""
    first, second = values
    if first is None or second is None or first[0] == second[0]:
        return None
    pairs = [(answered[0], first), (answered[1], second)]
    return pairs if first[0] < second[0] else pairs[::-1]


def _when(part: Answered, head: set[str], own: bool) -> tuple[When, int] | None:
    """The one date the part's sentences give near the words asked about (the question's own,
    and for a span the part's own words but its names), and the source giving it: written out,
    a relative day dated from its article, or else a year."""
    anchors = head | (_stems(_lower_words(part.subject)) if own else set())
    days: dict[date, int] = {}
    years: dict[int, int] = {}
    for sentence, n, published in part.sentences:
        for match in _DATE.finditer(sentence):
            day = _written(match)
            if day is not None and _near(sentence, match, anchors):
                days.setdefault(day, n)
        for match in RELATIVE_DAY.finditer(sentence) if published else ():
            if published is not None and _near(sentence, match, anchors):
                days.setdefault(resolve(match, published), n)
        for match in YEAR.finditer(sentence):
            if _near(sentence, match, anchors):
                years.setdefault(int(match[0]), n)
    if len(days) == 1:
        ((day, n),) = days.items()
        return When(day), n
    if len(years) == 1 and not days:
        ((year, n),) = years.items()
        return When(date(year, 1, 1), year_only=True), n
    return None


def _lower_words(text: str) -> set[str]:
    """The text's keywords but its capitalised ones (names)."""
    return keywords(" ".join(word for word in text.split() if not word[:1].isupper()))


def _cited(*numbers: int) -> str:
    return "".join(f"[{n}]" for n in dict.fromkeys(numbers))


def _near(sentence: str, match: re.Match[str], anchors: set[str]) -> bool:
    """Whether the match is within NEAR words of an anchor (any match, when there are none)."""
    return not anchors or _distance(sentence, match, anchors) < NEAR + 1


def _distance(sentence: str, match: re.Match[str], anchors: set[str]) -> float:
    """How many words the match is from the nearest word starting like an anchor; half a word
    more when the anchor comes first, so that "cut 13,000 jobs" counts jobs, not the cut
    "two plants" of "cut two plants"."""
    words = [_stems(keywords(word)) for word in _WORDS.findall(sentence)]
    position = len(_WORDS.findall(sentence[: match.start()]))
    return min(
        (
            index - position if index > position else position - index + 0.5
            for index, stems in enumerate(words)
            if stems & anchors
        ),
        default=float(len(words) + NEAR + 1),
    )


def _written(match: re.Match[str]) -> date | None:
    if match["d1"]:
        day, month, year = match["d1"], match["m1"], match["y1"]
    else:
        day, month, year = match["d2"], match["m2"], match["y2"]
    try:
        return date(int(year), list(calendar.month_name).index(month), int(day))
    except ValueError:
        return None


def _span(early: When, late: When) -> str:
    if early.year_only or late.year_only:
        years = late.day.year - early.day.year
        return f"{years} year{'s' if years != 1 else ''}"
    days = (late.day - early.day).days
    if days < 60:
        return f"{days} day{'s' if days != 1 else ''}"
    if days < 730:
        months = round(days / 30.44)
        return f"about {months} months"
    return f"about {round(days / 365.25)} years"


def _head(question: str, answered: Sequence[Answered]) -> set[str]:
    """What the question counts or dates, by the first STEM letters of its words outside the
    parts' subjects ("killed", "people"; "born"), the words of comparison and time left out."""
    subjects = set().union(*(keywords(part.subject) for part in answered))
    asked = _LATER.sub(" ", _MORE.sub(" ", question))
    return _stems(keywords(asked) - subjects - _ASKING)


def _stems(words: set[str]) -> set[str]:
    return {word[:STEM] for word in words if not word.isdigit()}


def _value(part: Answered, head: set[str]) -> tuple[float, int] | None:
    """The number the part's sentences give nearest a word of `head` (within NEAR words, not
    a year; None when two differ at the same distance), and the source giving it."""
    if not head:
        return None
    found: dict[float, tuple[float, int]] = {}
    for sentence, n, _ in part.sentences:
        for match in _NUMBER.finditer(sentence):
            value = _parse(match)
            if match["digits"] and value.is_integer() and int(value) in _YEARLIKE:
                continue
            distance = _distance(sentence, match, head)
            if distance < NEAR + 1 and distance < found.get(value, (NEAR + 1, n))[0]:
                found[value] = (distance, n)
    if not found:
        return None
    nearest = min(distance for distance, _ in found.values())
    best = [(value, n) for value, (distance, n) in found.items() if distance == nearest]
    return best[0] if len(best) == 1 else None


def _parse(match: re.Match[str]) -> float:
    if match["digits"]:
        value = float(match["digits"].replace(",", ""))
        scale = match["scale"]
    else:
        parts = match["words"].lower().split("-")
        value = float(_TENS.get(parts[0], _SMALL.get(parts[0], 0)))
        value += sum(_SMALL.get(part, 0) for part in parts[1:])
        scale = match["wscale"]
    return value * _SCALE[scale.lower()] if scale else value


def _show(value: float) -> str:
    return f"{value:,.0f}" if value.is_integer() else f"{value:,.2f}".rstrip("0").rstrip(".")


def _label(subject: str) -> str:
    subject = subject.strip().rstrip("?.")
    return subject[:1].upper() + subject[1:]
