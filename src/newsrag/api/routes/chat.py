"""POST /api/chat: answer a message with cited sources and remember it in the session."""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import APIRouter

from newsrag.api.deps import ServicesDep
from newsrag.api.schemas import ChatRequest, ChatResponse, CitationOut, ErrorResponse, SourceOut
from newsrag.chat import ChatTurn
from newsrag.models import Source

router = APIRouter()


@router.post(
    "/api/chat",
    response_model=ChatResponse,
    responses={400: {"model": ErrorResponse}, 503: {"model": ErrorResponse}},
)
def chat(body: ChatRequest, services: ServicesDep) -> ChatResponse:
    return chat_response(services.chat.chat(body.sessionId, body.message))


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
