"""Every error leaves the API in one envelope: {"success": false, "error": ..., "code": ...}."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from newsrag.errors import NewsragError, Unauthorized

log = logging.getLogger("newsrag.api")

INTERNAL_ERROR = "Internal server error: the details are in the server log."
NOT_FOUND = "Not found: nothing answers at this path; the API's routes are listed at /docs."

# Where a request part came from; the field's name alone reads better in the error sentence.
LOCATIONS = frozenset({"body", "path", "query", "header", "cookie"})


def envelope(status: int, error: str, code: str | None = None, **extra: Any) -> JSONResponse:
    body: dict[str, Any] = {"success": False, "error": error}
    if code is not None:
        body["code"] = code
    body.update(extra)
    return JSONResponse(body, status_code=status)


def describe_validation(exc: RequestValidationError) -> str:
    """One sentence for the first problem in the request body."""
    for problem in exc.errors():
        location = [str(part) for part in problem.get("loc", ()) if part not in LOCATIONS]
        field = ".".join(location)
        kind = problem.get("type", "")
        if kind == "json_invalid" or not field:
            return "The request body must be a JSON object."
        if kind == "missing":
            return f"'{field}' is required."
        if kind in {"string_type", "str_type"}:
            return f"'{field}' must be a string."
        if kind == "string_too_short":
            return f"'{field}' must not be empty."
        if kind == "string_too_long":
            limit = problem.get("ctx", {}).get("max_length")
            return f"'{field}' must be at most {limit} characters."
        if kind == "string_nul":
            return f"'{field}' must not contain NUL (\\u0000) characters."
        if kind == "string_pattern_mismatch":
            return (
                f"'{field}' must be 1-128 characters of ASCII letters, digits, "
                "'_', '-', '.', ':' or '@', and not only dots."
            )
        if kind in {"model_attributes_type", "dict_type"}:
            return f"'{field}' must be a JSON object."
        return f"'{field}': {problem.get('msg', 'is invalid')}."
    return "The request is invalid."


def route_template(scope: Scope) -> str | None:
    """The matched route's path template; a mounted app (the page's /static) has no route of
    its own in the scope, only its mount path in `root_path`."""
    route = scope.get("route")
    if route is not None:
        template: str = route.path_format
        return template
    if "endpoint" in scope:
        return f"{scope.get('root_path', '')}/{{path}}"
    return None


def logged_path(scope: Scope) -> str:
    """The route's template (`/api/history/{sessionId}`) rather than a path that may hold a
    session id; "an unknown path" when no route matched."""
    return route_template(scope) or "an unknown path"


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        return envelope(400, describe_validation(exc), "invalid_input")

    @app.exception_handler(NewsragError)
    async def _newsrag(request: Request, exc: NewsragError) -> JSONResponse:
        if exc.status >= 500:
            log.error("%s %s failed: %s", request.method, logged_path(request.scope), exc.message)
        response = envelope(exc.status, exc.message, exc.code)
        if isinstance(exc, Unauthorized):
            response.headers["WWW-Authenticate"] = "Bearer"
        return response

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        error, code = http_error(exc)
        response = envelope(exc.status_code, error, code)
        response.headers.update(exc.headers or {})
        return response


def http_error(exc: StarletteHTTPException) -> tuple[str, str]:
    """The sentence and code of an error raised by the framework: no such path, method or static
    file, or a body it could not parse (JSON nested too deep)."""
    if exc.status_code == 400:
        return "The request body must be a JSON object.", "invalid_input"
    if exc.status_code == 404:
        return NOT_FOUND, "not_found"
    if exc.status_code == 405:
        allowed = (exc.headers or {}).get("Allow", "")
        return f"Method not allowed: this path answers {allowed}.", "method_not_allowed"
    return str(exc.detail), f"http_{exc.status_code}"


class UnexpectedErrors:
    """Answers an unexpected exception with a 500 in the envelope, inside the CORS layer (so a
    browser can read it), logging the stack trace on the server only."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracked)
        except Exception:
            log.exception("%s %s failed unexpectedly", scope.get("method"), logged_path(scope))
            if started:
                raise
            response = envelope(500, INTERNAL_ERROR, "internal_error")
            await response(scope, receive, send)
