"""POST /api/chat/stream: the answer of POST /api/chat as server-sent events, piece by piece.

Events, in order: `sources` (the sources found; a failure to find them answers its status, 503
say, in the error envelope instead of the stream), `token` (`{"text"}`) for each piece of the answer
as it is produced, then `done` (the body `POST /api/chat` answers, citations checked); or, when
answering fails, `error` (the error envelope) and the stream ends. A `: ping` comment goes out
every HEARTBEAT_SECONDS while the answer is being worked on. A client that leaves mid-answer
closes the chat's events, which keeps the answer so far in the history, marked interrupted.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncGenerator, Generator

import anyio
from fastapi import APIRouter
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool
from starlette.types import Receive, Scope, Send

from newsrag.api.deps import ServicesDep
from newsrag.api.errors import INTERNAL_ERROR
from newsrag.api.routes.chat import chat_response, search_filters, sources_out
from newsrag.api.schemas import ChatRequest, ErrorResponse, StreamError
from newsrag.chat import SourcesEvent, StreamEvent, TokenEvent
from newsrag.errors import NewsragError

log = logging.getLogger("newsrag.api")

router = APIRouter()

HEARTBEAT_SECONDS = 15.0
HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}


@router.post(
    "/api/chat/stream",
    response_class=StreamingResponse,
    responses={
        200: {"content": {"text/event-stream": {}}, "description": "Server-sent events"},
        400: {"model": ErrorResponse},
    },
)
async def chat_stream(body: ChatRequest, services: ServicesDep) -> StreamingResponse:
    """The first event (the sources) is produced before the response starts, so that a failure
    to search (a provider or the database down) answers its status (503) in the envelope."""
    events = services.chat.stream(body.sessionId, body.message, search_filters(body))
    try:
        first = await run_in_threadpool(next, events, None)
    except BaseException:
        await run_in_threadpool(events.close)
        raise
    return EventStream(server_events(events, first))


class EventStream(StreamingResponse):
    """A `text/event-stream` response that closes its events however the response ends, so a
    client disconnect always reaches the chat's events (which then keep the partial answer)."""

    media_type = "text/event-stream"

    def __init__(self, events: AsyncGenerator[str, None]) -> None:
        super().__init__(events, headers=HEADERS)
        self.events = events

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            with anyio.CancelScope(shield=True):
                await self.events.aclose()


async def server_events(
    events: Generator[StreamEvent, None, None], first: StreamEvent | None = None
) -> AsyncGenerator[str, None]:
    """`first`, then the chat's other events, as SSE text; each is produced in the threadpool,
    pinging meanwhile."""
    pending: asyncio.Future[StreamEvent | None] | None = None
    try:
        if first is not None:
            yield format_event(first)
        while True:
            pending = asyncio.ensure_future(run_in_threadpool(next, events, None))
            while not (await asyncio.wait({pending}, timeout=HEARTBEAT_SECONDS))[0]:
                yield ": ping\n\n"
            try:
                event = pending.result()
            except NewsragError as exc:
                if exc.status >= 500:
                    log.error("POST /api/chat/stream failed: %s", exc.message)
                yield _error(exc.message, exc.code)
                return
            except Exception:
                log.exception("POST /api/chat/stream failed unexpectedly")
                yield _error(INTERNAL_ERROR, "internal_error")
                return
            if event is None:
                return
            yield format_event(event)
    finally:
        with anyio.CancelScope(shield=True):
            if pending is not None and not pending.done():
                await asyncio.wait({pending})
            await run_in_threadpool(events.close)


def format_event(event: StreamEvent) -> str:
    if isinstance(event, SourcesEvent):
        sources = [s.model_dump(mode="json") for s in sources_out(event.sources)]
        return _sse("sources", json.dumps(sources))
    if isinstance(event, TokenEvent):
        return _sse("token", json.dumps({"text": event.text}))
    return _sse("done", chat_response(event.turn).model_dump_json())


def _error(message: str, code: str) -> str:
    return _sse("error", StreamError(error=message, code=code).model_dump_json())


def _sse(name: str, data: str) -> str:
    return f"event: {name}\ndata: {data}\n\n"
