"""Whose result a question about a count asks for, and whether a statement gives that one's.

"How many votes did Jeremy Hunt get?" is not answered by "He won with 92,153 votes" under the
headline "Boris Johnson elected Conservative leader", nor "How many seats did Labour end up
with?" by "The Conservative Party gained 66 seats, while Labour lost 42": the number a report
gives must be its owner's, and, when a number won is asked for, not one lost.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from newsrag.retrieval.coverage import Vocabulary
from newsrag.text import ANAPHORIC, STOPWORDS, YEAR

_OWNER = re.compile(
    r"\bhow many \w+ (?:did|does|do|will|would|has|have|had)\s+(?P<owner>.+?)\s+"
    r"(?P<verb>get|got|win|won|receive|take|secure|end(?:ed)? up|finish|gain|lose|lost|need)\b",
    re.IGNORECASE,
)
_LOSING = frozenset(("lose", "lost", "loses", "losing"))


@dataclass(frozen=True)
class Owner:
    """Whose count a question asks for ("how many seats did Labour end up with?": `words`),
    and whether a count won (`gained`), not one lost."""

    words: frozenset[str]
    gained: bool

    @classmethod
    def of(cls, clause: str) -> Owner | None:
        """The owner the clause asks a count of, if it names one ("did they win" names none)."""
        found = _OWNER.search(clause)
        if found is None:
            return None
        written = re.findall(r"[a-z]+", re.sub(r"['’]s\b", "", found["owner"].lower()))
        words = frozenset(word for word in written if word not in STOPWORDS)
        return cls(words, found["verb"].lower() not in _LOSING) if words else None

    def stated(self, statement: str, title: str) -> bool:
        """Whether the statement gives a number after naming the owner (a statement opening
        with a pronoun names whom its headline names) and, for a count won, no word of losing
        comes between the two."""
        tokens = statement.split()
        mentions = [
            index
            for index, token in enumerate(tokens)
            if any(map(Vocabulary.of(token).holds, self.words))
        ]
        if ANAPHORIC.match(statement) and any(map(Vocabulary.of(title).holds, self.words)):
            mentions.insert(0, 0)
        for mention in mentions:
            number = next(
                (
                    index
                    for index in range(mention + 1, len(tokens))
                    if any(c.isdigit() for c in tokens[index])
                    and not YEAR.fullmatch(tokens[index].strip(".,;:()"))
                ),
                None,
            )
            between = {token.strip(".,;:").lower() for token in tokens[mention + 1 : number]}
            if number is not None and not (self.gained and between & _LOSING):
                return True
        return False
