"""GET /api/history/{sessionId} and DELETE /api/session/{sessionId}."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path
from fastapi.responses import JSONResponse
from pydantic import AfterValidator

from newsrag.api.deps import ServicesDep
from newsrag.api.errors import envelope
from newsrag.api.routes.chat import sources_out
from newsrag.api.schemas import (
    SESSION_ID_PATTERN,
    ClearedResponse,
    ErrorResponse,
    HistoryResponse,
    MessageOut,
    not_only_dots,
)

router = APIRouter()

SessionPath = Annotated[str, Path(pattern=SESSION_ID_PATTERN), AfterValidator(not_only_dots)]
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": ErrorResponse}}


def _not_found(session_id: str) -> JSONResponse:
    return envelope(404, "Session not found", sessionId=session_id)


@router.get(
    "/api/history/{sessionId}",
    response_model=HistoryResponse,
    response_model_exclude_none=True,
    responses=NOT_FOUND,
)
def history(sessionId: SessionPath, services: ServicesDep) -> HistoryResponse | JSONResponse:
    found = services.sessions.history(sessionId)
    if found is None:
        return _not_found(sessionId)
    return HistoryResponse(
        sessionId=sessionId,
        messages=[
            MessageOut(
                role=m.role,
                content=m.content,
                timestamp=m.timestamp,
                interrupted=True if m.interrupted else None,
                sources=sources_out(m.sources) if m.role == "assistant" else None,
            )
            for m in found.messages
        ],
        messageCount=len(found.messages),
        ttl=found.ttl_seconds,
        ttlMinutes=round(found.ttl_seconds / 60),
    )


@router.delete("/api/session/{sessionId}", response_model=ClearedResponse, responses=NOT_FOUND)
def clear(sessionId: SessionPath, services: ServicesDep) -> ClearedResponse | JSONResponse:
    if not services.sessions.delete(sessionId):
        return _not_found(sessionId)
    return ClearedResponse(sessionId=sessionId)
