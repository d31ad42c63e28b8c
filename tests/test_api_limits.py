"""Request limits end to end: bodies over 64 KiB (413, also chunked without Content-Length, on a
real uvicorn server), bodies that are not JSON (415), unknown paths and methods (404, 405), and
the bounds of `sessionId` and `message`; a rejected request leaves the session as it was."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn
from fastapi.testclient import TestClient
from starlette.types import Message, Receive, Scope, Send

from newsrag.api.app import create_app
from newsrag.api.limits import MAX_BODY_BYTES, BodyLimits, is_json
from newsrag.services import Services
from tests.api_helpers import (
    FIREFOX_QUESTION,
    api_services_fixture,  # noqa: F401  (the `api_services` fixture)
    assert_error,
    chat,
    client_fixture,  # noqa: F401  (the `client` fixture)
    new_id,
)

pytestmark = pytest.mark.model


def history_length(client: TestClient, session: str) -> int:
    """Messages held for `session`; 0 when it is unknown."""
    response = client.get(f"/api/history/{session}")
    if response.status_code == 404:
        return 0
    count: int = response.json()["messageCount"]
    return count


def chat_body(session: str, size: int) -> bytes:
    """A chat request body of exactly `size` bytes (its message is padding)."""
    empty = json.dumps({"sessionId": session, "message": ""}).encode()
    return json.dumps({"sessionId": session, "message": "x" * (size - len(empty))}).encode()


# --- 413: bodies over 64 KiB -------------------------------------------------------------------


def test_a_body_over_64_kib_is_a_413_envelope(client: TestClient) -> None:
    session = new_id()

    response = client.post(
        "/api/chat",
        content=chat_body(session, MAX_BODY_BYTES + 1),
        headers={"Content-Type": "application/json"},
    )

    assert response.status_code == 413
    body = response.json()
    assert_error(body, naming="64 KiB")
    assert body["code"] == "payload_too_large"
    assert history_length(client, session) == 0


def test_a_body_of_exactly_64_kib_is_read_and_validated(client: TestClient) -> None:
    response = client.post(
        "/api/chat",
        content=chat_body(new_id(), MAX_BODY_BYTES),
        headers={"Content-Type": "application/json"},
    )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_input"
    assert_error(response.json(), naming="5000")


def test_a_chunked_body_over_64_kib_without_content_length_is_a_413(client: TestClient) -> None:
    session = new_id()
    data = chat_body(session, 100_000)
    pieces = (data[i : i + 4096] for i in range(0, len(data), 4096))

    response = client.post(
        "/api/chat", content=pieces, headers={"Content-Type": "application/json"}
    )

    assert "content-length" not in response.request.headers
    assert response.request.headers["transfer-encoding"] == "chunked"
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"
    assert history_length(client, session) == 0


def test_body_limits_stop_reading_a_streamed_body_at_the_limit() -> None:
    """Chunks of 1 KiB that never end: the 65th goes past 64 KiB and nothing more is read."""
    received = 0
    sent: list[Message] = []

    async def endless(_: Scope, __: Receive, ___: Send) -> None:
        raise AssertionError("the app must not see an oversized body")

    async def receive() -> Message:
        nonlocal received
        received += 1
        return {"type": "http.request", "body": b"x" * 1024, "more_body": True}

    async def send(message: Message) -> None:
        sent.append(message)

    scope: Scope = {"type": "http", "method": "POST", "path": "/api/chat", "headers": []}
    asyncio.run(BodyLimits(endless)(scope, receive, send))

    assert received == MAX_BODY_BYTES // 1024 + 1
    assert sent[0]["status"] == 413
    assert json.loads(sent[1]["body"])["code"] == "payload_too_large"


@pytest.fixture(scope="module")
def live_port(api_services: Services) -> Iterator[int]:
    """The app on a real uvicorn server on 127.0.0.1 (a socket bound here: no port race)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(create_app(services=api_services), log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield sock.getsockname()[1]
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()


def test_a_real_server_answers_413_before_a_chunked_body_ends(live_port: int) -> None:
    """The body's last chunk is never sent: the answer comes once 64 KiB are exceeded."""
    head = (
        b"POST /api/chat HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n"
    )
    chunk = b"x" * 8192
    with socket.create_connection(("127.0.0.1", live_port), timeout=5) as conn:
        conn.sendall(head)
        for _ in range(MAX_BODY_BYTES // len(chunk) + 1):
            conn.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        reply = b""
        while b"}" not in reply:
            data = conn.recv(65536)
            assert data, f"the connection closed before the answer: {reply!r}"
            reply += data

    status, _, rest = reply.partition(b"\r\n")
    headers, _, body = rest.partition(b"\r\n\r\n")
    assert status == b"HTTP/1.1 413 Request Entity Too Large"
    assert b"connection: close" in headers.lower()
    assert json.loads(body)["code"] == "payload_too_large"


def test_a_body_nested_too_deep_to_parse_is_a_400_envelope(client: TestClient) -> None:
    response = client.post(
        "/api/chat", content=b"[" * 60_000, headers={"Content-Type": "application/json"}
    )

    assert response.status_code == 400
    assert response.json() == {
        "success": False,
        "error": "The request body must be a JSON object.",
        "code": "invalid_input",
    }


# --- 415: bodies that are not JSON -------------------------------------------------------------


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", None],
    ids=["text", "form", "multipart", "missing"],
)
def test_a_chat_body_that_is_not_declared_json_is_a_415(
    client: TestClient, content_type: str | None
) -> None:
    session = new_id()
    headers = {"Content-Type": content_type} if content_type else {}
    data = json.dumps({"sessionId": session, "message": FIREFOX_QUESTION}).encode()

    response = client.post("/api/chat/stream", content=data, headers=headers)

    assert response.status_code == 415
    body = response.json()
    assert_error(body, naming="Content-Type: application/json")
    assert body["code"] == "unsupported_media_type"
    assert history_length(client, session) == 0


def test_json_with_a_charset_is_accepted(client: TestClient) -> None:
    data = json.dumps({"sessionId": new_id(), "message": FIREFOX_QUESTION}).encode()

    response = client.post(
        "/api/chat", content=data, headers={"Content-Type": "application/json; charset=utf-8"}
    )

    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    ("content_type", "expected"),
    [
        ("application/json", True),
        ("Application/JSON; charset=UTF-8", True),
        ("application/merge-patch+json", True),
        ("text/json", False),
        ("application/jsonp", False),
        ("", False),
        (None, False),
    ],
)
def test_is_json_knows_json_media_types(content_type: str | None, expected: bool) -> None:
    assert is_json(content_type) is expected


# --- 404, 405 ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/api/nothing-here", "/nothing-here", "/static/missing.js", "/api/history/a/b"]
)
def test_an_unknown_path_is_a_404_envelope_with_a_code(client: TestClient, path: str) -> None:
    response = client.get(path)

    assert response.status_code == 404
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert_error(body, naming="/docs")
    assert body["code"] == "not_found"


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("PUT", "/api/chat", "POST"),
        ("GET", "/api/chat/stream", "POST"),
        ("POST", "/api/history/abc", "GET"),
        ("POST", "/", "GET"),
        ("POST", "/static/app.js", "GET, HEAD"),
    ],
)
def test_a_wrong_method_is_a_405_envelope_naming_the_allowed_ones(
    client: TestClient, method: str, path: str, allowed: str
) -> None:
    response = client.request(method, path, headers={"Content-Type": "application/json"})

    assert response.status_code == 405
    assert response.headers["allow"] == allowed
    body = response.json()
    assert_error(body, naming=allowed)
    assert body["code"] == "method_not_allowed"


# --- sessionId and message bounds --------------------------------------------------------------


@pytest.mark.parametrize(
    ("session", "status"),
    [("a" * 128, 404), ("a" * 129, 400), ("A-z_09.:@", 404), ("...", 400), ("é", 400)],
    ids=["128", "129", "alphabet", "only-dots", "accent"],
)
def test_session_ids_are_1_to_128_safe_characters(
    client: TestClient, session: str, status: int
) -> None:
    response = client.get(f"/api/history/{session}")

    assert response.status_code == status
    if status == 400:
        assert response.json()["code"] == "invalid_input"
        assert_error(response.json(), naming="sessionId")


def test_a_message_of_5000_characters_after_trimming_is_accepted(client: TestClient) -> None:
    message = ("chocolate cookie recipe " * 300)[:5000].strip().ljust(5000, "x")

    body = chat(client, new_id(), f"  \n\t{message}  \n")

    assert body["userMessage"] == message


def test_an_over_long_message_is_a_400_and_leaves_the_session_as_it_was(
    client: TestClient,
) -> None:
    session = new_id()
    chat(client, session, FIREFOX_QUESTION)
    before = client.get(f"/api/history/{session}").json()["messages"]

    response = client.post("/api/chat", json={"sessionId": session, "message": "x" * 5001})

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_input"
    assert_error(response.json(), naming="at most 5000 characters")
    assert client.get(f"/api/history/{session}").json()["messages"] == before
