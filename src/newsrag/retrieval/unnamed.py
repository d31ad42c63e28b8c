"""A name asked for that the article never gives.

"What was the name of the flight engineer who survived the Karaj crash?" is asked of a report
saying only "The lone survivor was a flight engineer": every name of the question is held, yet
nothing answers it. A name asked for is given beside the thing it names ("the driver, Volodymyr
Zhukovskyy", "the supply ship Almirante Óscar Viel"): a capitalised word the question does not
hold, not a month, a day or a people's name, within NEAR words of the thing's noun, and not
right before it ("a Cheltenham man"). A name saying who said so ("Thames Valley Police said
they had arrested a second man") or where ("the children were all from Marksville") is no
name of the thing, unless a place is asked.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from newsrag.models import RetrievedChunk
from newsrag.retrieval.coverage import STEM
from newsrag.retrieval.names import DAYS
from newsrag.retrieval.nations import NATIONS
from newsrag.retrieval.timeparse import MONTHS
from newsrag.text import STOPWORDS, split_sentences

# "what was the name of the pilot flying ...", "what are the names of the two suspects ..."
_NAME_OF = re.compile(
    r"\b(?:what|which)(?:'s|\s+is|\s+was|\s+were|\s+are)\s+the\s+names?\s+of\s+(?P<thing>[^?]+)",
    re.IGNORECASE,
)
# Where the thing's words end: "the pilot flying ...", "the baby rescued ...", "the driver in".
_THING_END = re.compile(r"^(?:\w+(?:ed|ing)|who|whom|whose|that|which|where|when)$", re.IGNORECASE)
_CAPITALISED = re.compile(r"[A-Z][\w'’-]*")
_WORDS = re.compile(r"[\w'’-]+")
NEAR = 6
# Words after which a name says where; words before which it says who said so.
_LOCATIVE = frozenset({"in", "at", "from", "near", "of", "to"})
_REPORTING = frozenset({"said", "says", "told", "reported", "announced", "confirmed", "stated"})
# Things whose name is where: "the name of the town" is given as "in Kuchinarai".
_PLACES = frozenset(
    {"town", "city", "village", "region", "province", "island", "country", "state", "county"}
)


def asked_thing(question: str) -> str | None:
    """The noun of the thing whose name the question asks ("engineer" of "the name of the
    flight engineer who ..."), or None when it asks for no name of a thing."""
    found = _NAME_OF.search(question)
    if found is None:
        return None
    words: list[str] = []
    for word in _WORDS.findall(found["thing"]):
        lowered = word.lower()
        if words and (lowered in STOPWORDS or _THING_END.match(lowered)):
            break
        if lowered not in STOPWORDS:
            words.append(lowered)
    return words[-1] if words else None


def unnamed(question: str, chunks: Sequence[RetrievedChunk]) -> bool:
    """Whether the question asks for a thing's name (`asked_thing`) that the article (`chunks`)
    writes the thing's noun without, in every sentence holding it ("the planet" is an
    "exoplanet"); an article that never writes the noun may call the thing otherwise ("an
    eleven-month-old boy, identified only as Ivan" for "the baby"), and is not judged."""
    thing = asked_thing(question)
    if thing is None or not chunks:
        return False
    asked = {word.lower() for word in _WORDS.findall(question)}
    held = False
    for chunk in chunks:
        for sentence in split_sentences(chunk.text):
            words = _WORDS.findall(sentence)
            places = [i for i, word in enumerate(words) if _is_thing(word.lower(), thing)]
            others = _said_or_where(words, where=thing not in _PLACES)
            if any(_named(words, i, asked | others) for i in places):
                return False
            held = held or bool(places)
    return held


def _is_thing(word: str, thing: str) -> bool:
    """Whether the word is the thing's noun: the same first STEM letters, or a word of at least
    STEM letters inside it ("planet" of "exoplanet"); "man" is one of the "men"."""
    if thing.endswith("men"):
        return word in (thing, thing.removesuffix("men") + "man")
    return word.startswith(thing[:STEM].rstrip("s")) or (
        len(word) >= STEM and word.rstrip("s") in thing
    )


def _said_or_where(words: Sequence[str], *, where: bool) -> set[str]:
    """The capitalised words of runs naming who said something (before "said") and, when
    `where`, where (after "in", "from" ...), lower-cased."""
    found: set[str] = set()
    start = 0
    while start < len(words):
        end = start
        while end < len(words) and _CAPITALISED.fullmatch(words[end]):
            end += 1
        if end == start:
            start += 1
            continue
        before = words[start - 1].lower() if start else ""
        after = words[end].lower() if end < len(words) else ""
        if after in _REPORTING or (where and before in _LOCATIVE):
            found.update(word.lower() for word in words[start:end])
        start = end
    return found


def _named(words: Sequence[str], at: int, asked: set[str]) -> bool:
    """Whether a capitalised word the question lacks (not the sentence's first, a month, a day
    or a people's name) is within NEAR words of `at`, and not one describing the thing right
    before it ("a 36-year-old Cheltenham man")."""
    describing = at
    while describing > 0 and _CAPITALISED.fullmatch(words[describing - 1]):
        describing -= 1
    for index in range(max(1, at - NEAR), min(len(words), at + NEAR + 1)):
        word = words[index]
        if describing <= index < at:
            continue
        lowered = word.lower()
        if (
            _CAPITALISED.fullmatch(word)
            and lowered not in asked
            and lowered not in MONTHS
            and lowered not in DAYS
            and lowered not in NATIONS
        ):
            return True
    return False
