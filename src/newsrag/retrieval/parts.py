"""Two-part questions, searched and answered part by part so that the answer's sources hold an
article for each part and the answer a sentence for each.

Three forms are told apart by their words: a choice ("Which was larger, A or B?", "How many
died in A versus B?", "Was A deadlier than B?"), a span ("How long was it between A and B?")
and two questions in one ("Where was A taken, and what did B say?"; "How old was A when B
happened?"). The second of two questions in one ("and what poison was used?"), and a part that
refers back ("its first delivery"), carries the other part's names, but not its time. A question
about two things in words none of the forms knows is searched for each thing its first article
lacks (`search_named_parts`).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from newsrag.models import RetrievedChunk, Source
from newsrag.retrieval.answerability import Signals
from newsrag.retrieval.coverage import Vocabulary, chunk_vocabulary, name_runs, specific_terms
from newsrag.retrieval.names import lower_case_words
from newsrag.retrieval.outcomes import clause_names
from newsrag.retrieval.search import Retriever, SearchRequest
from newsrag.retrieval.select import Evidence, first_article
from newsrag.retrieval.timeparse import MONTHS, parse_time, reporting_lag
from newsrag.text import CLAUSE_END, STOPWORDS, YEAR, keywords

_ASKING = r"(?:which|who|what|whose|where|when|how)\b"
_TAIL = rf"(?:,?\s+and\s+(?:{_ASKING}|by how)[^?]*)?"  # "..., and how far apart were they?"
_CHOICE = re.compile(
    r"^(?P<head>(?:which|who|what|whose|where|did|was|were|is|are|does|do)\b[^,:;]*?)\s*[,:;]\s*"
    rf"(?:either\s+)?(?P<a>[^,;]+?),?\s+or\s+(?P<b>[^?]+?){_TAIL}\s*\??$",
    re.IGNORECASE,
)
# The two sides first, then what is asked of them: "Mugabe vs Chirac - who was older?"
_SIDES_FIRST = re.compile(
    r"^(?P<a>[^,:;?]+?),?\s+(?:vs\.?|versus|or)\s+(?P<b>[^:;?]+?)\s*(?:[,:;]|\s[\u2014\u2013-])\s*"
    rf"(?P<head>{_ASKING}[^?]*?)\s*\??$",
    re.IGNORECASE,
)
# "How much faster was A than B?"
_THAN = re.compile(
    r"^(?P<head>how much (?:\w+er|more|less))\s+(?:was|were|is|are|did)\s+(?P<a>.+?)\s+than\s+"
    r"(?P<b>[^?]+?)\s*\??$",
    re.IGNORECASE,
)
# What "than" compares with when it is no second thing: "more than expected", "than ever".
_NOT_A_NORM = (
    r"(?!(?:expected|anticipated|planned|predicted|forecast|usual|normal|before|ever|"
    r"previously|last \w+|\d+)\b)"
)
# "Did more people die in A than in B?"
_MORE_IN = re.compile(
    r"^(?:did|were|was|are|is)\s+(?P<head>(?:more|fewer|less)\s+\w+(?:\s+\w+)?)\s+"
    r"(?:in|at|on|during|from|with|by)\s+(?P<a>.+?)\s+than\s+"
    rf"(?:in\s+|at\s+|on\s+|during\s+|from\s+|with\s+|by\s+)?{_NOT_A_NORM}(?P<b>[^?]+?)\s*\??$",
    re.IGNORECASE,
)
# "Was A deadlier than B?", "Did A cost more than B?"
_ER_THAN = re.compile(
    r"^(?:was|were|is|are|did|does|do|had|has|have)\s+(?P<a>.+?)\s+"
    rf"(?P<head>\w+er|(?:more|less|fewer)(?:\s+\w+)?)\s+than\s+{_NOT_A_NORM}(?P<b>[^?]+?)\s*\??$",
    re.IGNORECASE,
)
# What a comparison asks after its two things: "compare A with B - how many were on each?"
_ASKED_AFTER = rf"(?:\s*(?:[,:;]|\s[\u2014\u2013-])\s*(?P<ask>{_ASKING}[^?]*?))?"
# "Compare the death tolls of A and B", "How did A compare with B?"
_COMPARE = re.compile(
    r"^(?P<head>compare\s+(?:the\s+[\w\s'-]+?\s+(?:of|in|for|from)\s+)?)(?P<a>.+?)\s+"
    rf"(?:and|with|to)\s+(?P<b>[^?]+?){_ASKED_AFTER}\s*\??$",
    re.IGNORECASE,
)
_COMPARED = re.compile(
    r"^(?P<head>how (?:does|did|do))\s+(?P<a>.+?)\s+compare (?:with|to)\s+(?P<b>[^?]+?)\s*\??$",
    re.IGNORECASE,
)
# "Did A happen before or after B?"
_ORDER = re.compile(
    r"^(?P<head>did|was|were|had|is|are)\s+(?P<a>.+?)\s+(?:before or after|after or before)\s+"
    r"(?P<b>[^?]+?)\s*\??$",
    re.IGNORECASE,
)
_BETWEEN = re.compile(
    r"^(?P<head>.*?)\bbetween\s+(?P<a>.+?)\s+and\s+(?P<b>[^?]+?)\s*\??$", re.IGNORECASE
)
_AFTER = re.compile(
    r"^(?P<head>(?:roughly |about )?how (?:long|many \w+|much time|soon))\s+(?:after|before)\s+"
    r"(?P<a>.+)\s+(?:did|was|were|had|would)\s+(?P<b>[^?]+?)\s*\??$",
    re.IGNORECASE,
)
_VERSUS = re.compile(
    r"^(?P<head>(?:.*?(?:[,:]|\b(?:on|in|at|of|from|for|during|to|by|with|about))\s+)?)"
    r"(?P<a>(?:the|a|an)\s[^,:;?]+?),?\s+"
    r"(?:vs\.?|versus|compared (?:to|with))\s+"
    r"(?P<b>(?:the|a|an)\s(?:(?!\s[\u2014\u2013-]\s)[^?])+?)\s*\??$",  # B ends the question
    re.IGNORECASE,
)
# "How old was A when B happened?": A's age, and when B happened (another story, unless B
# refers back to A or names A: "when they put him under house arrest", "when Munk died").
_AGE_WHEN = re.compile(
    r"^(?P<head>how old (?:was|were|is))\s+(?P<a>.+?)\s+when\s+(?P<b>[^?]+?)\s*\??$",
    re.IGNORECASE,
)
_BACK = re.compile(
    r"(?:its|it|their|they|he|she|him|his|her|the same|that|this|(?:the \w+ )?one)\b", re.IGNORECASE
)
# A second question after the first one's question mark: "did they find the recorder? where
# was it?" (asked as such, with its own question mark, not a follow-up's carried words).
_NEXT_QUESTION = re.compile(
    r"\?\s+(?=(?:what|how|who|whom|which|when|where|why|did|does|do|was|were|is|are)\b)",
    re.IGNORECASE,
)
# One question asked of two things of two years: "where were the attackers in the 2019 paris
# stabbing and the 2020 reading stabbing from?"
_DATED_PAIR = re.compile(
    r"^(?P<head>.*?)\b(?P<a>(?:the\s+)?(?P<first>(?:19|20)\d\d)\s+[^?]+?)\s+and\s+"
    r"(?P<b>(?:the\s+)?(?P<second>(?:19|20)\d\d)\s+[^?]+?)\s*\??$",
    re.IGNORECASE,
)
# Words by which a question may ask about two things at once, in a form none of those above
# knows: "Was the Magnitogorsk collapse deadlier than the Karol Bagh fire?"
TWO_THINGS = re.compile(
    r"\b(?:and|both|than|versus|vs|compared?|before|after|between|same|or)\b", re.IGNORECASE
)
MIN_PART_WORDS = 2
# How many of a part's first chunks may hold its most similar article (`closest_first`).
CLOSEST = 10


# How the parts relate: one of two things compared ("Which was larger, A or B?"), the two ends
# of a span of time ("How long between A and B?", "How long after A did B?"), or two questions.
Kind = Literal["choice", "span", "clauses"]


@dataclass(frozen=True)
class Part:
    """One part of a two-part question: `query` to search it with, `subject` what it asks
    about ("the Scripps oceanographer Walter Munk" of "Which was older, ..., or ...?")."""

    query: str
    subject: str
    kind: Kind = "clauses"


def question_parts(question: str) -> list[Part]:
    """The question's two parts, or none when it is one question. The words a follow-up is
    searched with after its own ("how long did that guy last, and who ended up as governor?
    sworn puerto rico") go with each part."""
    question, carried = _carried_words(" ".join(question.split()))
    parts = _two_parts(question, carried)
    return [replace(part, query=f"{part.query} {carried}") for part in parts] if carried else parts


def _carried_words(question: str) -> tuple[str, str]:
    """The question up to its last question mark, and the words after it when they are a
    follow-up's carried key terms (no common word first, as "and who won B" has)."""
    own, mark, tail = question.rpartition("?")
    words = tail.split()
    if not mark or not words or words[0].lower() in STOPWORDS:
        return question, ""
    return f"{own}?", tail.strip()


def _two_parts(question: str, carried: str = "") -> list[Part]:
    forms: tuple[tuple[re.Pattern[str], Kind], ...] = (
        (_CHOICE, "choice"),
        (_SIDES_FIRST, "choice"),
        (_ORDER, "span"),
        (_THAN, "choice"),
        (_MORE_IN, "choice"),
        (_ER_THAN, "choice"),
        (_COMPARE, "choice"),
        (_COMPARED, "choice"),
        (_BETWEEN, "span"),
        (_AFTER, "span"),
        (_VERSUS, "choice"),
    )
    aged = _AGE_WHEN.match(question)
    if aged and not _BACK.match(aged["b"]) and not keywords(aged["a"]) & keywords(aged["b"]):
        first, second = aged["a"].strip(), aged["b"].strip()
        return _parts([Part(f"{aged['head']} {first}", first), Part(f"when {second}", second)])
    for form, kind in forms:
        found = form.match(question)
        if found:
            head = (found.groupdict().get("ask") or found["head"]).strip()
            first = found["a"].strip()
            second = _carried(found["b"], first) if _BACK.match(found["b"]) else found["b"]
            return _parts(
                [Part(f"{head} {first}", first, kind), Part(f"{head} {second}", second, kind)]
            )
    pieces = CLAUSE_END.split(question, maxsplit=1)
    if len(pieces) == 1 and question.rstrip().endswith("?"):
        pieces = _NEXT_QUESTION.split(question, maxsplit=1)
    if len(pieces) == 2:
        first, second = (piece.strip(" ,?") for piece in pieces)
        second = _carried(second, first)
        return _parts([Part(first, first), Part(second, second)], carried)
    dated = _DATED_PAIR.match(question)
    if dated and dated["first"] != dated["second"]:
        head, first, second = dated["head"].strip(), dated["a"].strip(), dated["b"].strip()
        return _parts(
            [Part(f"{head} {first}", first, "choice"), Part(f"{head} {second}", second, "choice")]
        )
    return []


def _carried(part: str, other: str) -> str:
    """`part` with the names of `other` that it lacks ("its first delivery" and "A380"); not
    its time, which the part names for itself or not at all; none when the two name different
    years, being of two stories ("the 2004 brawl" and "its 2020 season")."""
    years, others = set(YEAR.findall(part)), set(YEAR.findall(other))
    if years and others and not years & others:
        return part
    names = [
        name
        for name in specific_terms(other)
        if name not in part.lower() and not name.isdigit() and name not in MONTHS
    ]
    return f"{part} {' '.join(names)}".strip()


def _parts(parts: list[Part], carried: str = "") -> list[Part]:
    """The parts when each names something (with a follow-up's `carried` words) and they
    differ, else none."""
    words = [keywords(f"{part.query} {carried}") for part in parts]
    if any(len(found) < MIN_PART_WORDS for found in words) or words[0] == words[1]:
        return []
    return parts


def search_parts(
    retriever: Retriever, request: SearchRequest, parts: Sequence[Part], *, timed: bool = True
) -> list[list[RetrievedChunk]]:
    """Each part searched on its own within the request's filters, and when `timed` in the
    time it names (if any)."""
    found = []
    names = [
        {name for name in specific_terms(part.query) if not YEAR.fullmatch(name)} - MONTHS.keys()
        for part in parts
    ]
    for index, part in enumerate(parts):
        window = parse_time(part.query, request.as_of) if timed and request.as_of else None
        wanted = request.filters
        if window is not None and not window.recent:
            end = window.end + reporting_lag(window) if window.end else None
            wanted = wanted.within(window.start, end)
        chunks = retriever.search(replace(request, query=part.query, filters=wanted))
        others = set().union(*(other for at, other in enumerate(names) if at != index))
        found.append(closest_first(chunks, names[index] - others))
    return found


def search_named_parts(
    retriever: Retriever, request: SearchRequest, found: Sequence[RetrievedChunk]
) -> list[list[RetrievedChunk]]:
    """For a question asking about two things in words no form knows, when the first article
    `found` holds only some of the things it names apart ("magnitogorsk", "jolo"): the question
    searched again (with the `request`'s filters: the caller's, without the time the question
    names, which may be one thing's alone) without the names that article holds, and for each
    thing it lacks, the first article among that search's first CLOSEST chunks that names it
    (its chunks first)."""
    question = request.query
    if not found or not TWO_THINGS.search(question):
        return []
    # its first word too, and names the store writes but once ("jolo")
    named = retriever.proper_names(lower_case_words(question.lower()), seen=1)
    runs = name_runs(question, {*clause_names(question, set(YEAR.findall(question))), *named})
    lacking = lacking_things(runs, chunk_vocabulary(first_article(found)))
    if not lacking:
        return []
    told = {word for run in runs if run not in lacking for word in run}
    query = " ".join(word for word in question.split() if not keywords(word) & told)
    chunks = retriever.search(replace(request, query=query))
    articles: dict[int, list[RetrievedChunk]] = {}
    for chunk in chunks[:CLOSEST]:
        if chunk.article_id != found[0].article_id:
            articles.setdefault(chunk.article_id, []).append(chunk)
    vocabularies = {article: chunk_vocabulary(own) for article, own in articles.items()}
    each = []
    for run in lacking:
        article = naming(run, vocabularies)
        if article is not None:
            each.append(
                [c for c in chunks if c.article_id == article]
                + [c for c in chunks if c.article_id != article]
            )
    return each


def lacking_things(runs: Sequence[list[str]], first: Vocabulary) -> list[list[str]]:
    """The things a question names apart (`runs`, as `name_runs` groups them) that its first
    article's words (`first`) lack, when it names two or more and the article holds some of
    them; else none."""
    lacking = [run for run in runs if not any(map(first.holds, run))]
    return lacking if len(runs) >= 2 and len(lacking) < len(runs) else []


def naming(run: Sequence[str], articles: Mapping[int, Vocabulary]) -> int | None:
    """The first of the `articles` (their words, by id) holding every word of the thing `run`
    names, if any."""
    return next((key for key, words in articles.items() if all(map(words.holds, run))), None)


def closest_first(
    chunks: Sequence[RetrievedChunk], own: Collection[str] = ()
) -> list[RetrievedChunk]:
    """The chunks with those of the article most similar to the part (the best cosine among
    the first CLOSEST chunks) first. A part's words shared with the whole question ("Which
    paid more money, ...") can rank the other part's article first by words alone. When
    some of those chunks hold every name the part alone gives (`own`: "51 Pegasi b" of "Which
    exoplanet is farther from Earth, K2-18b or 51 Pegasi b?"), the best of them: an article
    about exoplanets in general is closer to the words than the one naming the planet."""
    if not chunks:
        return []
    closest = list(chunks[:CLOSEST])
    naming = [chunk for chunk in closest if own and all(map(chunk_vocabulary([chunk]).holds, own))]
    best = max(naming or closest, key=lambda chunk: chunk.score).article_id
    return [c for c in chunks if c.article_id == best] + [c for c in chunks if c.article_id != best]


def with_parts(
    found: Sequence[RetrievedChunk], each: Sequence[Sequence[RetrievedChunk]]
) -> list[RetrievedChunk]:
    """`found` with the best article of each part (its chunks found for the part) right after
    the first article; the other articles keep their order."""
    first = first_article(found)
    placed = {chunk.article_id for chunk in first}
    added: list[RetrievedChunk] = []
    for chunks in each:
        if chunks and chunks[0].article_id not in placed:
            placed.add(chunks[0].article_id)
            added += [chunk for chunk in chunks if chunk.article_id == chunks[0].article_id]
    return first + added + [chunk for chunk in found if chunk.article_id not in placed]


def parts_answerable(
    parts: Sequence[Part],
    each: Sequence[Sequence[RetrievedChunk]],
    sources: Sequence[Source],
    evidence: Sequence[Evidence],
) -> bool:
    """Whether every part is answerable from the article its own search found first: the
    part's subject weighed against that source alone."""
    if not parts:
        return False
    for part, chunks in zip(parts, each, strict=True):
        source = next((s for s in sources if chunks and s.url == chunks[0].url), None)
        if source is None:
            return False
        own = [item for item in evidence if item.n == source.n]
        if not Signals.of(part.subject, [source], own).answerable:
            return False
    return True
