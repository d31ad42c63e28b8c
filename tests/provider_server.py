"""A real HTTP stand-in for newsrag's remote embedding providers, for tests.

`ProviderServer` listens on 127.0.0.1 (ephemeral port) and speaks the Hugging Face router's
``POST [/prefix]/{provider}/models/{model}/pipeline/feature-extraction``, OpenAI-compatible
``POST .../embeddings`` and the Hub's ``GET /api/whoami-v2``. ``queue()`` replies answer the next
requests to any route but whoami, in order; then an ``always()`` reply answers embedding
requests; then default behaviour. `Reply.body`: dict/list -> JSON, str -> text/plain, bytes -> as
is, None -> the route's default success body, or a callable ``(Recorded) -> Any`` evaluated at
request time whose result follows the same rules.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import socketserver
import threading
import traceback
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

Embed = Callable[[list[str]], list[list[float]]]

DEFAULT_MODEL = "sentence-transformers/all-MiniLM-L6-v2"
OLD_API, ROUTER = "https://api-inference.huggingface.co", "https://router.huggingface.co"
_NO_PERMISSION = "This authentication method does not have sufficient permissions to call"
_HF_ROUTE = re.compile(r"^(?:/.*?)?/[^/]+/models/(?P<model>.+)/pipeline/feature-extraction/?$")
_HF, _OPENAI, _WHOAMI = "hf", "openai", "whoami"


@dataclass
class Reply:
    status: int = 200
    body: Any = None  # dict/list -> JSON; str -> text; bytes -> as is; None -> default; callable
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to sleep before answering (for timeouts)


@dataclass
class Recorded:
    method: str
    path: str  # as requested, including any query string
    headers: dict[str, str]  # lower-cased names
    body: Any  # parsed JSON or None


def whoami_body(
    name: str = "newsrag-tester",
    role: str = "fineGrained",
    scopes: Sequence[str] = ("inference.serverless.write",),
) -> dict[str, Any]:
    """A whoami-v2 answer for an access token; the default has inference permission."""
    token: dict[str, Any] = {"displayName": "test", "role": role}
    if role == "fineGrained":
        token["fineGrained"] = {"canReadGatedRepos": False, "global": list(scopes), "scoped": []}
    return {"type": "user", "name": name, "auth": {"type": "access_token", "accessToken": token}}


def hashed_vector(text: str, dimension: int) -> list[float]:
    """Deterministic unit vector: each word (blake2b) adds 1 to one of `dimension` buckets."""
    vector = [0.0] * dimension
    for word in text.lower().split() or [""]:
        digest = hashlib.blake2b(word.encode(), digest_size=8).digest()
        vector[int.from_bytes(digest, "big") % dimension] += 1.0
    norm = math.sqrt(sum(v * v for v in vector))
    return [v / norm for v in vector]


def route_kind(method: str, path: str) -> str | None:
    """The route of a request: "hf", "openai", "whoami" or None (unknown)."""
    route = urlsplit(path).path
    if method == "GET" and route.rstrip("/").endswith("/api/whoami-v2"):
        return _WHOAMI
    if method == "POST" and _HF_ROUTE.match(route):
        return _HF
    if method == "POST" and route.rstrip("/").endswith("/embeddings"):
        return _OPENAI
    return None


def _lower(headers: Any) -> dict[str, str]:
    return {str(name).lower(): str(value) for name, value in headers.items()}


class _BadRequest(Exception): ...


def _texts(value: Any) -> tuple[list[str], bool]:
    if isinstance(value, str):
        return [value], True
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return list(value), False
    raise _BadRequest("input must be a string or a list of strings")


def success_body(rec: Recorded, embed: Embed) -> Any:
    """The default success body for an embedding request, in the request's route format."""
    payload = rec.body if isinstance(rec.body, dict) else {}
    if route_kind(rec.method, rec.path) != _OPENAI:
        texts, single = _texts(payload.get("inputs"))
        vectors = embed(texts)
        return vectors[0] if single else vectors
    texts, _ = _texts(payload.get("input"))
    vectors = embed(texts)
    data = [{"object": "embedding", "index": i, "embedding": v} for i, v in enumerate(vectors)]
    tokens = sum(len(text.split()) for text in texts)
    usage = {"prompt_tokens": tokens, "total_tokens": tokens}
    return {"object": "list", "data": data, "model": payload.get("model"), "usage": usage}


def retired() -> Reply:
    return Reply(410, {"error": f"{OLD_API} is no longer supported. Please use {ROUTER} instead."})


def forbidden(user: str = "newsrag-tester") -> Reply:
    return Reply(403, {"error": f"{_NO_PERMISSION} Inference Providers on behalf of user {user}"})


def unauthorized() -> Reply:
    return Reply(401, {"error": "Invalid credentials in Authorization header"})


def not_found(model: str) -> Reply:
    return Reply(404, {"error": f"Model {model} does not exist"})


def rate_limited(retry_after: int | None = 2) -> Reply:
    headers = {} if retry_after is None else {"Retry-After": str(retry_after)}
    return Reply(429, {"error": "Rate limit reached. Please retry later."}, headers)


def loading(estimated_time: float = 20.0, model: str = DEFAULT_MODEL) -> Reply:
    body = {"error": f"Model {model} is currently loading", "estimated_time": estimated_time}
    return Reply(503, body)


def server_error(status: int = 500) -> Reply:
    return Reply(status, {"error": "Internal Server Error"})


def bad_gateway() -> Reply:
    return Reply(502, "<html><body>502 Bad Gateway</body></html>", {"Content-Type": "text/html"})


def wrong_dimension(dim: int = 768) -> Reply:
    """200 in the route's format, but with `dim`-long vectors (computed per request)."""
    return Reply(body=lambda rec: success_body(rec, lambda ts: [hashed_vector(t, dim) for t in ts]))


def wrong_shape() -> Reply:
    return Reply(200, {"embeddings": "nope"})


def slow(seconds: float) -> Reply:
    return Reply(delay=seconds)


def openai_error(
    status: int, message: str, type_: str = "invalid_request_error", code: str | None = None
) -> Reply:
    """OpenAI's error format."""
    error = {"message": message, "type": type_, "param": None, "code": code}
    return Reply(status, {"error": error})


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    owner: ProviderServer

    def server_bind(self) -> None:  # skip HTTPServer's getfqdn() (slow without DNS)
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = "127.0.0.1", self.socket.getsockname()[1]

    def handle_error(self, request: Any, client_address: Any) -> None:
        self.owner.errors.append(traceback.format_exc())  # e.g. client gone; keep stderr quiet


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None: ...  # keep stderr quiet

    def do_GET(self) -> None:
        self.server.owner._handle(self)

    do_POST = do_PUT = do_PATCH = do_DELETE = do_GET

    def send(self, status: int, body: Any, headers: dict[str, str]) -> None:
        if isinstance(body, bytes):
            data, content_type = body, "application/octet-stream"
        elif isinstance(body, str):
            data, content_type = body.encode(), "text/plain; charset=utf-8"
        else:
            data, content_type = json.dumps(body).encode(), "application/json"
        self.send_response(status)
        for name, value in ({"content-type": content_type} | _lower(headers)).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class ProviderServer:
    """HF router / OpenAI embeddings / whoami stand-in; use as a context manager or start()."""

    def __init__(self, embed: Embed | None = None, dimension: int = 384) -> None:
        self.embed: Embed = embed or (lambda texts: [hashed_vector(t, dimension) for t in texts])
        self.url = ""  # set by start()
        self.requests: list[Recorded] = []
        self.errors: list[str] = []  # tracebacks of handler failures, for debugging
        self.whoami: dict[str, Any] = whoami_body()
        self._lock = threading.Lock()
        self._queue: deque[Reply] = deque()
        self._always: Reply | None = None
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    def queue(self, *replies: Reply) -> None:
        with self._lock:
            self._queue.extend(replies)

    def always(self, reply: Reply | None) -> None:
        with self._lock:
            self._always = reply

    def embedding_requests(self) -> list[Recorded]:
        with self._lock:
            return [r for r in self.requests if route_kind(r.method, r.path) in (_HF, _OPENAI)]

    def start(self) -> ProviderServer:
        if self._server is None:
            self._stopping.clear()
            self._server = server = _Server(("127.0.0.1", 0), _Handler)
            server.owner, self.url = self, f"http://127.0.0.1:{server.server_port}"
            self._thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None or self._thread is None:
            return
        self._stopping.set()  # wakes replies sleeping in their delay; they then send nothing
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> ProviderServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _choose(self, rec: Recorded, kind: str | None) -> Reply:
        if kind == _WHOAMI:
            if not re.match(r"(?i)bearer\s+\S", rec.headers.get("authorization", "")):
                return unauthorized()
            return Reply(body=self.whoami)
        with self._lock:
            if self._queue:
                return self._queue.popleft()
            if self._always is not None and kind in (_HF, _OPENAI):
                return self._always
        return Reply() if kind else Reply(404, {"error": "Not Found"})

    def _handle(self, handler: _Handler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length) if length > 0 else b""
        try:
            parsed = json.loads(raw) if raw else None
        except ValueError:
            parsed = None
        rec = Recorded(handler.command, handler.path, _lower(handler.headers), parsed)
        kind = route_kind(rec.method, rec.path)
        with self._lock:
            self.requests.append(rec)
        reply = self._choose(rec, kind)
        if reply.delay > 0 and self._stopping.wait(reply.delay):
            handler.close_connection = True
            return
        status, reply_headers = reply.status, reply.headers
        try:
            body = reply.body(rec) if callable(reply.body) else reply.body
            if body is None:
                body = success_body(rec, self.embed) if kind else {"error": "Not Found"}
        except _BadRequest as e:
            bad = openai_error(400, str(e)) if kind == _OPENAI else Reply(400, {"error": str(e)})
            status, reply_headers, body = bad.status, {}, bad.body
        except Exception as exc:
            self.errors.append(traceback.format_exc())
            status, reply_headers, body = 500, {}, {"error": f"provider_server: {exc!r}"}
        handler.send(status, body, reply_headers)
