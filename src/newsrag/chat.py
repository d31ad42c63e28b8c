"""The one "ask" code path shared by `POST /api/chat` and `newsrag ask`."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from newsrag.errors import NewsragError
from newsrag.generation import NOT_COVERED, Generator
from newsrag.generation.citations import apply_citations
from newsrag.models import Answer, Message
from newsrag.retrieval import Evidence, Retriever, select_sources
from newsrag.retrieval.query import standalone_query
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


def utcnow() -> datetime:
    return datetime.now(UTC)


class ChatService:
    def __init__(
        self,
        retriever: Retriever,
        generator: Generator,
        sessions: SessionStore,
        *,
        top_k: int = 5,
        candidates: int = 40,
        min_score: float = 0.35,
        min_source_ratio: float = 0.7,
    ) -> None:
        self.retriever = retriever
        self.generator = generator
        self.sessions = sessions
        self.top_k = top_k
        self.candidates = candidates
        self.min_score = min_score
        self.min_source_ratio = min_source_ratio

    def ask(self, question: str, history: Sequence[Message] = ()) -> Answer:
        """Answer from the news held, citing sources; "not covered" when nothing matches well.

        A follow-up is searched with the earlier question's key terms (`history`). The best match
        must reach `min_score`, unless the question only names a topic a source is tagged with:
        "latest news about technology" scores low against any one article, yet the news held
        covers it when articles are in "Science and technology".
        """
        query = standalone_query(question, history)
        chunks = self.retriever.search(query, self.candidates)
        sources, evidence = select_sources(chunks, self.top_k, min_ratio=self.min_source_ratio)
        not_covered = Answer(NOT_COVERED, [], False, self.generator.model, query)
        if not sources or (sources[0].score < self.min_score and not _on_topic(query, evidence)):
            return not_covered
        text = self.generator.generate(query, evidence)
        if text == NOT_COVERED:
            return not_covered
        text, sources = apply_citations(text, sources)
        return Answer(text, sources, True, self.generator.model, query)

    def chat(self, session_id: str, message: str) -> ChatTurn:
        """Answer `message` and append both messages to the session's history.

        When answering fails, whatever the reason, the user's message is still kept in the history.
        """
        asked_at = utcnow()
        user = Message("user", message, asked_at)
        try:
            earlier = self.sessions.history(session_id)
            answer = self.ask(message, earlier.messages[-HISTORY_TURNS:] if earlier else ())
        except Exception:
            self._keep(session_id, user)
            raise
        answered_at = utcnow()
        self.sessions.append(session_id, [user, Message("assistant", answer.text, answered_at)])
        return ChatTurn(session_id, message, answer, answered_at)

    def _keep(self, session_id: str, user: Message) -> None:
        try:
            self.sessions.append(session_id, [user])
        except NewsragError as exc:
            log.warning("could not keep the message of session %s: %s", session_id, exc.message)


def _on_topic(question: str, evidence: Sequence[Evidence]) -> bool:
    """Whether the question names nothing but topics one of the evidence's articles is tagged
    with ("any sports news?" and an article in "Sports")."""
    wanted = keywords(question)
    return bool(wanted) and any(
        wanted <= keywords(" ".join(item.chunk.categories)) for item in evidence
    )
