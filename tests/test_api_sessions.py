"""GET /api/history and DELETE /api/session end to end: turn history, time to live, deletion,
per-session isolation and session-id validation (ids with '.', ':' and '@' through the path)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import httpx
import pytest
from fastapi.testclient import TestClient

from newsrag.api.app import create_app
from newsrag.generation.base import NOT_COVERED
from newsrag.services import Services
from tests.api_helpers import (
    ABSENT_QUESTION,
    FIREFOX_QUESTION,
    api_services_fixture,  # noqa: F401  (the `api_services` fixture)
    chat,
    client_fixture,  # noqa: F401  (the `client` fixture)
    new_id,
)
from tests.browser_helpers import serve_app

pytestmark = pytest.mark.model

SESSION_RULE = (
    "'sessionId' must be 1-128 characters of ASCII letters, digits, "
    "'_', '-', '.', ':' or '@', and not only dots."
)


# --- GET /api/history, DELETE /api/session -------------------------------------------------------


def test_history_lists_two_turns_in_order(client: TestClient) -> None:
    session = new_id()
    chat(client, session, FIREFOX_QUESTION)
    chat(client, session, ABSENT_QUESTION)

    response = client.get(f"/api/history/{session}")

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"success", "sessionId", "messages", "messageCount", "ttl", "ttlMinutes"}
    assert body["success"] is True
    assert body["sessionId"] == session
    assert [m["role"] for m in body["messages"]] == ["user", "assistant", "user", "assistant"]
    assert [m["content"] for m in body["messages"]][::2] == [FIREFOX_QUESTION, ABSENT_QUESTION]
    assert body["messages"][3]["content"] == NOT_COVERED
    assert body["messageCount"] == 4
    for message in body["messages"]:
        extra = {"sources"} if message["role"] == "assistant" else set()
        assert set(message) == {"role", "content", "timestamp", *extra}
    stamps = [datetime.fromisoformat(m["timestamp"]) for m in body["messages"]]
    assert stamps == sorted(stamps)


def test_history_lists_each_answer_with_the_sources_chat_answered(client: TestClient) -> None:
    session = new_id()
    answered = chat(client, session, FIREFOX_QUESTION)
    chat(client, session, ABSENT_QUESTION)

    messages = client.get(f"/api/history/{session}").json()["messages"]

    assert answered["sources"]
    assert messages[1]["sources"] == answered["sources"]
    assert messages[3]["sources"] == []
    assert "sources" not in messages[0]


def test_history_reports_the_remaining_time_to_live(client: TestClient) -> None:
    session = new_id()
    chat(client, session, ABSENT_QUESTION)

    body = client.get(f"/api/history/{session}").json()

    assert 1700 < body["ttl"] <= 1800
    assert body["ttlMinutes"] == round(body["ttl"] / 60)


def test_history_of_an_unknown_session_is_404(client: TestClient) -> None:
    session = new_id()

    response = client.get(f"/api/history/{session}")

    assert response.status_code == 404
    assert response.json() == {"success": False, "error": "Session not found", "sessionId": session}


def test_delete_clears_the_session(client: TestClient) -> None:
    session = new_id()
    chat(client, session, ABSENT_QUESTION)

    response = client.delete(f"/api/session/{session}")

    assert response.status_code == 200
    assert response.json() == {
        "success": True,
        "sessionId": session,
        "message": "Session cleared successfully",
    }
    assert client.get(f"/api/history/{session}").status_code == 404


def test_delete_twice_is_404_the_second_time(client: TestClient) -> None:
    session = new_id()
    chat(client, session, ABSENT_QUESTION)
    client.delete(f"/api/session/{session}")

    response = client.delete(f"/api/session/{session}")

    assert response.status_code == 404
    assert response.json() == {"success": False, "error": "Session not found", "sessionId": session}


def test_chat_after_delete_starts_a_fresh_history(client: TestClient) -> None:
    session = new_id()
    chat(client, session, FIREFOX_QUESTION)
    client.delete(f"/api/session/{session}")
    chat(client, session, ABSENT_QUESTION)

    messages = client.get(f"/api/history/{session}").json()["messages"]
    assert [m["content"] for m in messages] == [ABSENT_QUESTION, NOT_COVERED]


# --- session ids ---------------------------------------------------------------------------------


@pytest.mark.parametrize("session", ["user@example.com", "tenant:42", "v1.session", "a..b"])
def test_a_session_id_with_dot_colon_or_at_round_trips_through_chat_history_and_delete(
    client: TestClient, session: str
) -> None:
    answer = chat(client, session, ABSENT_QUESTION)
    history = client.get(f"/api/history/{session}")
    cleared = client.delete(f"/api/session/{session}")
    gone = client.get(f"/api/history/{session}")

    assert answer["sessionId"] == session
    assert history.status_code == 200
    assert history.json()["sessionId"] == session
    assert [m["content"] for m in history.json()["messages"]] == [ABSENT_QUESTION, NOT_COVERED]
    assert cleared.json() == {
        "success": True,
        "sessionId": session,
        "message": "Session cleared successfully",
    }
    assert gone.status_code == 404


def test_sessions_whose_ids_differ_only_in_punctuation_keep_their_own_history(
    client: TestClient,
) -> None:
    stem = new_id()
    sessions = [f"{stem}:42", f"{stem}.42", f"{stem}@42", f"{stem}-42"]
    for session in sessions:
        chat(client, session, f"{session} {ABSENT_QUESTION}")

    firsts = [client.get(f"/api/history/{s}").json()["messages"][0]["content"] for s in sessions]
    client.delete(f"/api/session/{sessions[0]}")

    assert firsts == [f"{s} {ABSENT_QUESTION}" for s in sessions]
    assert [client.get(f"/api/history/{s}").status_code for s in sessions] == [404, 200, 200, 200]


BAD_SESSION_IDS = {
    "space": "user 42",
    "slash": "tenant/42",
    "percent": "v1%2E",
    "hash": "chat#1",
    "question-mark": "chat?x=1",
    "non-ascii-letter": "utilisateur-é",
    "129-characters": "a" * 129,
    "empty": "",
    "dot": ".",
    "two-dots": "..",
}


@pytest.mark.parametrize("session", BAD_SESSION_IDS.values(), ids=BAD_SESSION_IDS.keys())
def test_chat_refuses_a_session_id_outside_the_rule_and_stores_nothing(
    client: TestClient, api_services: Services, session: str
) -> None:
    response = client.post("/api/chat", json={"sessionId": session, "message": ABSENT_QUESTION})

    assert response.status_code == 400
    assert response.json() == {"success": False, "error": SESSION_RULE, "code": "invalid_input"}
    assert api_services.sessions.history(session) is None


# Percent-encoded: the path's id after decoding is the one of the same name above. '%' itself is
# checked on a real server below: TestClient decodes a path twice ('%252E' reaches the app as '.').
BAD_PATH_IDS = {
    "space": "user%2042",
    "hash": "chat%231",
    "question-mark": "chat%3Fx=1",
    "non-ascii-letter": "utilisateur-%C3%A9",
    "129-characters": "a" * 129,
    "dot": "%2E",
    "two-dots": "%2E%2E",
    "three-dots": "...",
}


@pytest.mark.parametrize("prefix", ["/api/history/", "/api/session/"])
@pytest.mark.parametrize("session", BAD_PATH_IDS.values(), ids=BAD_PATH_IDS.keys())
def test_session_routes_refuse_a_path_session_id_outside_the_rule(
    client: TestClient, prefix: str, session: str
) -> None:
    method = client.get if "history" in prefix else client.delete

    response = method(prefix + session)

    assert response.status_code == 400
    assert response.json() == {"success": False, "error": SESSION_RULE, "code": "invalid_input"}


@pytest.mark.parametrize("session", [".", ".."])
def test_a_bare_dot_segment_is_rewritten_by_the_client_and_names_no_session(
    client: TestClient, session: str
) -> None:
    response = client.get(f"/api/history/{session}")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert "sessionId" not in response.json()


@pytest.fixture(scope="module")
def live_url(api_services: Services) -> Iterator[str]:
    """The app on a real uvicorn server, which decodes the path once, as in production."""
    with serve_app(create_app(services=api_services)) as url:
        yield url


@pytest.mark.parametrize("session", ["user@example.com", "tenant:42", "v1.session", "a..b"])
def test_a_real_server_routes_a_session_id_with_dot_colon_or_at_to_the_session(
    live_url: str, session: str
) -> None:
    response = httpx.get(f"{live_url}/api/history/{session}")

    assert response.status_code == 404
    assert response.json() == {"success": False, "error": "Session not found", "sessionId": session}


@pytest.mark.parametrize("prefix", ["/api/history/", "/api/session/"])
def test_a_real_server_refuses_a_percent_in_a_path_session_id(live_url: str, prefix: str) -> None:
    response = httpx.request(
        "GET" if "history" in prefix else "DELETE", live_url + prefix + "v1%252E"
    )

    assert response.status_code == 400
    assert response.json() == {"success": False, "error": SESSION_RULE, "code": "invalid_input"}
