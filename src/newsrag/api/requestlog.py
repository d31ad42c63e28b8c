"""`X-Request-ID` on every response (the client's own when it sends a sane one), and one JSON line
per request on the `newsrag.access` logger:

    {"requestId": ..., "method": "POST", "route": "/api/chat", "status": 200,
     "latencyMs": 212.4, "session": "<first 16 hex digits of the session id's SHA-256>"}

`route` is the route's template (`/api/history/{sessionId}`), never the path, which may hold a
session id; it is null when no route matched. `session` is null when the request names none.
`status` is null when the client left before an answer was sent. A chat answer's line also
holds `"timings": {"embeddingMs", "retrievalMs", "generationMs"}` (the search's time includes the
query's embedding; generation includes rewriting a follow-up into the search query). The line's
route, method, status and latency also feed the request histogram of /metrics.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from typing import Any

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from newsrag import timing
from newsrag.api.errors import route_template
from newsrag.api.limits import body_session_id
from newsrag.masking import session_hash
from newsrag.metrics import observe_request

log = logging.getLogger("newsrag.access")

HEADER = "X-Request-ID"
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:+/=-]{1,128}")


def request_id(scope: Scope) -> str:
    """The client's X-Request-ID when it is 1-128 safe characters, else a new uuid4 hex."""
    for name, value in scope["headers"]:
        if name == b"x-request-id":
            given = bytes(value).decode("latin-1")
            if SANE_REQUEST_ID.fullmatch(given):
                return given
    return uuid.uuid4().hex


class RequestLog:
    """Outermost middleware: sets `request.state.request_id`, adds the header, logs the line."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = request_id(scope)
        scope.setdefault("state", {})["request_id"] = rid
        started = time.perf_counter()
        status: int | None = None

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)[HEADER] = rid
            await send(message)

        with timing.recording() as timings:
            try:
                await self.app(scope, receive, send_with_id)
            except Exception:
                status = status or 500
                raise
            finally:
                line = access_line(scope, rid, status, started)
                if timings.measured:
                    line["timings"] = timings.as_log()
                log.info(json.dumps(line))
                observe_request(line["route"], line["method"], status, line["latencyMs"] / 1000)


def access_line(scope: Scope, rid: str, status: int | None, started: float) -> dict[str, Any]:
    path_params: dict[str, Any] = scope.get("path_params") or {}
    session_id = path_params.get("sessionId") or body_session_id(scope)
    return {
        "requestId": rid,
        "method": scope["method"],
        "route": route_template(scope),
        "status": status,
        "latencyMs": round((time.perf_counter() - started) * 1000, 1),
        "session": session_hash(session_id) if isinstance(session_id, str) else None,
    }
