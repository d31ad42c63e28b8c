"""Whose result a question about a count, a vote or a race's time asks for, and whether a
statement gives that one's.

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

_LOSING = frozenset(("lose", "lost", "loses", "losing"))
_BODIES = frozenset(("senate", "house", "parliament", "congress"))
_OWNERS = (
    re.compile(
        r"\bhow many \w+ (?:did|does|do|will|would|has|have|had)\s+(?P<owner>.+?)\s+"
        r"(?P<verb>get|got|win|won|receive|take|secure|end(?:ed)? up|finish|gain|lose|lost|need)\b",
        re.IGNORECASE,
    ),
    # a vote by a body: "what was the final Senate vote", not the House's
    re.compile(rf"\bwhat was the (?:final )?(?P<owner>{'|'.join(sorted(_BODIES))}) vote", re.I),
    # a race's time: "what was Kipchoge's time", "what time did Warholm run"
    re.compile(r"\b(?:what|how fast) (?:was|is) (?P<owner>.+?)['’]s (?:\w+ )?time\b", re.I),
    re.compile(r"\btime (?:did|does) (?P<owner>.+?) (?:run|clock|finish|record|post|set)\b", re.I),
)


@dataclass(frozen=True)
class Owner:
    """Whose count a question asks for ("how many seats did Labour end up with?": `words`),
    and whether a count won (`gained`), not one lost."""

    words: frozenset[str]
    gained: bool

    @classmethod
    def of(cls, clause: str) -> Owner | None:
        """The owner the clause asks a count, a vote or a time of, if it names one ("did they
        win" names none)."""
        found = next(filter(None, (owner.search(clause) for owner in _OWNERS)), None)
        if found is None:
            return None
        written = re.findall(r"[a-z]+", re.sub(r"['’]s\b", "", found["owner"].lower()))
        words = frozenset(word for word in written if word not in STOPWORDS)
        verb = (found.groupdict().get("verb") or "").lower()
        return cls(words, verb not in _LOSING) if words else None

    def _unnamed_body(self, statement: str) -> bool:
        """Whether the owner is a voting body and the statement names none: "The articles
        passed by votes of 230-to-197" under a headline naming the House is the House's."""
        said = Vocabulary.of(statement)
        return self.words <= _BODIES and not any(map(said.holds, _BODIES))

    def named(self, article: Vocabulary) -> bool:
        """Whether the article names the owner as the question does: one it describes otherwise
        ("the Norwegian hurdler" for Karsten Warholm of Norway) is not judged."""
        return all(map(article.holds, self.words))

    def stated(self, statement: str, title: str) -> bool:
        """Whether the statement gives a number after naming the owner (a statement opening
        with a pronoun, or with a name its headline gives, names whom its headline names:
        "Warholm, who is 23, won with a time of 47.42 seconds" under "Norway's Warholm wins
        gold"; so does a vote naming no body, `_unnamed_body`) and, for a count won, no word
        of losing comes between the two."""
        tokens = statement.split()
        mentions = [
            index
            for index, token in enumerate(tokens)
            if any(map(Vocabulary.of(token).holds, self.words))
        ]
        headline = Vocabulary.of(title)
        opening = ANAPHORIC.match(statement) or _opens_with(statement, title)
        if (opening or self._unnamed_body(statement)) and any(map(headline.holds, self.words)):
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


def _opens_with(statement: str, title: str) -> bool:
    """Whether the statement's first word is a name its headline writes."""
    first = re.match(r"[A-Z][\w'’-]*", statement)
    if first is None or first[0].lower() in STOPWORDS:
        return False
    return re.search(rf"\b{re.escape(first[0])}\b", title) is not None
