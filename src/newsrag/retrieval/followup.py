"""Follow-ups read with the previous turn: the articles its answer cited are candidates for the
follow-up, and "what happened next?" is the next article in time on the same story. A question
about a result that the articles found do not report is read the same way: the next article on
the story that reports it.

The cited articles come first when they match the next message about as well as the best
article found (within FOLLOW_UP_MARGIN of its similarity): "What was his job there?" is about the
story just told. Otherwise a follow-up keeps them as later candidates. For "what happened
next?", the articles published after the cited one and matching the story as well (same margin)
are taken oldest first; for "how many died in the end?", the newest of them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from newsrag.models import RetrievedChunk, Source
from newsrag.retrieval.coverage import chunk_vocabulary, specific_terms
from newsrag.retrieval.events import unreported
from newsrag.retrieval.query import is_follow_up, names_nothing, refers_back
from newsrag.retrieval.search import Retriever, SearchRequest
from newsrag.retrieval.select import Evidence, first_article
from newsrag.text import split_sentences

FOLLOW_UP_MARGIN = 0.1
# A message naming nothing is a new question when the previous answer's articles match it less
# well than its own best article by more than this: on the training follow-ups the gap was at
# most 0.14, on new questions after a conversation at least 0.40.
NEW_TOPIC_MARGIN = 0.25
# ... and when its own best article matches it at least this well: "how many people were on
# board?" after the downing of a jet finds a boat fire at 0.40, no story of its own.
NEW_TOPIC_MATCH = 0.5
SAID_WORDS = 8
_WORD = re.compile(r"[a-z0-9]+")
_NEXT = re.compile(
    r"\b(what happened next|what happened after(?:wards| that)?|what came next|what followed|"
    r"after that|since then|afterwards|"
    r"how did (?:it|that|this|things|the (?:whole )?\w+) (?:end|turn out|play out))\b",
    re.IGNORECASE,
)


_END = re.compile(r"\b(in the end|at the end|eventually|ultimately|finally)\b", re.IGNORECASE)


def asks_what_next(message: str) -> bool:
    """Whether the message asks what happened next (`_NEXT`) or in the end (`asks_the_end`)."""
    return bool(_NEXT.search(message)) or asks_the_end(message)


def asks_the_end(message: str) -> bool:
    """Whether the message asks how the story ended: "how many died in the end?"."""
    return bool(_END.search(message))


def follow_up_chunks(
    retriever: Retriever,
    request: SearchRequest,
    message: str,
    before: Sequence[Source],
    found: list[RetrievedChunk],
) -> list[RetrievedChunk]:
    """`found` with the articles the previous answer cited (`before`; or, for "what happened
    next?", the next article on the story) among them, as the module's docstring says. A
    message that is no follow-up by its words ("How many were on board?") gets them only
    first, when they match it as well."""
    if not before:
        return found
    follow_up = is_follow_up(message)
    own = retriever.article_chunks([source.url for source in before], request.query)
    if follow_up and asks_what_next(message):
        story = max((chunk.score for chunk in own), default=None)
        later = _next_in_story(retriever, request, before[0], story, asks_the_end(message))
        if later:
            return _first(later, found)
    best = max((chunk.score for chunk in found), default=0.0)
    if own and (own[0].score >= best - FOLLOW_UP_MARGIN or names_told(message, own, found)):
        return _first(own, found)
    return _first(found, own) if follow_up else found


def names_told(
    message: str, told: Sequence[RetrievedChunk], found: Sequence[RetrievedChunk] = ()
) -> bool:
    """Whether the message names only what the story `told` names, and the best article
    `found` does not name it all: "What did Queloz and Mayor discover?" after the Nobel Prize
    they shared is about that story, not about a mayor."""
    names = specific_terms(message)
    if not names or not told:
        return False
    story = chunk_vocabulary(told)
    best = first_article(found)
    other = chunk_vocabulary(best) if best else None
    return all(map(story.holds, names)) and not (other and all(map(other.holds, names)))


def new_topic(retriever: Retriever, asked: SearchRequest, before: Sequence[Source]) -> bool:
    """Whether a message (`asked.query`, searched as asked) that leans on the conversation only
    by naming nothing ("how many died in the hotel fire in new delhi?") starts a new topic:
    its best article is one the previous answer (`before`) did not cite, and the cited ones
    match it less well by more than NEW_TOPIC_MARGIN."""
    message = asked.query
    if not before or not names_nothing(message) or refers_back(message):
        return False
    found = retriever.search(asked)
    if not found or found[0].url in {source.url for source in before}:
        return False
    if found[0].score < NEW_TOPIC_MATCH:
        return False
    own = retriever.article_chunks([source.url for source in before], message)
    return not own or own[0].score < found[0].score - NEW_TOPIC_MARGIN


def _next_in_story(
    retriever: Retriever,
    request: SearchRequest,
    before: Source,
    story: float | None = None,
    last: bool = False,
) -> list[RetrievedChunk]:
    """The chunks of the first (or the `last`) article published after `before` that matches
    the story: within FOLLOW_UP_MARGIN of the best later article's similarity and, when the
    cited articles' own best similarity (`story`) is known, of theirs."""
    if before.published_at is None:
        return []
    later = _later_in_story(retriever, request, before.published_at)
    if story is not None:
        later = [
            chunks for chunks in later if max(c.score for c in chunks) >= story - FOLLOW_UP_MARGIN
        ]
    return (later[-1] if last else later[0]) if later else []


def _later_in_story(
    retriever: Retriever, request: SearchRequest, after: datetime, score: float | None = None
) -> list[list[RetrievedChunk]]:
    """The chunks of each article published after the day of `after` that matches the story
    (within FOLLOW_UP_MARGIN of `score`, by default of the best of them), oldest first."""
    start = after.date() + timedelta(days=1)
    later = retriever.search(
        replace(request, filters=request.filters.within(start, None), recent=False)
    )
    best = max((chunk.score for chunk in later), default=0.0) if score is None else score
    story = [c for c in later if c.score >= best - FOLLOW_UP_MARGIN and c.published_at]
    oldest = sorted(story, key=lambda c: (c.published_at or after, -c.score))
    articles = dict.fromkeys(chunk.article_id for chunk in oldest)
    return [[chunk for chunk in later if chunk.article_id == article] for article in articles]


def _first(leading: list[RetrievedChunk], rest: list[RetrievedChunk]) -> list[RetrievedChunk]:
    """`leading`, then the chunks of `rest` from other articles."""
    articles = {chunk.article_id for chunk in leading}
    return leading + [chunk for chunk in rest if chunk.article_id not in articles]


def outcome_chunks(
    retriever: Retriever, request: SearchRequest, found: list[RetrievedChunk]
) -> list[RetrievedChunk]:
    """`found`, or, when the question asks for a result ("Who won ...?", "Was X convicted?")
    that none of it reports, the chunks of the first article published after the best one on
    the same story (within FOLLOW_UP_MARGIN of its similarity) that reports it, first: coverage
    from before a vote does not answer who won it."""
    if not found or not unreported(request.query, _evidence(found)):
        return found
    best = found[0]
    if best.published_at is None:
        return found
    for chunks in _later_in_story(retriever, request, best.published_at, best.score):
        if not unreported(request.query, _evidence(chunks)):
            return _first(chunks, found)
    return found


def _newest(evidence: Sequence[Evidence]) -> str:
    """The URL of the article published last (the first of those undated)."""
    return max(
        evidence, key=lambda item: item.chunk.published_at or datetime.min.replace(tzinfo=UTC)
    ).chunk.url


def _evidence(chunks: Sequence[RetrievedChunk]) -> list[Evidence]:
    return [Evidence(1, chunk) for chunk in chunks]


def unsaid(
    question: str,
    evidence: Sequence[Evidence],
    said: Sequence[str],
    cited: Sequence[Source] = (),
) -> list[Evidence]:
    """For "what happened next?", the evidence without the sentences the conversation's
    answers (`said`) already gave: what is new, not the story's recap; and when a later article
    on the story leads the sources, without the articles the previous answer cited (`cited`). A
    sentence counts as given when its first SAID_WORDS words are in an answer; when nothing
    else is left, or for another question, the evidence is kept whole. For "how many died in
    the end?" after an answer, only the newest of the cited articles and the leading one."""
    if not asks_what_next(question):
        return list(evidence)
    before = {source.url for source in cited}
    leading = min(evidence, key=lambda item: item.n, default=None)
    if leading is not None and before and asks_the_end(question):
        story = [item for item in evidence if item.chunk.url in before or item.n == leading.n]
        last = _newest(story)
        return [item for item in evidence if item.chunk.url == last]
    start = cited[0].published_at.date() if cited and cited[0].published_at else None

    def told(item: Evidence) -> bool:  # cited, and not a later article the answer cited too
        day = item.chunk.published_at.date() if item.chunk.published_at else None
        return item.chunk.url in before and not (start and day and day > start)

    later = leading is not None and not told(leading)
    new = [item for item in evidence if not (later and told(item))]
    given = f" {' '.join(_words(text) for text in said)} "
    if not given.strip():
        return new
    fresh = []
    for item in new:
        kept = [
            sentence
            for sentence in split_sentences(item.chunk.text)
            if f" {_words(sentence, SAID_WORDS)} " not in given
        ]
        if kept:
            fresh.append(Evidence(item.n, replace(item.chunk, text=" ".join(kept))))
    return fresh or new


def _words(text: str, limit: int | None = None) -> str:
    return " ".join(_WORD.findall(text.lower())[:limit])
