"""What kind of thing a question asks for, and whether a sentence holds one.

"How long did the flight take?" wants a duration: "The journey took 22 minutes" answers it,
while the lead sentence that repeats the question's words does not. Each kind pairs a pattern
for the question with a pattern for the answer; a question may ask for several kinds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from newsrag.retrieval.coverage import STEM
from newsrag.retrieval.nations import NATIONS
from newsrag.retrieval.outcomes import Outcome, asked_outcome, states_outcome
from newsrag.text import STOPWORDS

_NUMBER_WORDS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    "fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|"
    "eighty|ninety|hundred|thousand|million|billion|trillion|dozen|half"
)
_AMOUNT = rf"(?:\d[\d,.]*|(?:an?|{_NUMBER_WORDS})(?:[- ](?:{_NUMBER_WORDS}))*)"
_COUNT = rf"(?:\d[\d,.]*|(?:{_NUMBER_WORDS})(?:[- ](?:{_NUMBER_WORDS}))*)"  # not "a few"
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_DAYS = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
_I = re.IGNORECASE
# How a sentence states a cause: "died of", "caused by", "due to".
_CAUSED = (
    r"\b(caused by|because|due to|died (of|from)|poisoning|as a result|result(ed)? "
    r"(of|from|in)|blamed|owing to|complications|disease|cancer|heart attack|cardiac arrest)\b"
)
# A sentence naming someone new, or stating the result asked about, for a question asking who
# won (or succeeded, ...): most likely, but less so than one doing both.
PARTLY = 0.7


@dataclass(frozen=True)
class AnswerKind:
    """A kind of answer: `asked` finds the question asking for it, `found` an answer of it."""

    name: str
    asked: re.Pattern[str]
    found: re.Pattern[str]
    # Whether an answer is only one naming what the question does not (its `name` group).
    new: bool = False

    def answered(self, question: str, sentence: str) -> bool:
        """Whether the sentence holds an answer of this kind to the question."""
        return any(
            not self.new or found["name"].lower() not in question.lower()
            for found in self.found.finditer(sentence)
        )


KINDS = (
    AnswerKind(
        "duration",
        re.compile(r"\bhow long\b|\bfor how many (seconds|minutes|hours|days|weeks|months)", _I),
        re.compile(
            rf"\b{_AMOUNT}[- ]?(seconds?|minutes?|hours?|days?|weeks?|months?|years?)\b", _I
        ),
    ),
    AnswerKind(
        "age",
        re.compile(
            r"\bhow old\b|\b(what|which) age\b|\bage(d)? (was|is|did)\b|"
            r"\b(older|younger|oldest|youngest|lived longer)\b",
            _I,
        ),
        re.compile(
            rf"\b{_AMOUNT}[- ]years?[- ]old\b|\baged? (of )?{_AMOUNT}\b|, \d{{1,3}},|"
            r"\b\d{1,3} years of age\b|\b(was|is) \d{1,3}(?=\s*[.;]|$)",  # "... Hagan was 66."
            _I,
        ),
    ),
    AnswerKind(
        "toll",
        re.compile(
            r"\b(deadlier|deadliest|death tolls?|killed more|more (people )?(died|dead|deaths)|"
            r"how many (people |lives )?(had |have )?lost|"
            r"how many (\w+ ){0,3}?(died|dead|killed|deaths|fatalities))\b|"
            r"\b(died|dead|killed|deaths)\b[^?]*\bhow many\s*\?",  # "... died too, how many?"
            _I,
        ),
        re.compile(
            rf"\b{_AMOUNT}\s+(\w+\s+){{0,5}}?(dead|died|killed|deaths|fatalities|lost their lives)|"
            rf"\b(kill(s|ed|ing)?|death toll (\w+ ){{0,3}}?(to|at|of|is|was))\s+"
            rf"(at least |more than |over |about |nearly |some )?{_AMOUNT}\b",
            _I,
        ),
    ),
    AnswerKind(
        "speed",
        re.compile(r"\bhow fast\b|\b(faster|slower|stronger winds?|wind ?speeds?|top speed)\b", _I),
        re.compile(
            r"\b\d[\d,.]*\s?(mph|km/h|kph|kmh|knots|(miles|kilometres|kilometers) (per|an) hour)\b",
            _I,
        ),
    ),
    AnswerKind(
        "money",
        re.compile(
            r"\bhow much\b.*\b(pay|paid|paying|cost|costs|price|worth|spend|spent|debt|profit|"
            r"money|revenue|fine|fined|raise|raised|fund|funding|sell|sold|buy|bought|earn|earned|owe|"
            r"loss|lose|lost|value|deal|acquire|offer|offered|bid)\w*\b|"
            r"\bwhat (price|amount|sum|cost|fine|debt|profit|revenue|value|valuation|fee)\b|"
            r"\b(bigger|biggest|larger|largest|costlier|pricier|more expensive) (deal|contract|"
            r"takeover|acquisition|purchase|merger|sale|bailout|settlement)\b|"
            r"\b(cost|costs|paid|pay|worth|sold for|spent) (more|less)\b|"
            r"\b(costlier|pricier|cheaper|more expensive|less expensive)\b",
            _I,
        ),
        re.compile(
            r"[$£€¥]\s?\d|\b\d[\d,.]*\s?(bn|m|mn)\b|\b(dollars?|pounds|euros?|yen|yuan|rupees?|"
            r"francs?|kronor|krona)\b|\b(US|A|C|NZ|HK)\$",
            _I,
        ),
    ),
    AnswerKind(
        "share",
        re.compile(
            r"\bwhat (share|percentage|proportion|percent|fraction)\b|\bhow much of\b|"
            r"\bwhat per ?cent\b|\bhow many per ?cent\b",
            _I,
        ),
        re.compile(r"%|\bper ?cent\b|\bpercentage points?\b|\bone in \w+\b|\bhalf\b", _I),
    ),
    AnswerKind(
        "clock",
        re.compile(
            r"\bwhat (\w+ ){0,2}times?\b|\b(winning|finishing|record|race|fastest|best) times?\b",
            _I,
        ),
        re.compile(
            r"\b\d+[.:]\d+\s?(seconds|secs?|s)\b|\b\d{1,2}:\d\d(:\d\d)?\b|"
            r"\b\d{1,2}\s?(a\.m\.|p\.m\.|am|pm)\b|\bUTC\b|\bin \d+ (hours?|minutes?)\b",
            _I,
        ),
    ),
    AnswerKind(
        "date",
        re.compile(
            r"^\s*when\b|\b(what|which|in what) (year|month|day|date)\b|\bsince when\b|"
            r"\bbetween\b.+\band\b|\bcame first\b|\b(happened|was|came) (earlier|sooner)\b|"
            r"\bborn (first|earlier|later)\b",
            _I,
        ),
        re.compile(
            rf"\b({_MONTHS})\b|\b(1[89]|20)\d\d\b|"
            rf"\b({_DAYS}|yesterday|today|tomorrow|last (week|month|year))\b|"
            rf"\b(in|after|within) {_AMOUNT} (years?|months?|weeks?|days?)\b",  # "in 25 years"
            _I,
        ),
    ),
    AnswerKind(
        "called",
        re.compile(
            r"\b(called|named|nicknamed|dubbed)\s*\??\s*$|"
            r"\bwhat (is|was|were|are) (the |its |his |her |their )(\S+ ){0,6}?(called|named)\b|"
            r"\bwhat (is|was|were|are) (the|its|his|her|their) (nick)?names?\b|"
            r"\bunder what name\b|\b(birth|real|maiden|original|former) names?\b",
            _I,
        ),
        re.compile(
            r"\b(called|named|nicknamed|dubbed|known as|titled|entitled|previously|formerly|"
            r"originally)\s+(the\s+)?[\"“'‘]?[A-Z0-9]|"
            rf"\bborn\s+(?!(?:{_MONTHS})\b)[A-Z]"  # "Ginger Baker was born Peter Edward Baker"
        ),
    ),
    AnswerKind(  # a place the question does not name: "took off at 8:17 a.m. in Sangatte"
        "place",
        re.compile(
            r"^\s*where\b|\bfrom where\b|\bwhere (was|were|is|are|did|does|do|had|has|will)\b|"
            r"\b(which|what) (\w+\s+){0,2}?(city|town|village|region|province|island|port|"
            r"county|airport|hospital|venue)\b",
            _I,
        ),
        re.compile(
            r"\b(in|at|from|near|to|into|outside|off|across)\s+(the\s+)?"
            rf"(?P<name>(?!(?:{_MONTHS}|{_DAYS})\b)[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*)*)"
        ),
        new=True,
    ),
    AnswerKind(
        "hurt",
        re.compile(
            r"\bhow many (\w+ ){0,3}?(were |was |got |had been )?(hurt|injured|wounded)\b", _I
        ),
        re.compile(
            r"\b(injur\w*|hurt|wounded|burns|hospitali[sz]ed|intensive care|critical condition)\b",
            _I,
        ),
    ),
    AnswerKind(
        "fate",
        re.compile(r"\bwhat (happened|has happened|will happen) to\b", _I),
        re.compile(
            r"\b(arrested|charged|convicted|acquitted|sentenced|jailed|imprisoned|died|killed|"
            r"fired|sacked|released|freed|hospitali[sz]ed|injured|resigned|detained|deported|"
            r"extradited|rescued|found (not )?guilty|pleaded|pled|cleared)\b",
            _I,
        ),
    ),
    AnswerKind(
        "reason",
        re.compile(r"^\s*why\b", _I),
        re.compile(
            rf"{_CAUSED}|\b(in order to|so that|over concerns|in response|"
            r"to (reduce|prevent|protect|avoid|stop))\b",
            _I,
        ),
    ),
    AnswerKind(
        "cause",
        re.compile(
            r"\bwhat (\w+ )?(killed|caused|led to|prompted|triggered)\b|\bthe cause\b|"
            r"\bblamed (on|for)\b|\bhow did (\S+ ){1,8}(die|get killed)\b|"
            r"\bdied? (of|from)\s*\??\s*$|\bwhat (illness|disease|condition|ailment)\b",
            _I,
        ),
        re.compile(_CAUSED, _I),
    ),
    AnswerKind(
        "nationality",
        re.compile(
            r"\bwhat nationality\b|\bwhich country (is|was|were|are) (\w+ ){1,4}?from\b|"
            r"\bwhere (is|was|were|are) (\w+ ){1,4}?from\b",
            _I,
        ),
        re.compile(rf"\b(national|citizen|born in|{'|'.join(NATIONS)})\b", _I),
    ),
)
QUANTITY = AnswerKind(
    "quantity",
    re.compile(
        r"\bhow (many|much|far|big|large|tall|fast|often|high|deep|heavy|long|old)\b|"
        r"\bwhat (number|toll|death toll|score|size|distance|speed|rate)\b|"
        r"\b(more|fewer|larger|bigger|higher|greater|deadlier)\b",
        _I,
    ),
    re.compile(rf"\b\d[\d,.]*\b|\b({_NUMBER_WORDS})\b", _I),
)
NAME_ASKED = re.compile(
    r"^\s*(who|whom|whose)\b|\b(by|to|from|for|with) whom\b|"
    r"\bwhich (\w+\s+){0,2}?(company|companies|person|people|man|woman|team|party|country|"
    r"city|town|village|region|province|island|port|firm|group|organi[sz]ation|player|"
    r"candidate|airline|club|nation|state|states|charity|event|"
    r"fundraiser|festival|film|song|band|ship|vessel|aircraft|airport|university|school|"
    r"hospital|court|agency|newspaper|network|brand|movement)\b|"
    # "which planet did they find?": any thing but a time or a quantity someone did something
    # to, unless it is a choice between things named ("which storm did more damage, A or B?")
    r"\bwhich (?![^?]*\bor\b)(?!(?:one|ones|year|years|month|months|day|days|date|time|week|"
    r"decade|century|way|number|amount|percentage|share)\b)[a-z]+(?=\s+(?:did|does|do)\b)",
    _I,
)
_HOW_MANY = re.compile(r"\bhow many\s+([a-z-]+)(?:\s+([a-z-]+))?", _I)
_TIME_UNITS = frozenset(
    ("seconds", "minutes", "hours", "days", "weeks", "months", "years", "decades", "times")
)
# Nouns of people by their endings: spectators, protesters, residents, attendees, fans.
_PERSONS = re.compile(r"(?:ers|ors|ants|ents|ees|ans|ists)$", _I)
_NAME = re.compile(r"(?<!^)(?<![.!?]\s)\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+)*")
# A clause setting the scene before the question proper: "When Kmart agreed to buy Sears, who
# was named chief executive?" asks who, not when.
_SCENE = re.compile(
    r"^\s*(?:when|after|before|while|as|once|since)\b[^,?]*,\s*"
    r"(?=(?:who|whom|whose|what|which|how|where|why|when)\b)",
    _I,
)


def _counted(question: str) -> AnswerKind | None:
    """For "how many X ...?", a number of X: "Around 50,000 people watched" answers "how many
    people showed up?" (the first two words after "how many" may name X: "same-sex couples"),
    and "how many spectators ...?", X being people (`_PERSONS`)."""
    asked = _HOW_MANY.search(question)
    if asked is None:
        return None
    words = [word for word in asked.group(1, 2) if word and word.lower() not in STOPWORDS]
    if not words or words[0].lower() in _TIME_UNITS:  # "how many years apart": a span of time
        return None
    nouns = "|".join(re.escape(word[:STEM]) for word in words)  # "couples" by "coupl"
    if _PERSONS.search(words[0]):  # "Around 50,000 people" answers "how many spectators"
        nouns += "|people|persons"
    found = re.compile(rf"\b{_COUNT}\s+(?:[\w-]+\s+){{0,2}}?(?:{nouns})", _I)
    return AnswerKind("count", re.compile(re.escape(asked.group(0)), _I), found)


def asks_kind(question: str) -> bool:
    """Whether the question asks for a kind of thing `answer_strength` knows."""
    kinds, names, quantity, _ = _asked(question)
    return bool(kinds) or names or quantity


def answer_strength(question: str, sentence: str) -> float:
    """1.0 when the sentence holds an answer of a specific kind the question asks for (a
    duration for "how long", a name the question lacks for "who" asking no such kind: "who was
    older, A or B?" asks for an age of the two it names; a statement of the result a
    question about one asks for: `retrieval/outcomes.py`); PARTLY when it asks who had a result
    and the sentence names someone new or states the result, not both; 0.4 when the question
    asks for a quantity and the sentence merely holds a number; else 0.0."""
    kinds, names, quantity, result = _asked(question)
    if any(kind.answered(question, sentence) for kind in kinds):
        return 1.0
    stated = result is not None and not kinds and states_outcome(result, sentence)
    if names and not kinds:  # "who was older, A or B?" asks an age of the two it names
        asked = question.lower()
        named = any(name.lower() not in asked for name in _NAME.findall(sentence))
        if named and (stated or result is None):  # "Who won?": a winner named as such
            return 1.0
        if named or stated:
            return PARTLY
    elif stated:
        return 1.0
    if quantity and QUANTITY.found.search(sentence):
        return 0.4
    return 0.0


@lru_cache(maxsize=256)
def _asked(question: str) -> tuple[tuple[AnswerKind, ...], bool, bool, Outcome | None]:
    """The kinds the question asks for, whether it asks for a name, whether for a quantity,
    which result (each sentence of the evidence is weighed against the same question); a
    clause setting the scene first is no part of what it asks."""
    question = _SCENE.sub("", question)
    kinds = tuple(kind for kind in KINDS if kind.asked.search(question))
    counted = None if kinds else _counted(question)  # "how many died" asks for a toll
    return (
        (*kinds, *([counted] if counted else [])),
        bool(NAME_ASKED.search(question)),
        bool(QUANTITY.asked.search(question)),
        asked_outcome(question),
    )
