"""POST /api/chat: answer a message with cited sources and remember it in the session."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from fastapi import APIRouter

from newsrag.api.deps import ServicesDep
from newsrag.api.schemas import (
    ChatRequest,
    ChatResponse,
    CitationOut,
    ErrorResponse,
    SourceOut,
    TimeWindowOut,
)
from newsrag.chat import ChatTurn
from newsrag.models import SearchFilters, Source, TimeWindow

router = APIRouter()


@router.post(
    "/api/chat",
    response_model=ChatResponse,
    responses={400: {"model": ErrorResponse}, 503: {"model": ErrorResponse}},
)
def chat(body: ChatRequest, services: ServicesDep) -> ChatResponse:
    return chat_response(services.chat.chat(body.sessionId, body.message, search_filters(body)))


def search_filters(body: ChatRequest) -> SearchFilters | None:
    """The request's `filters` for the search (`to` is a day included: the end is the next)."""
    given = body.filters
    if given is None:
        return None
    return SearchFilters(
        start=given.from_,
        end=given.to + timedelta(days=1) if given.to else None,
        sources=tuple(given.sources),
        categories=tuple(given.categories),
    )


def time_window_out(window: TimeWindow | None) -> TimeWindowOut | None:
    if window is None:
        return None
    last = window.end - timedelta(days=1) if window.end else None
    return TimeWindowOut(
        **{"from": window.start},
        to=last,
        recent=window.recent,
        label=window.label,
        asOf=window.as_of,
    )


def chat_response(turn: ChatTurn) -> ChatResponse:
    answer = turn.answer
    return ChatResponse(
        sessionId=turn.session_id,
        userMessage=turn.user_message,
        answer=answer.text,
        sources=sources_out(answer.sources),
        model=answer.model,
        timestamp=turn.timestamp,
        covered=answer.covered,
        retrievalQuery=answer.retrieval_query,
        citations=[CitationOut(sentence=c.sentence, sources=c.sources) for c in answer.citations],
        degraded=answer.degraded,
        notice=answer.notice,
        timeWindow=time_window_out(answer.time_window),
    )


def sources_out(sources: Sequence[Source]) -> list[SourceOut]:
    return [
        SourceOut(
            n=s.n,
            title=s.title,
            url=s.url,
            score=round(s.score, 4),
            publishedAt=s.published_at,
            source=s.source,
        )
        for s in sources
    ]
