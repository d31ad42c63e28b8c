"""Limits on request bodies: at most MAX_BODY_BYTES (413), counted as the body streams in, so a
chunked body without Content-Length is cut off too; and JSON only where a body is sent (415).

`BodyLimits` reads the whole (small) body before the app runs and keeps it in the scope under
BODY_KEY, where the rate limits and the access log find the session id of a chat request.
"""

from __future__ import annotations

import json

from fastapi import Request
from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from newsrag.api.errors import envelope
from newsrag.api.schemas import is_session_id
from newsrag.errors import InvalidInput

MAX_BODY_BYTES = 64 * 1024
BODY_KEY = "newsrag.body"
SESSION_KEY = "newsrag.session_id"
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})

TOO_LARGE = (
    "The request body is larger than 64 KiB: send a shorter message (at most 5000 characters)."
)
NOT_JSON = "Send the request body as JSON, with the header 'Content-Type: application/json'."


class UnsupportedMediaType(InvalidInput):
    code = "unsupported_media_type"
    status = 415


def require_json(request: Request) -> None:
    """Route dependency: a request of a method that carries a body must declare it as JSON
    (after routing, so an unknown path or method still answers 404 or 405)."""
    if request.method in BODY_METHODS and not is_json(request.headers.get("content-type")):
        raise UnsupportedMediaType(NOT_JSON)


def is_json(content_type: str | None) -> bool:
    """`application/json` or `application/<anything>+json`, parameters (charset) ignored."""
    mime = (content_type or "").split(";", 1)[0].strip().lower()
    return mime == "application/json" or (
        mime.startswith("application/") and mime.endswith("+json")
    )


class BodyLimits:
    """Answers 413 in the envelope to a body over `max_bytes`: at once when Content-Length says
    so, otherwise as soon as the streamed chunks add up to more (the rest is never read)."""

    def __init__(self, app: ASGIApp, max_bytes: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        body = None
        if declared is None or declared <= self.max_bytes:
            try:
                body = await _read(receive, self.max_bytes)
            except ClientDisconnect:
                return
        if body is None:
            response = envelope(413, TOO_LARGE, "payload_too_large")
            response.headers["Connection"] = "close"
            await response(scope, receive, send)
            return
        scope[BODY_KEY] = body
        await self.app(scope, _replay(body, receive), send)


async def _read(receive: Receive, limit: int) -> bytes | None:
    """The body, or None once it grows past `limit`; ClientDisconnect when the client left."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            raise ClientDisconnect
        chunk: bytes = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """The body in one message, then the client's own messages (its disconnect)."""
    replayed = False

    async def replay() -> Message:
        nonlocal replayed
        if replayed:
            return await receive()
        replayed = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


def _content_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def body_session_id(scope: Scope) -> str | None:
    """The well-formed `sessionId` of a JSON object body read by BodyLimits, if it has one;
    parsed once per request, for the rate limits and the access log alike."""
    if SESSION_KEY not in scope:
        scope[SESSION_KEY] = _session_id(scope.get(BODY_KEY, b""))
    found: str | None = scope[SESSION_KEY]
    return found


def _session_id(body: bytes) -> str | None:
    if not body:
        return None
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        return None
    value = data.get("sessionId") if isinstance(data, dict) else None
    return value if is_session_id(value) else None
