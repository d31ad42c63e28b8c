"""X-Request-ID on every response and one JSON access line per request (`newsrag.access`): the
route's template, status, latency and a hash of the session id, never the id itself."""

from __future__ import annotations

import hashlib
import json
import logging
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api_helpers import (
    FIREFOX_QUESTION,
    api_services_fixture,  # noqa: F401  (the `api_services` fixture)
    chat,
    client_fixture,  # noqa: F401  (the `client` fixture)
    new_id,
)

pytestmark = pytest.mark.model

UUID_HEX = re.compile(r"[0-9a-f]{32}")
PREFLIGHT = {"Origin": "http://localhost:5173", "Access-Control-Request-Method": "POST"}


@pytest.fixture
def access(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.INFO, logger="newsrag.access")
    return caplog


def access_lines(caplog: pytest.LogCaptureFixture) -> list[dict[str, Any]]:
    return [json.loads(r.getMessage()) for r in caplog.records if r.name == "newsrag.access"]


def sha(session: str) -> str:
    return hashlib.sha256(session.encode()).hexdigest()[:16]


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/health", 200),
        ("GET", "/", 200),
        ("GET", "/api/nothing-here", 404),
        ("PUT", "/api/chat", 405),
        ("OPTIONS", "/api/chat", 200),
    ],
    ids=["health", "page", "not-found", "wrong-method", "cors-preflight"],
)
def test_every_response_carries_a_new_request_id(
    client: TestClient, method: str, path: str, status: int
) -> None:
    first = client.request(method, path, headers=PREFLIGHT)
    second = client.request(method, path, headers=PREFLIGHT)

    assert first.status_code == second.status_code == status
    assert UUID_HEX.fullmatch(first.headers["x-request-id"])
    assert UUID_HEX.fullmatch(second.headers["x-request-id"])
    assert first.headers["x-request-id"] != second.headers["x-request-id"]


def test_a_sane_client_request_id_is_returned_and_logged(
    client: TestClient, access: pytest.LogCaptureFixture
) -> None:
    given = "edge-7f3a.2024:01/b+c="

    response = client.get("/health", headers={"X-Request-ID": given})

    assert response.headers["x-request-id"] == given
    assert [line["requestId"] for line in access_lines(access)] == [given]


@pytest.mark.parametrize(
    "given",
    ["a" * 129, "has space", "semi;colon", "<script>", ""],
    ids=["129-chars", "space", "semicolon", "markup", "empty"],
)
def test_an_unsafe_client_request_id_is_replaced(client: TestClient, given: str) -> None:
    response = client.get("/health", headers={"X-Request-ID": given})

    assert UUID_HEX.fullmatch(response.headers["x-request-id"])


def test_the_request_id_is_readable_cross_origin(client: TestClient) -> None:
    response = client.get("/health", headers={"Origin": "http://localhost:5173"})

    exposed = response.headers["access-control-expose-headers"].lower()
    assert "x-request-id" in exposed
    assert "retry-after" in exposed


def test_one_access_line_names_the_route_template_and_hashes_the_path_session(
    client: TestClient, access: pytest.LogCaptureFixture
) -> None:
    session = new_id()

    response = client.get(f"/api/history/{session}", headers={"X-Request-ID": "hist-1"})

    lines = access_lines(access)
    assert len(lines) == 1
    line = lines[0]
    assert set(line) == {"requestId", "method", "route", "status", "latencyMs", "session"}
    assert line["requestId"] == "hist-1" == response.headers["x-request-id"]
    assert (line["method"], line["route"], line["status"]) == (
        "GET",
        "/api/history/{sessionId}",
        404,
    )
    assert isinstance(line["latencyMs"], float)
    assert 0 <= line["latencyMs"] < 10_000
    assert line["session"] == sha(session)
    assert session not in access.text


def test_a_chat_access_line_hashes_the_body_session_and_leaves_out_secrets(
    client: TestClient, access: pytest.LogCaptureFixture
) -> None:
    session = new_id()
    secret = "Bearer hf_secret_token_1234"

    response = client.post(
        "/api/chat",
        json={"sessionId": session, "message": FIREFOX_QUESTION},
        headers={"Authorization": secret},
    )

    assert response.status_code == 200
    [line] = access_lines(access)
    assert (line["method"], line["route"], line["status"]) == ("POST", "/api/chat", 200)
    assert line["session"] == sha(session)
    assert line["latencyMs"] > 0
    logged = "\n".join(r.getMessage() for r in access.records)
    assert session not in logged
    assert secret not in logged
    assert FIREFOX_QUESTION not in logged


def test_an_access_line_hashes_an_email_session_id_and_the_log_never_holds_it(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # every server logger, not only the access line's
    session = f"{new_id()}@example.com"

    chat(client, session, FIREFOX_QUESTION)
    client.get(f"/api/history/{session}")
    client.delete(f"/api/session/{session}")

    lines = access_lines(caplog)
    assert [(line["route"], line["status"]) for line in lines] == [
        ("/api/chat", 200),
        ("/api/history/{sessionId}", 200),
        ("/api/session/{sessionId}", 200),
    ]
    assert {line["session"] for line in lines} == {sha(session)}
    server = [r.getMessage() for r in caplog.records if r.name.startswith("newsrag")]
    assert len(server) >= 3
    assert not [message for message in server if "@" in message]


@pytest.mark.parametrize(
    ("path", "route"),
    [("/api/nothing-here", None), ("/static/missing.js", "/static/{path}")],
)
def test_an_unmatched_path_is_logged_by_its_template_or_null(
    client: TestClient, access: pytest.LogCaptureFixture, path: str, route: str | None
) -> None:
    client.get(path)

    [line] = access_lines(access)
    assert (line["route"], line["status"], line["session"]) == (route, 404, None)


@pytest.mark.parametrize("path", ["/api/chat", "/api/chat/stream"])
def test_a_chat_access_line_holds_the_time_of_each_step(
    client: TestClient, access: pytest.LogCaptureFixture, path: str
) -> None:
    response = client.post(path, json={"sessionId": new_id(), "message": FIREFOX_QUESTION})

    assert response.status_code == 200
    [line] = access_lines(access)
    timings = line["timings"]
    assert set(timings) == {"embeddingMs", "retrievalMs", "generationMs"}
    assert 0 < timings["embeddingMs"] <= timings["retrievalMs"]
    assert timings["generationMs"] > 0
    assert timings["retrievalMs"] + timings["generationMs"] <= line["latencyMs"]
