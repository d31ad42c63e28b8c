"""The words of a question its answer turns on: for a yes/no question, the word the fewest
sentences hold ("unanimous" of "was the ruling unanimous?"); for a "which" question, the kind it
asks for ("group" of "which militant group was suspected?"). The reader (`extractive.py`)
prefers sentences holding them."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from newsrag.text import keywords

_YES_NO = re.compile(
    r"^\s*(?:(?:and|so|but)\s+)?(?:was|were|did|does|do|is|are|has|have|had|will|would|could|can)\b",
    re.IGNORECASE,
)
PIVOT_SENTENCES = 2
# The sources whose sentences holding such a word count as answers: the best articles, read
# whole; a third story's sentence sharing a rare word ("longtime") is no answer.
PIVOT_SOURCES = 2
# A "which" question's kind counts where at most this many sentences name it.
FOCUS_SENTENCES = 3
# Words a yes/no comparison turns on that say nothing of either side: "born in the same year?"
_COMPARING = frozenset(
    [
        "same",
        "different",
        "more",
        "less",
        "fewer",
        "older",
        "younger",
        "earlier",
        "later",
        "first",
        "last",
        "longer",
        "shorter",
    ]
)


def turning_words(question: str, sentences: Sequence[str]) -> set[str]:
    """For a yes/no question ("Was the ruling unanimous?"), the words it turns on: those of its
    words that the fewest sentences hold, at most PIVOT_SENTENCES of them ("unanimous", not
    "court"); none for another question."""
    if not _YES_NO.match(question):
        return set()
    held = [stems(sentence) for sentence in sentences]
    asked = stems(question) - _COMPARING
    counts = {word: sum(word in words for words in held) for word in asked}
    fewest = min((n for n in counts.values() if n), default=0)
    if not fewest or fewest > PIVOT_SENTENCES:
        return set()
    return {word for word, n in counts.items() if n == fewest}


_FOCUS = re.compile(
    r"\bwhich\s+((?:[\w-]+\s+){0,2}?[\w-]+)\s+"
    r"(?:was|were|is|are|did|does|do|has|have|had|will|would|could|can|[a-z]+ed)\b",
    re.IGNORECASE,
)


def focus_words(question: str, sentences: Sequence[str]) -> set[str]:
    """The words naming the kind of thing a "which" question asks for ("which militant group
    was ...": "militant", "group"; "which greek minister criticised ...": "greek", "minister"),
    those of them that at most FOCUS_SENTENCES of the `sentences` hold: "the Abu Sayyaf Group
    are the suspected perpetrators" names one, where a sentence restating the question does
    not. ("What software did ..." is left out: "what" asks for a thing more often than a
    kind.)"""
    asked = _FOCUS.search(question)
    if asked is None:
        return set()
    held = [stems(sentence) for sentence in sentences]
    return {
        word
        for word in stems(asked.group(1))
        if 0 < sum(word in words for words in held) <= FOCUS_SENTENCES
    }


# The same sentences are read question after question: their stems are remembered.
@lru_cache(maxsize=4096)
def stems(text: str) -> frozenset[str]:
    """The text's content words, their endings cut ("confirmed" and "confirm": "confirm")."""
    return frozenset(_stem(word) for word in keywords(text))


def _stem(word: str) -> str:
    for ending in ("ing", "ed", "es", "ly", "e"):
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            return word[: -len(ending)]
    return word
