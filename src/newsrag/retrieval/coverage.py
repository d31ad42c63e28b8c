"""Whether the retrieved news can answer a question at all: the specific things the question
names (names, numbers, years) must appear somewhere in what was found.

"Who won the 2019 Nobel Prize in Chemistry?" finds the 2019 Nobel Prize in Physics article with
a high similarity, but "Chemistry" is nowhere in it: the news held does not cover the question.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import lru_cache

from newsrag.models import RetrievedChunk
from newsrag.retrieval.nations import NATIONS
from newsrag.retrieval.select import Evidence
from newsrag.text import (
    STOPWORDS,
    TITLES,
    singular,
)

_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’.&-]*")
_WORD = re.compile(r"[a-z0-9]+")
_PART = re.compile(r"[A-Za-z0-9]+")
MIN_LENGTH = 3
MAX_INITIALS = 6
_LEADING = {"The", "A", "An"}
_CAPITALISED_RUN = re.compile(
    r"\b[A-Z][a-z]+(?:(?: (?:of|and|for|the))? (?:[A-Z][a-z]+|[A-Z]\.(?= [A-Z])|[IVX]{2,4}\b))+"
)
_MEASURE = re.compile(
    r"(\d+)(?:m|km|cm|mm|kg|g|mph|kph|ft|mi|lb|lbs|gb|mb|tb|mw|gw|kw|s|bn|mn|k|tn)"
)
_DOTTED = re.compile(r"\b(?:[A-Z]\.){2,}")
STEM = 5
# Titles a question abbreviates and an article writes out: "CEO" is held by "chief executive".
ABBREVIATED = {
    "ceo": ("chief", "executive"),
    "cfo": ("chief", "financial"),
    "govt": ("government",),
}


def specific_terms(question: str) -> list[str]:
    """The question's names, acronyms and numbers (capitalised words after the first and not
    opening a later sentence, words with digits), lower-cased; a hyphenated or dotted name is
    split into its parts, of which only the capitalised ones and those with digits count
    ("Intel-based" names Intel)."""
    found: list[str] = []
    for index, match in enumerate(_TOKEN.finditer(question)):
        token = re.sub(r"['’]s$", "", match.group().strip(".'’-"))
        named = index > 0 and token[:1].isupper() and not _opens_sentence(question, match.start())
        if not (named or any(c.isdigit() for c in token)):
            continue
        for part in _PART.findall(token):
            if not (part[:1].isupper() or any(c.isdigit() for c in part)):
                continue
            part = part.lower()
            if len(part) >= MIN_LENGTH and part not in STOPWORDS and part not in found:
                found.append(part)
    return found


# The end of a sentence before a word: "... dealer closures. Roughly what share ...?" (not
# "U.S. Senate" or "Dr. Smithers", nor a question mark, after which a follow-up's search
# carries the names of its conversation: "What happened after that? Samoa shut down ...").
_SENTENCE_END = re.compile(r"\b([a-z]+|\d+)[.!]\s+$")


def _opens_sentence(question: str, start: int) -> bool:
    """Whether the word at `start` opens a sentence after the question's first: capitalised
    as any first word is, not as a name."""
    ended = _SENTENCE_END.search(question[max(0, start - 30) : start])
    return ended is not None and ended[1] not in TITLES


def name_runs(question: str, names: Collection[str]) -> list[list[str]]:
    """The question's `names` (lower-case words), grouped as it writes them together: "chirac
    and pranab mukherjee" names two, ["chirac"] and ["pranab", "mukherjee"]."""
    runs: list[list[str]] = [[]]
    for token in _TOKEN.findall(question):
        parts = [part.lower() for part in _PART.findall(re.sub(r"['’]s$", "", token))]
        held = [part for part in parts if part in names]
        if held:
            runs[-1].extend(part for part in held if part not in runs[-1])
        elif runs[-1]:
            runs.append([])
    return [run for run in runs if run]


def chunk_vocabulary(chunks: Sequence[RetrievedChunk]) -> Vocabulary:
    """The words of the chunks and of their articles' titles."""
    return Vocabulary.of(*(f"{chunk.title} {chunk.text}" for chunk in chunks))


def evidence_vocabulary(evidence: Sequence[Evidence]) -> Vocabulary:
    """The words of the evidence: its text, titles, outlets, categories and publication month
    and year."""
    contexts = []
    for item in evidence:
        chunk = item.chunk
        when = f"{chunk.published_at:%B %Y}" if chunk.published_at else ""
        contexts.append(" ".join((chunk.title, chunk.text, chunk.source, *chunk.categories, when)))
    return Vocabulary.of(*contexts)


@dataclass(frozen=True)
class Vocabulary:
    """The words of some texts, and their first STEM letters."""

    words: frozenset[str]
    stems: frozenset[str]

    @classmethod
    def of(cls, *texts: str) -> Vocabulary:
        if len(texts) == 1:
            return _remembered(texts[0])
        return _vocabulary(" ".join(texts))

    def __or__(self, other: Vocabulary) -> Vocabulary:
        return Vocabulary(self.words | other.words, self.stems | other.stems)

    def holds(self, term: str) -> bool:
        """Whether the term is one of the words, or a word starts with its first STEM letters
        ("Kenyan" matches "Kenya"), or the term is a country or its people's name and one of
        the words another ("Britain's" and "British", "French" and "France"), or the term is a
        plural whose singular is one of the words ("Macs" and "Mac") or a singular whose plural
        is ("seat" and "seats"), or the term is a number with its unit and the number is one of
        the words ("400m" and "400 m"), or the term abbreviates a title whose words are held
        ("CEO" and "chief executive": ABBREVIATED)."""
        measured = _MEASURE.fullmatch(term)
        if term in ABBREVIATED and all(map(self.holds, ABBREVIATED[term])):
            return True
        return any(
            word in self.words or (len(word) >= STEM and word[:STEM] in self.stems)
            for word in (term, *NATIONS.get(term, ()), singular(term), f"{term}s", f"{term}es")
        ) or bool(measured and measured[1] in self.words)


def _vocabulary(text: str) -> Vocabulary:
    dotted = {found.replace(".", "").lower() for found in _DOTTED.findall(text)}
    words = frozenset(_WORD.findall(text.lower())) | acronyms(text) | dotted
    return Vocabulary(words, frozenset(word[:STEM] for word in words if len(word) >= STEM))


_ROMAN = re.compile(r"[IVX]{2,4}")


def acronyms(text: str) -> frozenset[str]:
    """The initials of the text's runs of capitalised words, lower-cased, so that a question's
    "IRS" or "NTSB" is held by "Internal Revenue Service" or "National Transportation Safety
    Board" ("of", "and", "for" and "the" inside a run are left out: "Food and Drug
    Administration" is "fda"); a Roman numeral counts whole ("World War II" is "wwii"). The
    initials of a run's first words count too ("Martin Luther King Jr. Day" holds "mlk"), with or
    without its first word ("In World War II" holds "wwii")."""
    found = set()
    for run in _CAPITALISED_RUN.finditer(text):
        words = run.group(0).split()
        if words[0] in _LEADING:  # a sentence's "The Food and Drug Administration"
            words = words[1:]
        initials = [
            word if _ROMAN.fullmatch(word) else word[0] for word in words if word[0].isupper()
        ]
        for start in (0, 1):
            for end in range(start + 2, min(len(initials), start + MAX_INITIALS) + 1):
                acronym = "".join(initials[start:end]).lower()
                if len(acronym) >= MIN_LENGTH:
                    found.add(acronym)
    return frozenset(found)


# The sentences and titles of the evidence are weighed again by each check and for each
# question on the same story: the last few thousand single-text vocabularies are remembered
# (whole evidence, read once per question, is not).
_remembered = lru_cache(maxsize=4096)(_vocabulary)
