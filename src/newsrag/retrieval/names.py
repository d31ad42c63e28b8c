"""Names in a question typed in lower case: "who won the 2019 boston marathon?" names Boston.

Whether a question's words are names decides much of whether the news found answers it (every
name must be in the evidence: `retrieval/coverage.py`), and names are told by their capitals. A
word the question writes in lower case is a name when the store's articles write it capitalised
inside their sentences (at least NAME_SHARE of at least MIN_SEEN times, in the chunks
`ChunkSearch.spellings` samples). Only the words the evidence found lacks are looked up (a name
held counts as held either way), and how the store spells a word is remembered (REMEMBERED
words), as it changes only with what is ingested.
"""

from __future__ import annotations

import calendar
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence

from newsrag.retrieval.timeparse import MONTHS
from newsrag.text import STOPWORDS, TITLES

MIN_SEEN = 3
NAME_SHARE = 0.75
REMEMBERED = 20_000
MIN_LENGTH = 3
_WORD = re.compile(r"(?<![\w'’-])[a-z]+(?![\w-])")
# What precedes a word inside a sentence: a lower-case word, a digit or a comma, and a space.
_INSIDE = re.compile(r"[a-z0-9,;] $")

Spellings = Callable[[Sequence[str]], Mapping[str, tuple[int, int]]]


class ProperNames:
    """Which lower-case words the store writes as names, from `spellings` (for each word, how
    often it is written capitalised inside a sentence and how often in lower case)."""

    def __init__(self, spellings: Spellings, remembered: int = REMEMBERED) -> None:
        self.spellings = spellings
        self.remembered = remembered
        self._counts: OrderedDict[str, tuple[int, int]] = OrderedDict()
        self._lock = threading.Lock()

    def named(self, words: set[str], seen: int = MIN_SEEN) -> set[str]:
        """Those of the lower-case `words` the store writes as names, seen at least `seen`
        times."""
        with self._lock:
            unknown = sorted(word for word in words if word not in self._counts)
        if unknown:
            counts = self.spellings(unknown)
            with self._lock:
                for word in unknown:
                    self._counts[word] = counts.get(word, (0, 0))
                while len(self._counts) > self.remembered:
                    self._counts.popitem(last=False)
        with self._lock:
            known = {word: self._counts.get(word, (0, 0)) for word in words}
        return {
            word
            for word, (capitalised, lower) in known.items()
            if capitalised + lower >= max(1, seen)
            and capitalised >= NAME_SHARE * (capitalised + lower)
        }


DAYS = frozenset(name.lower() for name in calendar.day_name)


def written_as_names(question: str, texts: Sequence[str]) -> set[str]:
    """The question's lower-case words that the `texts` write capitalised inside their sentences
    (NAME_SHARE of the times they write them there): "bruce" and "mcarthur" of "what sentence
    did bruce mcarthur get?" when the evidence writes "Bruce McArthur"."""
    joined = " ".join(texts)
    found = set()
    for word in lower_case_words(question):
        spelt = re.finditer(rf"\b{word}\b", joined, re.IGNORECASE)
        inside = [m for m in spelt if _INSIDE.search(joined[max(0, m.start() - 3) : m.start()])]
        capitalised = sum(m.group()[0].isupper() for m in inside)
        if inside and capitalised >= NAME_SHARE * len(inside):
            found.add(word)
    return found


# "the Detroit automaker", "Detroit's biggest automaker", "the mac maker": what a maker makes,
# or where it is, describes it and is no name its articles must print.
_DESCRIBED_MAKER = re.compile(
    r"\b([a-z]+)(?:['’]s)?\s+(?:[a-z]+est\s+)?(?:(?:auto|car|chip|jet|plane|drug|phone|game|"
    r"software)\s*)?(?:makers?|manufacturers?)\b",
    re.IGNORECASE,
)


# "the Baltic port city", "the Pacific island nation": where a place is describes it, and is
# no name its articles must print.
_DESCRIBED_PLACE = re.compile(
    r"\bthe\s+([a-z]+)\s+(?:(?:port|island|coastal|border|capital|resort|mining|oil)\s+)?"
    r"(?:city|town|nation|country|state|village|kingdom|archipelago)\b",
    re.IGNORECASE,
)


def described(question: str) -> set[str]:
    """The question's words, lower-cased, that describe a maker or a place rather than name one
    ("detroit" of "the Detroit automaker", "baltic" of "the Baltic port city")."""
    found = (
        m.group(1).lower()
        for pattern in (_DESCRIBED_MAKER, _DESCRIBED_PLACE)
        for m in pattern.finditer(question)
    )
    return {word for word in found if _candidate(word)}


def lower_case_words(question: str) -> set[str]:
    """The question's lower-case words that may be names, its first one too ("chirac and pranab
    mukherjee - who ..."): not a month, a day or a common word."""
    return {m.group() for m in _WORD.finditer(question) if _candidate(m.group())}


# Where in a place, which the store writes capitalised in names ("Eastern Europe") but a
# question uses to describe: "in eastern Cuba".
_COMPASS = frozenset(
    re.findall(
        r"\w+",
        """north south east west northern southern eastern western central northeastern
        northwestern southeastern southwestern""",
    )
)


def _candidate(word: str) -> bool:
    """Whether a lower-case word may be a name: not a month or a day, which the question's
    time says (`retrieval/timeparse.py`), nor a common word, a title ("lady") or a point of the
    compass."""
    return (
        len(word) >= MIN_LENGTH
        and word not in STOPWORDS
        and word not in TITLES
        and word not in MONTHS
        and word not in DAYS
        and word not in _COMPASS
    )
