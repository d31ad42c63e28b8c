"""Whether the retrieved news can answer a question at all: the specific things the question
names (names, numbers, years) must appear somewhere in what was found.

"Who won the 2019 Nobel Prize in Chemistry?" finds the 2019 Nobel Prize in Physics article with
a high similarity, but "Chemistry" is nowhere in it: the news held does not cover the question.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from newsrag.retrieval.nations import NATIONS
from newsrag.retrieval.select import Evidence
from newsrag.retrieval.timeparse import MONTHS
from newsrag.text import (
    ANAPHORIC,
    CLAUSE_END,
    STOPWORDS,
    YEAR,
    keywords,
    singular,
    split_sentences,
)

_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’.&-]*")
_WORD = re.compile(r"[a-z0-9]+")
_PART = re.compile(r"[A-Za-z0-9]+")
MIN_LENGTH = 3
STEM = 5


def specific_terms(question: str) -> list[str]:
    """The question's names, acronyms and numbers (capitalised words after the first, words
    with digits), lower-cased; a hyphenated or dotted name is split into its parts, of which
    only the capitalised ones and those with digits count ("Intel-based" names Intel)."""
    found: list[str] = []
    for index, token in enumerate(_TOKEN.findall(question)):
        token = re.sub(r"['’]s$", "", token.strip(".'’-"))
        named = index > 0 and token[:1].isupper()
        if not (named or any(c.isdigit() for c in token)):
            continue
        for part in _PART.findall(token):
            if not (part[:1].isupper() or any(c.isdigit() for c in part)):
                continue
            part = part.lower()
            if len(part) >= MIN_LENGTH and part not in STOPWORDS and part not in found:
                found.append(part)
    return found


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
        plural whose singular is one of the words ("Macs" and "Mac")."""
        return any(
            word in self.words or (len(word) >= STEM and word[:STEM] in self.stems)
            for word in (term, *NATIONS.get(term, ()), singular(term))
        )


def _vocabulary(text: str) -> Vocabulary:
    words = frozenset(_WORD.findall(text.lower()))
    return Vocabulary(words, frozenset(word[:STEM] for word in words if len(word) >= STEM))


# The sentences and titles of the evidence are weighed again by each check and for each
# question on the same story: the last few thousand single-text vocabularies are remembered
# (whole evidence, read once per question, is not).
_remembered = lru_cache(maxsize=4096)(_vocabulary)


@dataclass(frozen=True)
class Outcome:
    """A kind of result a question asks about: `asked` finds it in the question, `stated` a
    sentence reporting one."""

    asked: re.Pattern[str]
    stated: re.Pattern[str]


OUTCOMES = (
    Outcome(
        # "the prize won by Wangari Maathai" names a result; it does not ask for one.
        re.compile(r"\b(won|win|wins|winner|winners|elected)\b(?! by\b)", re.IGNORECASE),
        re.compile(
            r"\b(won|wins|winners?|victory|victorious|defeated|defeats|beat|beats|champions?|"
            r"lost|loses|losing|"
            r"(was|were|been|is|are|be|got|get) (\w+ )?(re-?)?elected|re-elected|secured|captured|"
            r"retained|claimed|took (the )?(title|gold|seat|crown|majority)|landslide)\b",
            re.IGNORECASE,
        ),
    ),
    Outcome(
        re.compile(r"\b(prison|jail) (sentence|term)\b|\bwhat sentence\b", re.IGNORECASE),
        re.compile(
            r"\b(sentenc(ed|es|ing) ([\w.,]+ ){0,6}?to|jailed for|imprisoned for|"
            r"(received|given|handed|serving|serves) "
            r"(a |an )?([\w-]+ ){0,3}(sentence|term))\b",
            re.IGNORECASE,
        ),
    ),
    Outcome(
        re.compile(
            r"\b(convict\w*|acquit\w*|verdict|guilty|uph[oe]ld|overturn\w*|sentenced?)\b", re.I
        ),
        re.compile(
            r"\b(found (not )?guilty|pleaded guilty|pled guilty|guilty verdict|convicted|"
            r"acquitted|acquittal|cleared of|sentenced to|overturn(ed|s)?|upheld|upholds|"
            r"reversed|reverses)\b",
            re.IGNORECASE,
        ),
    ),
)
# "If convicted, Rittenhouse could receive ..." reports no result.
_UNREALISED = re.compile(r"\b(if|unless|whether|could|would|might|may|will|to be|expected)\b", re.I)


def unreported_outcome(question: str, evidence: Sequence[Evidence]) -> bool:
    """Whether the question asks for a result ("Who won the Groom by-election?", "Was X
    convicted?") that no statement of the evidence reports.

    A report is a headline or sentence stating such a result, with one of the question's names
    and one of its other words ("by-election", "impeachment") in it, the sentence before or its
    headline, all the names in its article, and no year but the question's when the question
    names one: coverage from before a vote, or of another year's race, is not a report of it.
    """
    clause = CLAUSE_END.split(question, maxsplit=1)[0]
    outcome = next((o for o in OUTCOMES if o.asked.search(clause)), None)
    if outcome is None:
        return False
    asked = _Asked.of(clause, outcome)
    for item in evidence:
        article = Vocabulary.of(item.chunk.title, item.chunk.text)
        if not all(article.holds(name) for name in asked.names):
            continue
        before = ""
        for statement in (item.chunk.title, *split_sentences(item.chunk.text)):
            if _states(outcome, statement) and asked.reported(statement, before, item.chunk.title):
                return False
            before = statement
    return True


@dataclass(frozen=True)
class _Asked:
    """What a question about a result names: its names, years and other words."""

    names: list[str]
    years: set[str]
    words: set[str]

    @classmethod
    def of(cls, clause: str, outcome: Outcome) -> _Asked:
        years = set(YEAR.findall(clause))
        names = [term for term in specific_terms(clause) if term not in years | MONTHS.keys()]
        words = {
            word
            for word in keywords(clause)
            if len(word) >= MIN_LENGTH
            and word not in names
            and word not in MONTHS
            and not word.isdigit()
            and not outcome.asked.fullmatch(word)
        }
        return cls(names, years, words)

    def reported(self, statement: str, before: str, title: str) -> bool:
        """Whether a statement of a result is about these names, words and year."""
        stated_years = set(YEAR.findall(statement))
        if self.years and stated_years and not stated_years & self.years:
            return False
        # "He was given a two-year suspended sentence.": who "he" is, the headline says
        near = Vocabulary.of(before, statement, title if ANAPHORIC.match(statement) else "")
        around = Vocabulary.of(before, statement, title)
        return (not self.names or any(near.holds(name) for name in self.names)) and (
            not self.words or any(around.holds(word) for word in self.words)
        )


def _states(outcome: Outcome, statement: str) -> bool:
    """Whether the statement reports such a result, not one that could or will happen."""
    return any(
        not _UNREALISED.search(statement[max(0, found.start() - 25) : found.start()])
        for found in outcome.stated.finditer(statement)
    )
