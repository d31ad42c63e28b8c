"""Plain-text helpers shared by ingestion, retrieval and generation: token estimates,
sentence splitting and question keywords."""

from __future__ import annotations

import re
from functools import lru_cache

_TOKEN = re.compile(r"\w+|[^\w\s]")
_SENTENCE_END = re.compile(r"(?<=[.!?…])([\"'”’)\]]*)\s+(?=[\"'“‘(\[]?[A-Z0-9À-Ý])")
_ABBREVIATION = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Prof|Sr|Jr|St|Mt|Gen|Gov|Sen|Rep|Lt|Col|Capt|Sgt|Inc|Ltd|Co|Corp|"
    r"vs|etc|No|Jan|Feb|Mar|Apr|Aug|Sep|Sept|Oct|Nov|Dec)|\b[A-Z])\.$"
)
_PARAGRAPH = re.compile(r"\n\s*\n")
# A year of the news: 1800-2099.
YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
# A sentence that needs the one before it (or its headline) to say whom or what it is about.
ANAPHORIC = re.compile(r"^(?:He|She|They|His|Her|Their|It|Its|This|These|That|Those)\b")
# Where a question's second question starts: "Where was he taken, and what poison was used?"
CLAUSE_END = re.compile(
    r",? and (?=(?:what|how|who|whom|which|when|where|why|did|does|do|was|were|is|are)\b)",
    re.IGNORECASE,
)


def count_tokens(text: str) -> int:
    return len(_TOKEN.findall(text))


def split_sentences(text: str) -> list[str]:
    """Sentences of `text`, paragraph breaks respected, common abbreviations not split on."""
    return list(_sentences(text))


# The chunks an answer reads are split again by each check (answerability, coverage, the
# reader) and for each question on the same story: the last few thousand are remembered.
@lru_cache(maxsize=2048)
def _sentences(text: str) -> tuple[str, ...]:
    return tuple(sentence for _, sentence in paragraph_sentences(text))


def paragraph_sentences(text: str) -> list[tuple[int, str]]:
    """(paragraph number, sentence) for every sentence of `text`."""
    found: list[tuple[int, str]] = []
    for number, paragraph in enumerate(_PARAGRAPH.split(text)):
        paragraph = " ".join(paragraph.split())
        start = 0
        for match in _SENTENCE_END.finditer(paragraph):
            candidate = paragraph[start : match.start()].rstrip("\"'”’)] ")
            if _ABBREVIATION.search(candidate):
                continue
            found.append((number, paragraph[start : match.end(1)].strip()))
            start = match.end()
        found.append((number, paragraph[start:].strip()))
    return [(number, sentence) for number, sentence in found if sentence]


_WORD = re.compile(r"[a-z0-9]+")
_STOPWORDS = """
a an the and or but of to in on at by for with about from as into is are was were be
been being do does did what which who whom whose when where why how that this these
those it its there their they them he she his her i you we our your my me us any some
all latest news recent tell say said has have had will would can could should may might
not no s t ll re ve
"""
STOPWORDS = frozenset(_STOPWORDS.split())
# Titles and ranks, written capitalised before a name ("Lady Hale", "President Trump") but no
# name themselves: "the kenyan tree lady" names nobody called Lady.
_TITLES = """
mayor president vice former prime minister dr mr mrs ms senator governor king queen pope
chancellor chief executive general judge justice secretary representative sir lord lady prince
princess professor
"""
TITLES = frozenset(_TITLES.split())


def keywords(text: str) -> set[str]:
    """Lower-cased content words, crudely singularised."""
    return {singular(w) for w in _WORD.findall(text.lower()) if w not in STOPWORDS}


def singular(word: str) -> str:
    """The word without a plural "s" ("Macs" -> "Mac"; "boss" stays), crudely."""
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word
