"""Whether the article found names the prize, title or race asked about as another kind.

"Who won the 2019 Nobel Prize in Chemistry?" and "Who won the Nobel Peace Prize in 2019?" find
the report of the 2019 Nobel Prize in Physics: it names every name of the question and its
year, and is found with a high similarity, yet answers neither. The word that tells the kind
("chemistry", "peace") is missing from it while the thing is there with another kind, or none:
"Prize in physics", "Nobel Prize". Only things that come in kinds are checked (QUALIFIED);
"the first ever spacewalk" is not a kind of spacewalk.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from newsrag.retrieval.coverage import Vocabulary
from newsrag.retrieval.timeparse import MONTHS
from newsrag.text import STOPWORDS

QUALIFIED = frozenset(
    re.findall(
        r"\w+",
        """prize prizes award awards medal medals trophy cup championship championships title
        race election primary office""",
    )
)
_TOKEN = re.compile(r"[a-z]+(?:['’]s)?|\d+")
_OF = frozenset({"in", "of", "for"})


def another_kind(question: str, texts: Sequence[str]) -> bool:
    """Whether a word of the question naming a kind of QUALIFIED thing, before it ("the Nobel
    Peace Prize") or after "in", "of" or "for" ("the Nobel Prize in Chemistry"), is missing
    from the texts, which name that thing with another word or none."""
    tokens = [
        token.removesuffix("'s").removesuffix("’s") for token in _TOKEN.findall(question.lower())
    ]
    text = " ".join(" ".join(texts).lower().split())
    held = Vocabulary.of(*texts)
    for index, word in enumerate(tokens):
        if not _kind_word(word) or held.holds(word):
            continue
        before = tokens[index - 1] if index else ""
        after = tokens[index + 1] if index + 1 < len(tokens) else ""
        named = after in QUALIFIED and bool(before) and before not in STOPWORDS
        if named and re.search(rf"\b{before}(?:['’]s)? (?:[a-z]+ )?{after}\b", text):
            return True  # "Nobel Prize", "Nobel Physics Prize" for "Nobel Peace Prize"
        thing = tokens[index - 2] if index >= 2 else ""
        if (
            before in _OF
            and thing in QUALIFIED
            and re.search(rf"\b{thing} {before} (?!the\b|a\b|an\b)[a-z]+", text)
        ):
            return True  # "Prize in physics" for "Prize in Chemistry"
    return False


def _kind_word(word: str) -> bool:
    return word.isalpha() and len(word) >= 3 and word not in STOPWORDS and word not in MONTHS
