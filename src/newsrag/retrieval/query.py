"""Follow-up questions: rewrite "And who replaced him?" into a standalone search query.

The deterministic rewrite (for the extractive generator) carries the previous question's key
terms over when the new message leans on it: it refers back (he, she, it, they, that...), opens
with a continuation ("and", "what about"...), or names almost nothing by itself; a continuation
asking nothing of its own asks what the previous question asked ("how many").
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Sequence

from newsrag.models import Message
from newsrag.retrieval.coverage import specific_terms
from newsrag.retrieval.nations import NATIONS
from newsrag.retrieval.outcomes import OUTCOMES
from newsrag.retrieval.timeparse import RECENT
from newsrag.text import TITLES, keywords

_REFERS_BACK = re.compile(
    r"\b(he|she|it|its|they|them|their|him|his|her|hers|this|that|these|those|there|then|"
    r"the same|the former|the latter|later|afterwards?)\b",
    re.IGNORECASE,
)
_CONTINUES = re.compile(
    r"^\s*(and|but|also|so|what about|how about|what else|who else)\b",
    re.IGNORECASE,
)
SELF_CONTAINED = 3
_ABOUT = re.compile(r"^\s*(?:and\s+|so\s+)?(?:what|how) about\b", re.IGNORECASE)
_ASKING = re.compile(
    r"^\s*(?:and\s+|so\s+)?(how (?:many|much|long|old|far)|who|whom|when|where|why|which|what)\b",
    re.IGNORECASE,
)


def is_follow_up(message: str) -> bool:
    """Whether the message leans on the conversation: by its words (`refers_back`), or by
    naming nothing and no time ("Who was going to run the merged company?";
    `followup.new_topic` tells such a message apart from a new question)."""
    return refers_back(message) or names_nothing(message)


def refers_back(message: str) -> bool:
    """Whether the message refers back (he, that...), continues ("and", "what about"...) or
    says almost nothing by itself."""
    return bool(
        _REFERS_BACK.search(message)
        or _CONTINUES.match(message)
        or len(keywords(message)) < SELF_CONTAINED
    )


def names_nothing(message: str) -> bool:
    """Whether the message names no one, no number (a year is one) and asks for no latest
    news."""
    return not (specific_terms(message) or RECENT.search(message))


def standalone_query(message: str, history: Sequence[Message]) -> str:
    """The query to search with: the message, its "he" or "she" replaced by the person the
    last turn was about, plus the last question's key terms when the message is a follow-up to
    it, but not the result it asked for ("won"): "What organisation did she found?" does not
    ask who won. When the last question leaned on the one before it ("how many died?"), its
    own rewrite is carried: "was anyone pulled out alive?" is about the story both were."""
    asked = [index for index, m in enumerate(history) if m.role == "user"]
    if not asked or not is_follow_up(message):
        return message
    previous = history[asked[-1]].content
    earlier = history[: asked[-1]]
    searched = standalone_query(previous, earlier) if refers_back(previous) else previous
    message = resolve_people(message, history)
    own = keywords(message)
    carried = [
        word
        for word in _ordered_keywords(searched)
        if not keywords(word) <= own and not any(o.asked.fullmatch(word) for o in OUTCOMES)
    ]
    asking = _asking(message, previous)
    return " ".join([message, *asking, *(word for word in carried if word.lower() not in asking)])


def _asking(message: str, previous: str) -> list[str]:
    """What the previous question asked for, when the message asks nothing of its own: "and by
    the time the emergency was lifted?" after "how many had died ...?" asks how many."""
    asking = _ASKING.match(previous)
    own = _ASKING.match(message)
    if asking is None or not _CONTINUES.match(message) or (own and not _ABOUT.match(message)):
        return []
    return asking.group(1).lower().split()


def _ordered_keywords(text: str) -> list[str]:
    wanted = keywords(text)
    words = (word for word in re.findall(r"[A-Za-z0-9]+", text) if keywords(word) & wanted)
    return list(dict.fromkeys(words))


def subject_person(history: Sequence[Message]) -> str | None:
    """The person the last turn was about: the person a question asks who is ("who is joel
    smithers?"); for another question asking who ("Whom did Joe Biden choose?"), the first
    person its answer names that the question does not; else the first
    person the question names (in lower case too, as its answer writes the name: "bernie
    sanders"), else the first its answer names. A name owning something in the question
    ("Kennedy's assassin") is not its subject."""
    question = next((m.content for m in reversed(history) if m.role == "user"), "")
    reply = next((m for m in reversed(history) if m.role == "assistant"), None)
    answer = reply.content if reply else ""
    lowered = question.lower()
    named = told_people(answer, [source.title for source in reply.sources] if reply else [])
    asked = [
        name
        for name in [*people(question), *_written(named, lowered)]
        if f"{name.lower()}'s" not in lowered
    ]
    told = [name for name in named if name.split()[-1].lower() not in lowered]
    about = _WHO_IS.match(question)
    rest = about["rest"].lower() if about else ""
    if asked and rest.startswith(asked[0].lower()) and _ENDED.match(rest[len(asked[0]) :]):
        return asked[0]  # "who is joel smithers?" is about him, not whom the answer names
    if _ASKS_WHO.match(question):
        return next(iter(told), None)
    return next(iter(asked + told), None)


def told_people(answer: str, titles: Sequence[str]) -> list[str]:
    """The people the answer names, in the order it first mentions them; a person its sources'
    titles name counts where the answer gives only the surname ("Soleimani was arriving", of
    "United States military kills Qasem Soleimani")."""
    first: dict[str, int] = {}
    for name in [*people(answer), *(name for title in titles for name in people(title))]:
        mentions = [
            found.start()
            for form in (name, name.split()[-1])
            for found in [re.search(rf"\b{re.escape(form)}\b", answer)]
            if found
        ]
        if mentions and name not in first:
            first[name] = min(mentions)
    return sorted(first, key=first.__getitem__)


def _written(names: Sequence[str], lowered: str) -> list[str]:
    """The longest ending of two or more words of each name that the lower-cased text holds
    ("Bernie Sanders" of "Vermont Bernie Sanders" in "bernie sanders dropping out")."""
    found = []
    for name in names:
        words = name.split()
        tails = (" ".join(words[start:]) for start in range(len(words) - 1))
        found += [tail for tail in tails if re.search(rf"\b{re.escape(tail.lower())}\b", lowered)][
            :1
        ]
    return found


def people(text: str) -> list[str]:
    """Names of two or three capitalised words in `text`, titles ("Mayor", "President") left
    out, in order; not those of bodies ("Democratic Party", "Supreme Court"), countries
    ("United States", "Saudi Arabia") or places ("in El Paso", "the city of El Paso", "New
    Hampshire")."""
    found = []
    for match in _NAME.finditer(text):
        words = match.group(0).split()
        while words and words[0] in _NOT_NAMES:
            words.pop(0)
        if (
            len(words) >= 2
            and words[0] not in _PLACE_OPENERS
            and not _BODIES & set(words)
            and not NATIONS.keys() & {word.lower() for word in words}
            and not _PLACED.search(text[: match.start()])
        ):
            found.append(" ".join(words))
    return list(dict.fromkeys(found))


def resolve_people(message: str, history: Sequence[Message]) -> str:
    """The message with he/him/his/she/her replaced by the last turn's person ("his body" as
    "Park Won-soon's body"); as it is when there is no such person."""
    if not _PERSON.search(message):
        return message
    name = subject_person(history)
    if name is None:
        return message

    def named(match: re.Match[str]) -> str:
        pronoun = match.group(1).lower()
        after = message[match.end() :].split(maxsplit=1)
        owned = pronoun == "his" or (
            pronoun == "her" and bool(after) and after[0].isalpha() and after[0] not in _LINKS
        )
        return f"{name}'s" if owned else name

    return _PERSON.sub(named, message)


_PERSON = re.compile(r"\b(he|him|his|she|her)\b", re.IGNORECASE)
_ASKS_WHO = re.compile(r"^\s*(who|whom|which)\b", re.IGNORECASE)
_WHO_IS = re.compile(r"^\s*who\s+(?:is|was|'s)\s+(?P<rest>.+)", re.IGNORECASE)
_ENDED = re.compile(r"\s*(?:[,?.!]|and\b|$)")  # the name asked about ends its clause
_WORD = r"[A-Z][a-z]+(?:[-'][A-Za-z][a-z]+)?"
_NAME = re.compile(rf"\b{_WORD}(?:\s+(?:{_WORD}|[A-Z]\.)){{1,3}}")
# Words after "her" that make it an object ("found her in"), not an owner ("her body").
_LINKS = frozenset(
    re.findall(
        r"\w+", "in on at to for with from as and or by after before when while of is was about"
    )
)
# What a place's name follows: "shoppers in El Paso", "the border city of El Paso" (not
# "from": "Senator from Vermont Bernie Sanders").
_PLACED = re.compile(r"\b(?:in|at|near|(?:city|town|village|state|province) of)\s+$")
# Words opening a place's name, not a person's: "Randolph, New Hampshire" is nobody's "he".
_PLACE_OPENERS = frozenset(
    re.findall(
        r"\w+",
        "New San Santa Los Las Saint St Port Fort Mount Lake North South East West Upper Lower",
    )
)
# Words naming a body, not a person: "the Democratic Party" is nobody's "she".
_BODIES = frozenset(
    re.findall(
        r"\w+",
        """Party Committee Court Department Ministry Council Government Agency Union Association
        Company Corporation Corp Inc Group University College School Hospital House Senate
        Congress Parliament Assembly Army Navy Force Forces Police Service Organization
        Organisation Foundation Institute Commission Bank Airlines Airways Motors News Times
        States Kingdom Nations Republic Emirates""",
    )
)
# Capitalised words that open a name without being one: sentence openers, titles, nationalities,
# days and months.
_NOT_NAMES = (
    frozenset(
        re.findall(
            r"\w+",
            """The A An On In At This That Last Yesterday Today Tomorrow What Who Whom Which Why How
        When Where Canadian American British French German Indian Iranian Russian Chinese US
        UK""",
        )
    )
    | {title.capitalize() for title in TITLES}
    | {*calendar.day_name, *calendar.month_name[1:]}
)
