"""A real HTTP stand-in for OpenAI-compatible chat APIs (OpenAI, vLLM, Ollama, and the Hugging
Face router's ``/v1/chat/completions``), for tests.

`ChatServer` listens on 127.0.0.1 (ephemeral port) and answers ``POST .../chat/completions``.
By default it replies with `answer(messages)`; with ``"stream": true`` the reply comes as
server-sent events, one ``data:`` chunk per piece of `split_pieces`, then ``data: [DONE]``.
``queue()`` replies answer the next requests, in order: a `Failure` (status, body, headers,
delay), or a `Script` (the pieces to stream, an optional pause between them, an optional
in-stream error or a cut connection after them).
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Answer = Callable[[list[dict[str, str]]], str]


@dataclass
class Failure:
    status: int
    body: Any = None  # dict -> JSON; str -> text
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


@dataclass
class Script:
    pieces: list[str]
    pause: float = 0.0  # seconds between pieces
    error: str | None = None  # sent as an in-stream {"error": ...} event after the pieces
    cut: bool = False  # close the connection after the pieces, without [DONE]


@dataclass
class Request:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]

    @property
    def prompt(self) -> str:
        return "\n".join(message["content"] for message in self.body.get("messages", []))


def split_pieces(text: str) -> list[str]:
    """Word-sized pieces that join back into `text`, as a model streams them."""
    return re.findall(r"\S+\s*|\s+", text)


def cite_first_source(messages: list[dict[str, str]]) -> str:
    """The default answer: the first source's title, cited [1]."""
    prompt = "\n".join(message["content"] for message in messages)
    title = re.search(r'<source n="1" title="([^"]*)"', prompt)
    return f"The news reports on {title.group(1) if title else 'this'}. [1]"


class ChatServer:
    def __init__(self, answer: Answer = cite_first_source) -> None:
        self.answer = answer
        self.requests: list[Request] = []
        self._queue: deque[Failure | Script] = deque()
        self._lock = threading.Lock()
        self._http = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._http.daemon_threads = True
        self._thread = threading.Thread(
            target=self._http.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._http.server_address[:2]
        return f"http://{host!s}:{port}"

    def queue(self, *replies: Failure | Script) -> None:
        with self._lock:
            self._queue.extend(replies)

    def next_reply(self, request: Request) -> Failure | Script:
        with self._lock:
            self.requests.append(request)
            if self._queue:
                return self._queue.popleft()
        return Script(split_pieces(self.answer(request.body.get("messages", []))))

    def __enter__(self) -> ChatServer:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._http.shutdown()
        self._http.server_close()


def chunk(model: str, content: str | None, finish: str | None = None) -> dict[str, Any]:
    delta = {"role": "assistant", "content": content} if content is not None else {}
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
        "system_fingerprint": "test",
        "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}],
    }


def completion(model: str, content: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "system_fingerprint": "test",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "logprobs": None,
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


def _handler(server: ChatServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *_: object) -> None:
            pass

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            body = json.loads(raw or b"{}")
            headers = {k.lower(): v for k, v in self.headers.items()}
            if not self.path.split("?")[0].rstrip("/").endswith("/chat/completions"):
                self._send(404, {"error": f"no route {self.path}"}, {})
                return
            reply = server.next_reply(Request(self.path, headers, body))
            if isinstance(reply, Failure):
                time.sleep(reply.delay)
                self._send(reply.status, reply.body, reply.headers)
            elif body.get("stream"):
                self._stream(str(body.get("model", "")), reply)
            else:
                self._send(200, completion(str(body.get("model", "")), "".join(reply.pieces)), {})

        def _send(self, status: int, body: Any, headers: dict[str, str]) -> None:
            if isinstance(body, str):
                data, kind = body.encode(), "text/plain"
            else:
                data, kind = json.dumps(body or {}).encode(), "application/json"
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def _stream(self, model: str, script: Script) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-cache")
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            try:
                for index, piece in enumerate(script.pieces):
                    if index and script.pause:
                        time.sleep(script.pause)
                    self._event(chunk(model, piece))
                if script.cut:
                    return
                if script.error is not None:
                    self._event({"error": script.error, "error_type": "generation"})
                    return
                self._event(chunk(model, None, "stop"))
                self.wfile.write(b"data: [DONE]\n\n")
                self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                return

        def _event(self, data: dict[str, Any]) -> None:
            self.wfile.write(f"data: {json.dumps(data)}\n\n".encode())
            self.wfile.flush()

    return Handler
