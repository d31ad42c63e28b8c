"""Whether the retrieved news can answer a question at all: the specific things the question
names (names, numbers, years) must appear somewhere in what was found.

"Who won the 2019 Nobel Prize in Chemistry?" finds the 2019 Nobel Prize in Physics article with
a high similarity, but "Chemistry" is nowhere in it: the news held does not cover the question.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from newsrag.retrieval.select import Evidence
from newsrag.text import STOPWORDS

_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’.&-]*")
_WORD = re.compile(r"[a-z0-9]+")
MIN_LENGTH = 3
STEM = 5


def specific_terms(question: str) -> list[str]:
    """The question's names, acronyms and numbers (capitalised words after the first, words
    with digits), lower-cased; a hyphenated or dotted name is split into its parts."""
    found: list[str] = []
    for index, token in enumerate(_TOKEN.findall(question)):
        token = re.sub(r"['’]s$", "", token.strip(".'’-"))
        named = index > 0 and token[:1].isupper()
        if not (named or any(c.isdigit() for c in token)):
            continue
        for part in _WORD.findall(token.lower()):
            if len(part) >= MIN_LENGTH and part not in STOPWORDS and part not in found:
                found.append(part)
    return found


def missing_terms(question: str, evidence: Sequence[Evidence]) -> list[str]:
    """The question's specific terms found nowhere in the evidence: its text, titles, outlets,
    categories and publication month and year. A term matches a word that starts with its
    first STEM letters ("Kenyan" matches "Kenya")."""
    words: set[str] = set()
    for item in evidence:
        chunk = item.chunk
        when = f"{chunk.published_at:%B %Y}" if chunk.published_at else ""
        context = " ".join((chunk.title, chunk.text, chunk.source, *chunk.categories, when))
        words.update(_WORD.findall(context.lower()))
    stems = {word[:STEM] for word in words if len(word) >= STEM}
    return [
        term
        for term in specific_terms(question)
        if term not in words and not (len(term) >= STEM and term[:STEM] in stems)
    ]
