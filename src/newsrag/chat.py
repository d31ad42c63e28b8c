"""The one "ask" code path shared by `POST /api/chat` and `newsrag ask`."""

from __future__ import annotations

import logging
from collections.abc import Generator as Events
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta

from newsrag import timing
from newsrag.errors import NewsragError
from newsrag.generation import NOT_COVERED, Drafting, Generator
from newsrag.generation.briefing import briefing, newest_first
from newsrag.generation.citations import (
    apply_citations,
    attribute,
    cited_before,
    sentence_citations,
)
from newsrag.generation.dating import dated, dated_piece, staleness
from newsrag.generation.fallback import Fallback
from newsrag.generation.prompt import tidy_answer
from newsrag.masking import session_hash
from newsrag.models import Answer, Message, RetrievedChunk, SearchFilters, Source, TimeWindow
from newsrag.retrieval import Evidence, Retriever, SearchRequest, select_sources
from newsrag.retrieval.answerability import Signals
from newsrag.retrieval.followup import (
    follow_up_chunks,
    names_told,
    new_topic,
    outcome_chunks,
    unsaid,
)
from newsrag.retrieval.parts import (
    parts_answerable,
    question_parts,
    search_named_parts,
    search_parts,
    with_parts,
)
from newsrag.retrieval.query import refers_back, resolve_people
from newsrag.retrieval.recall import recalled_time
from newsrag.retrieval.search import topic_words
from newsrag.retrieval.select import whole_articles
from newsrag.retrieval.timeparse import parse_time, reporting_lag
from newsrag.sessions import SessionStore
from newsrag.text import keywords

log = logging.getLogger(__name__)

HISTORY_TURNS = 6


@dataclass(frozen=True)
class ChatTurn:
    session_id: str
    user_message: str
    answer: Answer
    timestamp: datetime


@dataclass(frozen=True)
class SourcesEvent:
    """The sources found, numbered as the answer's `[n]` before citations are checked."""

    sources: list[Source]


@dataclass(frozen=True)
class TokenEvent:
    """A piece of the answer, as the generator produced it."""

    text: str


@dataclass(frozen=True)
class DoneEvent:
    """The finished turn, its citations checked and its sources reordered, as `chat` returns it."""

    turn: ChatTurn


StreamEvent = SourcesEvent | TokenEvent | DoneEvent


@dataclass(frozen=True)
class Retrieval:
    """What an answer is generated from: the searched query, the sources and their evidence.

    `covered` is False when the news held does not match the question well enough to answer;
    `message` is the user's own words (he or she resolved) when the query is a follow-up's
    rewrite.
    """

    query: str
    sources: list[Source]
    evidence: list[Evidence]
    covered: bool
    window: TimeWindow | None = None
    signals: Signals | None = None
    message: str = ""

    @property
    def briefing(self) -> bool:
        """Whether the question asks for the latest news, answered with a digest of it."""
        return self.window is not None and self.window.recent


def utcnow() -> datetime:
    return datetime.now(UTC)


class ChatService:
    def __init__(
        self,
        retriever: Retriever,
        generator: Generator,
        sessions: SessionStore,
        *,
        fallback: Generator | None = None,
        top_k: int = 5,
        candidates: int = 40,
        min_score: float = 0.35,
        min_source_ratio: float = 0.7,
        chunks_per_article: int = 2,
        read_articles: int = 2,
        time_awareness: bool = True,
        as_of: date | None = None,
        stale_days: int = 30,
    ) -> None:
        self.retriever = retriever
        self.generator = generator
        self.fallback = Fallback(generator, fallback)
        self.sessions = sessions
        self.top_k = top_k
        self.candidates = candidates
        self.min_score = min_score
        self.min_source_ratio = min_source_ratio
        self.chunks_per_article = chunks_per_article
        self.read_articles = read_articles
        self.time_awareness = time_awareness
        self.as_of = as_of
        self.stale_days = stale_days

    def ask(
        self,
        question: str,
        history: Sequence[Message] = (),
        filters: SearchFilters | None = None,
        as_of: date | None = None,
    ) -> Answer:
        """Answer from the news held, citing sources; "not covered" when nothing matches well."""
        drafting = self.fallback.drafting()
        found = self.retrieve(question, history, drafting, filters, as_of)
        return self.answer(found, "".join(self.draft(found, drafting)), drafting)

    def draft(self, found: Retrieval, drafting: Drafting) -> Iterator[str]:
        """The answer's pieces, their relative days dated: "not covered"; for a "latest"
        question a briefing of the newest stories, after a line on how old they are when old;
        else the generator's answer from the evidence."""
        if not found.covered:
            return iter([NOT_COVERED])
        if found.briefing and found.window is not None:
            ids = [item.chunk.article_id for item in found.evidence]
            digest = briefing(found.sources, found.evidence, self.retriever.openings(ids))
            stale = staleness(found.sources, found.window.as_of, self.stale_days)
            return iter([dated(f"{stale}\n{digest}" if stale else digest, found.sources)])
        pieces = drafting.stream(found.query, found.evidence, message=found.message)
        return (dated_piece(piece, found.sources) for piece in pieces)

    def retrieve(
        self,
        question: str,
        history: Sequence[Message] = (),
        drafting: Drafting | None = None,
        filters: SearchFilters | None = None,
        as_of: date | None = None,
    ) -> Retrieval:
        """Search the news for the question and pick the sources to answer from.

        A follow-up is searched as the generator rewrites it with the conversation `history`,
        and the articles the previous answer cited are among its candidates (`follow_up_chunks`);
        a message that names nothing but finds another story far better by itself is a new
        question (`new_topic`). The time the message itself names ("in March 2020", "latest";
        not the earlier question's, as a follow-up may ask what came later) narrows or orders
        the search, relative to `as_of` (NEWSRAG_AS_OF, else today); when nothing was published
        then, it names a past event ("Who drafted Kobe Bryant in 1996?") and the whole store is
        searched, as it is for a month a later report recalls far better than the month's news
        (`retrieval/recall.py`). A two-part question ("Which was
        larger, A or B?") is also searched part by part, each in the time it names, and each
        part's best article is kept (`retrieval/parts.py`), as is, for a question about two things
        in other words, the article naming the thing its first article lacks, searched for in
        any time (the time a question names may be one thing's alone: "the london bridge
        attack in nov 2019 and the streatham stabbing"); a question about a result that
        nothing found reports is searched in the later articles on the story
        (`outcome_chunks`). The best `read_articles` articles are read whole.

        The best match must reach `min_score`, unless the question only names a topic a
        source is tagged with ("latest news about technology" is covered when articles are in
        "Science and technology") or only a time ("What happened in November 2004?"). Then
        the fitted answerability decision (`retrieval/answerability.py`) says whether the
        evidence answers the question, or, for a two-part question, each part.
        """
        with timing.timed("generation"):
            query = (drafting or self.fallback.drafting()).standalone(question, history)
        today = as_of or self.as_of or utcnow().date()
        wanted = filters or SearchFilters()
        before = cited_before(history)
        asked = SearchRequest(question, self.candidates, wanted, as_of=today)
        with timing.timed("retrieval"):
            if query != question and new_topic(self.retriever, asked, before):
                query, history, before = question, (), []
        window = parse_time(question, today) if self.time_awareness else None
        recent = window is not None and window.recent
        parts = [] if recent else question_parts(query)
        if window is not None and not parts:  # each part is searched in the time it names
            end = window.end + reporting_lag(window) if window.end else None
            wanted = wanted.within(window.start, end)
            if window.recent:
                wanted = wanted.within(None, today + timedelta(days=1))
        request = SearchRequest(query, self.candidates, wanted, recent, today)
        with timing.timed("retrieval"):
            chunks = self.retriever.search(request)
            unbounded = replace(request, filters=filters or SearchFilters())
            recalled = (
                None
                if parts
                else recalled_time(
                    self.retriever, question, unbounded, chunks, window, self.min_score
                )
            )
            if recalled is not None:
                window, request, chunks = None, unbounded, recalled
            each = search_parts(self.retriever, request, parts, timed=self.time_awareness)
            first: list[RetrievedChunk] = []  # the first article, naming the things held
            if not parts and not recent:
                each = search_named_parts(self.retriever, unbounded, chunks)
                first = chunks[:1] if each else []
            if each:
                chunks = with_parts(chunks, each)
            chunks = follow_up_chunks(self.retriever, request, question, before, chunks)
            chunks = outcome_chunks(self.retriever, request, chunks)
            sources, evidence = select_sources(
                chunks,
                self.top_k,
                per_article=self.chunks_per_article,
                min_ratio=0.0 if recent else self.min_source_ratio,
                kept={
                    found[0].article_id for found in [*each, first, _cited(chunks, before)] if found
                },
            )
            if self.read_articles and not recent:
                read = sources[: self.read_articles + len(each)]
                whole = self.retriever.article_chunks([source.url for source in read], query)
                evidence = whole_articles(evidence, read, whole)
        best = max((source.score for source in sources), default=0.0)
        only_time = window is not None and not topic_words(query)
        # A message referring back to the story the previous answer told, which leads the
        # sources, needs no similarity of its own: "did that guy get to keep the job?" shares few
        # words with the story, nor does one naming only what the story names ("What did Queloz
        # and Mayor discover?"), and the story is not one about something else. One naming
        # nothing ("a recipe for cookies?") is no such message.
        leading = [item.chunk for item in evidence if sources and item.n == sources[0].n]
        told = (
            (refers_back(question) or names_told(question, leading))
            and bool(sources)
            and sources[0].url in {source.url for source in before}
        )
        signals = Signals.of(query, sources, evidence, self.retriever.proper_names)
        if told:
            signals = replace(signals, unrelated=0.0)
        answerable = signals.answerable or parts_answerable(parts, each, sources, evidence)
        covered = bool(sources) and (
            only_time
            or _on_topic(query, evidence)
            or ((best >= self.min_score or told) and answerable)
        )
        if recent:
            sources, evidence = newest_first(sources, evidence)
        said = [m.content for m in history if m.role == "assistant"]
        evidence = unsaid(query, evidence, said, before)
        message = resolve_people(question, history) if query != question else ""
        return Retrieval(query, list(sources), list(evidence), covered, window, signals, message)

    def answer(self, found: Retrieval, text: str, drafting: Drafting) -> Answer:
        """The generated `text` tidied, its citations checked, or "not covered"; degraded when
        the fallback generator wrote it."""
        model = drafting.generator.model
        failure = drafting.failure if drafting.degraded else None
        notice = f"{failure.message} (Answered by {model} instead.)" if failure else None
        degraded = failure is not None
        text = (text if found.briefing else tidy_answer(text)) if found.covered else NOT_COVERED
        if text == NOT_COVERED or not text:
            return Answer(
                NOT_COVERED,
                [],
                False,
                model,
                found.query,
                degraded=degraded,
                notice=notice,
                time_window=found.window,
            )
        text, sources = apply_citations(attribute(text, found.evidence), found.sources)
        text = dated(text, sources)  # a model's sentences, split across its pieces
        citations = sentence_citations(text)
        return Answer(
            text, sources, True, model, found.query, citations, degraded, notice, found.window
        )

    def chat(self, session_id: str, message: str, filters: SearchFilters | None = None) -> ChatTurn:
        """Answer `message` and append both messages to the session's history (see `stream`)."""
        *_, done = self.stream(session_id, message, filters)
        assert isinstance(done, DoneEvent)
        return done.turn

    def stream(
        self, session_id: str, message: str, filters: SearchFilters | None = None
    ) -> Events[StreamEvent, None, None]:
        """Answer `message` as events: the sources, the answer's pieces, then the finished turn.

        Both messages are appended to the session's history once, before the `DoneEvent`. When
        answering fails, whatever the reason, the user's message is still kept. When the events
        are closed before the end (the client went away), the user's message and the answer so far
        are kept, the answer marked `interrupted`.
        """
        user = Message("user", message, utcnow())
        pieces: list[str] = []
        drafting = self.fallback.drafting()
        try:
            earlier = self.sessions.history(session_id)
            history = earlier.messages[-HISTORY_TURNS:] if earlier else ()
            found = self.retrieve(message, history, drafting, filters)
            yield SourcesEvent(found.sources if found.covered else [])
            for piece in timing.measured(self.draft(found, drafting), "generation"):
                yield TokenEvent(piece)
                pieces.append(piece)  # taken by the consumer, which asked for the next event
            answer = self.answer(found, "".join(pieces), drafting)
        except GeneratorExit:
            self._keep(session_id, user, Message("assistant", "".join(pieces), utcnow(), True))
            raise
        except Exception:
            self._keep(session_id, user)
            raise
        answered_at = utcnow()
        reply = Message("assistant", answer.text, answered_at, sources=tuple(answer.sources))
        self.sessions.append(session_id, [user, reply])
        yield DoneEvent(ChatTurn(session_id, message, answer, answered_at))

    def _keep(self, session_id: str, *messages: Message) -> None:
        try:
            self.sessions.append(session_id, messages)
        except NewsragError as exc:
            kept = session_hash(session_id)
            log.warning("could not keep the messages of session %s: %s", kept, exc.message)


def _cited(chunks: Sequence[RetrievedChunk], before: Sequence[Source]) -> list[RetrievedChunk]:
    """The chunks, when the first is of an article the previous answer cited (the story a
    follow-up's search put first); else none."""
    cited = {source.url for source in before}
    return list(chunks) if chunks and chunks[0].url in cited else []


def _on_topic(question: str, evidence: Sequence[Evidence]) -> bool:
    """Whether the question names nothing but topics one of the evidence's articles is tagged
    with ("any sports news?" and an article in "Sports")."""
    wanted = topic_words(question)
    return bool(wanted) and any(
        wanted <= keywords(" ".join(item.chunk.categories)) for item in evidence
    )
