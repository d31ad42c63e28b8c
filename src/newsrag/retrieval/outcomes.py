"""Whether the news found reports the result a question asks about: who won, what sentence, a
verdict, a cause, who succeeded whom, a sum paid, a count of votes or a score.

Coverage from before a result ("Tarrant pleaded guilty", "the fire broke out", "Bolton resigned",
"Fiat intends to buy the stake") names every name of such a question and is found with a high
similarity, yet does not answer it: a question about a result is answered only by a statement of
one (`unreported_outcome`).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from newsrag.retrieval.coverage import MIN_LENGTH, Vocabulary, specific_terms
from newsrag.retrieval.names import described
from newsrag.retrieval.owners import Owner
from newsrag.retrieval.rounds import another_numbered, numbered
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

# Roles a story's people are asked by ("Who was the pilot?"), and how a person's name is written.
_ROLES = (
    "pilot|driver|captain|commander|commanding officer|skipper|gunman|shooter|suspect|attacker|"
    "killer|owner|coach|manager|founder|doctor|judge|surgeon|spokesman|spokeswoman|spokesperson"
)
# What someone in a role does: "who was flying the A380?" asks for its pilot.
_ROLE_VERBS = "flying|piloting|driving|steering|captaining|commanding"
_PERSON = r"[A-Z][a-z]+(?:[- ][A-Z][a-z]+)+"


@dataclass(frozen=True)
class Outcome:
    """A kind of result a question asks about: `asked` finds it in the question, `stated` a
    sentence reporting one."""

    asked: re.Pattern[str]
    stated: re.Pattern[str]
    # Whether a statement of what will happen reports it: "Tim Cook will be succeeding Jobs as
    # CEO" names a successor, "Rittenhouse could be convicted" no verdict.
    decided: bool = False
    # Whether a statement of what will be, not what could be, reports it: "the 4GB model will
    # cost $249" is its price, "Boeing could be fined up to $5m" no fine.
    promised: bool = False
    # Whether a report holds one of the question's other words besides a name: "Hunter died of
    # kidney failure" answers "What was the cause of Robert Hunter's death?" in none of them.
    topical: bool = True
    # Whether a report naming no year but earlier ones than its own tells of the past: "When
    # elected prime minister in 2014" in a 2019 report of his death names no successor.
    recent: bool = False
    # Whether the result is someone's (`retrieval/owners.py`): "How many votes did Hunt get?"
    # is not answered by "He won with 92,153 votes" under "Boris Johnson elected".
    owned: bool = False
    # Whether a report must name the kind of contest asked ("the special election" is not the
    # 2018 midterms nor the one first won in 1996): the word before "election", "primary" ...
    kinded: bool = False


OUTCOMES = (
    Outcome(
        # "the prize won by Wangari Maathai" names a result, and "the already-elected
        # successor" someone by one; neither asks for one.
        re.compile(r"(?<!-)\b(won|win|wins|winner|winners|elected)\b(?!-|\sby\b)", re.IGNORECASE),
        re.compile(
            r"\b(won|wins|winners?|victory|victorious|defeated|defeats|beat|beats|"
            r"champions?|lost|loses|losing|(first|originally|newly) elected|"
            r"(was|were|been|is|are|be|got|get) (\w+ )?(re-?)?elected|re-elected|secured|captured|"
            r"retained|claimed|took (the )?(title|gold|seat|crown|majority)|landslide|"
            r"(medal|title|prize|award|trophy|crown|gold|silver|bronze) (\w+ ){0,2}?went to)\b",
            re.IGNORECASE,
        ),
        kinded=True,
    ),
    Outcome(
        re.compile(
            r"\b(prison|jail) (sentences?|terms?)\b|\bwhat sentences?\b|"
            r"\b(years|months) (in|behind) (prison|jail|bars)\b|"
            r"\bhow long (\w+ ){0,8}?(jailed|imprisoned|locked up|in prison|in jail)\b|"
            r"\bhow (many (years|months)|much time|long) (\w+ ){0,6}?"
            r"(?<!to )(get|got|receive|be given)\b",  # "how many years did X get?"
            re.IGNORECASE,
        ),
        re.compile(
            r"\b(sentenc(ed|es|ing) ([\w.,]+ ){0,9}?to|jailed for|imprisoned for|"
            r"(received|given|handed|serving|serves) "
            r"(a |an )?([\w-]+ ){0,3}(sentences?|terms?))\b",
            re.IGNORECASE,
        ),
    ),
    Outcome(  # a plea, which a report of the plea answers, not one of a verdict
        re.compile(r"\b(plead(s|ed|ing)?|pled|plea)\b", re.I),
        re.compile(r"\b(plead(s|ed|ing)?|pled) (not )?guilty|\bplea\b", re.I),
    ),
    Outcome(
        re.compile(
            r"\b(convict\w*|acquit\w*|verdict|guilty|uph[oe]ld|overturn\w*|sentenced?)\b", re.I
        ),
        re.compile(
            r"\b(found (not )?guilty|pleaded guilty|pled guilty|guilty verdict|convicted|"
            r"acquitted|acquittal|cleared of|sentenced ([\w.,]+ ){0,9}?to|overturn(ed|s)?|upheld|"
            r"upholds|"
            r"reversed|reverses)\b",
            re.IGNORECASE,
        ),
    ),
    Outcome(  # a cause, a finding
        re.compile(
            r"\b(what|which) (\w+ ){0,4}(caused|started|sparked|triggered)\b|\bcauses? of\b|"
            r"\bwhat led to\b|\bdied? (of|from)\s*$",
            re.IGNORECASE,
        ),
        re.compile(
            r"\b(caused by|cause (of \w+ )?(was|is|has been)|blamed (on|for)|attributed to|"
            r"(started|sparked|triggered) by|died (of|from)|due to|because of|"
            r"result(ed)? (of|from)|(concluded|determined|found|ruled) that|"
            r"(originated|started|began) (in|from|with) (an?|the)|traced (back )?to|"
            r"(battle|fight|struggle) with)\b",
            re.IGNORECASE,
        ),
        topical=False,
    ),
    Outcome(  # who came after someone
        re.compile(
            r"\b(succeed(ed|s)?|successor|replaced?|replaces|t(ake|akes|ook) over)\b|"
            r"\bbecame (\S+ ){1,4}after\b|"
            r"\b(got|gets|get|took|take) (his|her|their) (job|post|seat|role)\b|"
            r"\b(name|named|appoint|appointed|pick|picked|choose|chose|nominate|nominated) "
            r"(\w+ ){0,3}?as (his|her|their|its|the) (new|next)\b",
            re.IGNORECASE,
        ),
        re.compile(
            r"\b(succeed(ed|s|ing)?|replac(e|ed|es|ing)|successor|sworn in|"
            r"t(ake|akes|aken|aking|ook) (office|over)|(filled|taken) by|appointed|"
            r"step(s|ped|ping)? into (\S+ ){0,3}(role|shoes|post|job)|"
            r"as (\S+ ){0,2}(acting|interim)|"
            r"(named|chose|picked|nominated) (\w+ ){0,3}(as|to)|"
            r"(was|were|been|is|be) (\w+ ){0,2}(named|chosen|picked|nominated|elected))\b",
            re.IGNORECASE,
        ),
        decided=True,
        recent=True,
    ),
    Outcome(  # who held a role in the story: its name, written beside the role
        re.compile(
            rf"^\s*(who|what) (was|were|is) (the name of )?the (\w+ ){{0,3}}?({_ROLES})\b|"
            rf"^\s*who (was |is )?(\w+ )?({_ROLE_VERBS})\b",
            re.I,
        ),
        re.compile(
            rf"\b({_ROLES}),?\s+([a-z0-9][\w-]* ){{0,3}}{_PERSON}|"
            rf"{_PERSON}, (the |a |an |its |their )?(\w+ ){{0,2}}({_ROLES})\b|"
            rf"\b(owned|run|operated|piloted|flown|driven|captained|commanded) by {_PERSON}"
        ),
        topical=False,
    ),
    Outcome(  # a sum paid, earned or lost
        re.compile(
            r"\bhow much (\S+ ){0,12}?(pay|paid|spend|spent|cost|lose|lost|earn|earned|raise|"
            r"raised|receive|received|sell|sold|buy|bought|fined|charged|awarded)\b|"
            r"\bwhat (exact )?(price|sum|amount|fee|compensation)\b",
            re.IGNORECASE,
        ),
        re.compile(
            r"((US|A|C|NZ|HK)?\$|€|£|¥) ?\d|\b(\d[\d,.]*|one|two|three|four|five|six|seven|"
            r"eight|nine|ten|a|an|hundreds|thousands|millions|billions) ?(hundred |thousand |"
            r"million |billion )?(dollars|euros|pounds|sterling|yen|kronor|krona|kroner|rubles|"
            r"roubles|rupees|rupiah|pesos|reais|yuan|renminbi|francs|rand|lira|shekels|won|baht|"
            r"ringgit|dirhams|riyals|naira|shillings|zloty|forint|dinars)\b|"
            r"\b(undisclosed|unspecified|unknown) (sum|amount|price|fee)\b",
            re.IGNORECASE,
        ),
        promised=True,
    ),
    Outcome(  # a count of votes or seats, a score
        re.compile(
            r"\bhow many (votes|seats|delegates)\b|\b(final )?(score|scoreline|tally)\b|"
            r"\bshare of the vote\b|\bwhat was the (final )?(\w+ )?vote\b",
            re.IGNORECASE,
        ),
        re.compile(
            r"\b\d[\d,.]* ?(votes?|seats?|delegates?|%|percent|per cent)|"
            r"\b\d[\d,]* ?(-|\u2013|-to-|(points? |goals? |runs? |votes? )?to) ?\d+\b",
            re.IGNORECASE,
        ),
        owned=True,
    ),
    Outcome(  # a race's time: "46.92 seconds" in another year's final answers none of 2017's
        re.compile(
            r"\b(winning|finishing|record|race|marathon|personal best) time\b|"
            r"\btime (did|does) (\S+ ){1,4}?(run|clock|finish|record|post|set)\b|"
            r"\b(what|how fast) (was|is) (\S+ ){0,4}?\S+['’]s time\b",
            re.IGNORECASE,
        ),
        re.compile(
            r"\b\d{1,2}:\d\d(:\d\d)?|\b\d+(\.\d+)? ?(seconds|secs?|minutes|mins?|hours|hrs?)\b",
            re.IGNORECASE,
        ),
        owned=True,
    ),
    Outcome(  # a title of the year: the 2019 "Person of the Year" is not 2020's
        re.compile(r"\bof the (year|season|decade)\b", re.IGNORECASE),
        re.compile(r"\bof the (year|season|decade)\b", re.IGNORECASE),
    ),
)
# The thing a question asks for, which a report gives without the word: "in 1981" answers "In
# which year was Conway elected a Fellow?".
_ASKED_THING = re.compile(r"\b(?:what|which)\s+([a-z]+)\b", re.IGNORECASE)
# The word naming the kind of a contest: "special" of "the special election"; not one any
# of a country's contests may be called by ("the federal election" is its general election),
# nor one asking about it ("did he first win election").
_CONTEST_KIND = re.compile(r"\b([a-z]+) (?:election|by-election|primary|race)\b")
_ANY_CONTEST = frozenset(
    re.findall(
        r"\w+",
        """federal general national parliamentary legislative last next first recent latest
        win won wins winning lose lost""",
    )
)
# Words asking whether a result was to be, not what it is about: "who was supposed to take over
# from him?" is answered by "in favor of his elected successor".
_MODAL = frozenset({"supposed", "expected", "meant", "slated", "due", "likely", "going"})
# How many of a question's own words make a statement one about what the question asks, under
# its article's headline, whoever it names first.
SHARED_WORDS = 3
# How long after a year ends its results are still reported ("won the 2019 election" in January).
REPORTING_DAYS = 31
_RELATIVE = re.compile(r"\w\s+(?:that|which)\s+(?:\w+\s+)?$", re.IGNORECASE)
# "If convicted, Rittenhouse could receive ..." reports no result; nor, unless its kind is
# promised ("... will cost $249"), does "... will receive".
_HEDGES = r"if|unless|whether|could|would|might|may|to be|expected"
_HEDGED = re.compile(rf"\b({_HEDGES})\b", re.I)
_UNREALISED = re.compile(rf"\b({_HEDGES}|will|must|should|shall)\b", re.I)
UNREALISED_SPAN = 25


def asked_clause(question: str) -> str:
    """The question's first clause, up to its first question mark: a follow-up searched with
    the earlier question's words after it ("did the driver plead guilty? bikers marine vets")
    asks what its own words ask."""
    return CLAUSE_END.split(question, maxsplit=1)[0].split("?", maxsplit=1)[0]


def asked_outcome(question: str) -> Outcome | None:
    """The kind of result the question's first clause asks about first ("How many seats did
    they win?" asks a count), if any; not one a relative clause gives as background ("the
    exoplanet that won them the Nobel")."""
    clause = asked_clause(question)
    asked = []
    for outcome in OUTCOMES:
        found = outcome.asked.search(clause)
        if found and not _RELATIVE.search(clause[: found.start()]):
            asked.append((found.start(), outcome))
    return min(asked, key=lambda pair: pair[0])[1] if asked else None


def states_outcome(outcome: Outcome, statement: str) -> bool:
    """Whether the statement reports such a result, not one that could or will happen (unless
    what will happen is decided, `Outcome.decided`, or promised, `Outcome.promised`)."""
    return any(
        outcome.decided or realised(statement, found.start(), promised=outcome.promised)
        for found in outcome.stated.finditer(statement)
    )


def realised(statement: str, start: int, *, promised: bool = False) -> bool:
    """Whether what the statement says from `start` on is said as done: no "if", "could",
    "will", "must"... in the UNREALISED_SPAN characters before it (with `promised`, "will" and
    "must" are said as done)."""
    hedge = _HEDGED if promised else _UNREALISED
    return not hedge.search(statement[max(0, start - UNREALISED_SPAN) : start])


def article_texts(evidence: Sequence[Evidence]) -> dict[str, list[str]]:
    """The title and the texts of each article's chunks found, by URL."""
    texts: dict[str, list[str]] = {}
    for item in evidence:
        texts.setdefault(item.chunk.url, [item.chunk.title]).append(item.chunk.text)
    return texts


def clause_names(clause: str, years: set[str], named: Collection[str] = ()) -> list[str]:
    """The names of a question's clause, and those of its lower-case words that are `named`,
    but its years (`years`) and months, the time a result is of, and the words describing a
    maker or a place ("the Detroit automaker", "the Baltic port city"): no names its report
    must hold."""
    other = years | MONTHS.keys() | described(clause)
    written = [term for term in specific_terms(clause) if term not in other]
    lowered = [word for word in re.findall(r"[a-z]+", clause) if word in named]
    return list(dict.fromkeys([*written, *lowered]))


def unreported_outcome(
    question: str, evidence: Sequence[Evidence], named: Collection[str] = ()
) -> bool:
    """Whether the question asks for a result ("Who won the Groom by-election?", "Was X
    convicted?") that no statement of the evidence reports.

    A report is a headline or sentence stating such a result, with one of the question's names
    and one of its other words ("by-election", "impeachment") in it, the sentence before or its
    headline, all the names in its article, and no year but the question's when the question
    names one: coverage from before a vote, or of another year's race, is not a report of it.
    """
    outcome = asked_outcome(question)
    if outcome is None:
        return False
    asked = _Asked.of(asked_clause(question), outcome, named)
    articles = {url: Vocabulary.of(*parts) for url, parts in article_texts(evidence).items()}
    for item in evidence:
        article = articles[item.chunk.url]
        if not all(article.holds(name) for name in asked.names):
            continue
        owner_named = asked.owner is not None and asked.owner.named(article)
        before = ""
        for statement in (item.chunk.title, *split_sentences(item.chunk.text)):
            if states_outcome(outcome, statement) and asked.reported(
                statement,
                before,
                item.chunk.title,
                item.chunk.published_at,
                owner_named=owner_named,
            ):
                return False
            before = statement
    return True


@dataclass(frozen=True)
class _Asked:
    """What a question about a result names: its names, years and other words."""

    names: list[str]
    years: set[str]
    words: set[str]
    numbered: frozenset[tuple[str, int]] = frozenset()
    recent: bool = False
    owner: Owner | None = None
    # Whether the result is told of the headline's subject, whatever the question describes
    # it by: "According to his publicist, Mendez died of Parkinson's disease" answers what
    # "the CIA disguise expert behind the rescue of US diplomats from Iran" died of.
    subject: bool = False
    # The kind of contest asked, which a report must name ("special"; `Outcome.kinded`).
    kinds: frozenset[str] = frozenset()

    @classmethod
    def of(cls, clause: str, outcome: Outcome, named: Collection[str] = ()) -> _Asked:
        """What the clause asks; its lower-case words that are `named` are names its report
        must hold, and words one of which it must hold, as the words of the question."""
        years = set(YEAR.findall(clause))
        found = outcome.asked.search(clause)
        asking = keywords(found.group(0)) if found else set()
        written = clause_names(clause, years)
        thing = {word for match in _ASKED_THING.finditer(clause) for word in keywords(match[1])}
        thing -= asking  # "What sentence did X get?" is answered by "sentenced"
        words = {
            word
            for word in keywords(clause)
            if len(word) >= MIN_LENGTH
            and word not in thing
            and word not in written
            and word not in {singular(name) for name in written}  # "Corps", kept as "corp"
            and word not in MONTHS
            and not word.isdigit()
            and not outcome.asked.fullmatch(word)
            and word not in _MODAL
        }
        # "How much did GM lose?": no other word than the asking ones, which a report words
        # its own way ("GM reported losing US$4.8 billion").
        topical = set() if words <= asking or not outcome.topical else words
        names = clause_names(clause, years, named)
        owner = Owner.of(clause) if outcome.owned else None
        kinds = frozenset(
            word
            for word in (_CONTEST_KIND.findall(clause) if outcome.kinded else [])
            if word not in STOPWORDS and word not in _ANY_CONTEST
        )
        return cls(
            names,
            years,
            topical,
            numbered(clause),
            outcome.recent,
            owner,
            not outcome.topical,
            kinds,
        )

    def reported(
        self,
        statement: str,
        before: str,
        title: str,
        published: datetime | None = None,
        *,
        owner_named: bool = False,
    ) -> bool:
        """Whether a statement of a result is about these names, words and year: the year it
        names, or, naming none, the year it was published in (or, for REPORTING_DAYS, the one
        before) or one its headline names; for a `recent` result asked of no year, not only
        years before its report's; when its article names the result's owner as the question
        does (`owner_named`), that one's."""
        stated_years = set(YEAR.findall(statement))
        reported = (published - timedelta(days=REPORTING_DAYS)).year if published else None
        if not stated_years and published is not None:
            stated_years = {str(published.year), str(reported), *YEAR.findall(title)}
        if self.years and stated_years and not stated_years & self.years:
            return False
        earlier = bool(stated_years) and max(int(year) for year in stated_years) < (reported or 0)
        if self.recent and not self.years and earlier:
            return False  # "When elected prime minister in 2014" in a 2019 report
        if another_numbered(self.numbered, numbered(statement) or numbered(title)):
            return False  # "Round 4" does not report round 3's score
        if self.owner and owner_named and not self.owner.stated(statement, title):
            return False
        # "He was given a two-year suspended sentence." and "Chirac was convicted of
        # corruption": who "he" or Chirac is ("Former president of France"), the headline says;
        # and what "Chelyabinsk's governor has promised each victim" is about, when it holds
        # SHARED_WORDS of the question's own words ("governor", "promise", "victim")
        said = Vocabulary.of(statement)
        subject = bool(ANAPHORIC.match(statement) or _headline_subject(statement, title))
        about = subject or sum(map(said.holds, self.words)) >= SHARED_WORDS
        near = Vocabulary.of(before, statement, title if about else "")
        around = Vocabulary.of(before, statement, title)
        named = any(near.holds(name) for name in self.names) or (self.subject and subject)
        return (
            (not self.names or named)
            and (not self.words or any(around.holds(word) for word in self.words))
            and all(map(around.holds, self.kinds))
        )


def _headline_subject(statement: str, title: str) -> bool:
    """Whether the statement names someone its article's headline names, opening with the
    name or after a clause ("According to his publicist, Mendez died of ...")."""
    for name in re.finditer(r"(?:^|,\s+)([A-Z][a-z]+)", statement):
        if name[1].lower() not in STOPWORDS and re.search(rf"\b{name[1]}\b", title):
            return True
    return False
